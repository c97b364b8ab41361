package kws

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nascent-nas/nascent"
)

// synthetic returns a dataset of k classes that the test makes itself:
// each example is unit Gaussian noise plus, on a band of coefficients
// that belongs to its class, a tone along time with a random phase and
// frequency. The tone averages to zero over time, so telling classes
// apart takes a nonlinearity before the pooling.
func synthetic(k, perClass int, seed uint64) Split {
	r := rand.New(rand.NewPCG(seed, 1))
	var s Split
	band := NumCoeffs / k
	for i := range k * perClass {
		class := i % k
		x := make([]float32, NumCoeffs*NumFrames)
		freq := 0.05 + 0.1*r.Float64()
		phase := 2 * math.Pi * r.Float64()
		for c := range NumCoeffs {
			for t := range NumFrames {
				v := r.NormFloat64()
				if c/band == class {
					v += 2 * math.Sin(2*math.Pi*freq*float64(t)+phase)
				}
				x[c*NumFrames+t] = float32(v)
			}
		}
		s.X = append(s.X, x...)
		s.Y = append(s.Y, class)
	}
	return s
}

func syntheticDataset(k int) *Dataset {
	ds := &Dataset{Train: synthetic(k, 64, 1), Val: synthetic(k, 16, 2),
		Test: synthetic(k, 16, 3)}
	for i := range k {
		ds.Classes = append(ds.Classes, string(rune('a'+i)))
	}
	return ds
}

func TestTrainSynthetic(t *testing.T) {
	ds := syntheticDataset(4)
	m, err := BuildModel(TCResNet8(8, 8, 8, 8), 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	var reports []EpochReport
	res, err := Train(context.Background(), m, ds, TrainOptions{
		Epochs: 10, BatchSize: 16, Seed: 1, Threads: 2, LearningRate: 1e-2,
		OnEpoch: func(r EpochReport) { reports = append(reports, r) },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("result %+v", res)
	if len(reports) != 10 || res.Epochs != 10 {
		t.Fatalf("%d reports, %d epochs, want 10", len(reports), res.Epochs)
	}
	if first, last := reports[0].TrainLoss, reports[9].TrainLoss; last > first/4 {
		t.Errorf("train loss %g -> %g, want a fall of 4x or more", first, last)
	}
	if res.ValError > 0.02 || res.TestError > 0.05 {
		t.Errorf("val error %g, test error %g; want <= 0.02 and <= 0.05",
			res.ValError, res.TestError)
	}
	best := reports[res.BestEpoch-1]
	if best.ValError != res.ValError || best.ValLoss != res.ValLoss {
		t.Errorf("result val %g/%g, epoch %d reported %g/%g", res.ValError,
			res.ValLoss, res.BestEpoch, best.ValError, best.ValLoss)
	}
	// The model now holds the best epoch's weights.
	if vl, ve := Evaluate(m, ds.Val, 0); vl != res.ValLoss || ve != res.ValError {
		t.Errorf("after Train, Evaluate(val) = %g, %g; want the best epoch's %g, %g",
			vl, ve, res.ValLoss, res.ValError)
	}
	for _, r := range reports[:res.BestEpoch-1] {
		if r.ValError <= res.ValError {
			t.Errorf("epoch %d had val error %g <= best %g but came first",
				r.Epoch, r.ValError, res.ValError)
		}
	}
}

func TestTrainDeterministic(t *testing.T) {
	// The same seeds give the same run, whatever the thread count: work
	// is split so that each value is summed in the same order.
	ds := syntheticDataset(3)
	run := func(threads int) TrainResult {
		m, err := BuildModel(TCResNet8(4, 4, 8, 8), 3, 7)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Train(context.Background(), m, ds,
			TrainOptions{Epochs: 2, Seed: 3, Threads: threads})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b := run(1), run(1)
	if a.ValLoss != b.ValLoss {
		t.Errorf("val loss %v then %v with the same seeds", a.ValLoss, b.ValLoss)
	}
	if c := run(2); math.Abs(c.ValLoss-a.ValLoss) > 1e-4*a.ValLoss {
		t.Errorf("val loss %v with 2 threads, %v with 1", c.ValLoss, a.ValLoss)
	}
}

func TestTrainCancel(t *testing.T) {
	ds := syntheticDataset(2)
	m, err := BuildModel(TCResNet8(4, 4, 8, 8), 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Train(ctx, m, ds, TrainOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Train(cancelled) error = %v, want context.Canceled", err)
	}
}

func TestTrainOptionErrors(t *testing.T) {
	ds := syntheticDataset(2)
	m, err := BuildModel(TCResNet8(4, 4, 8, 8), 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opt  TrainOptions
	}{
		{"class mismatch", TrainOptions{}},
		{"bad schedule", TrainOptions{Schedule: "step"}},
		{"negative epochs", TrainOptions{Epochs: -1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Train(context.Background(), m, ds, tc.opt); !errors.Is(err, nascent.ErrInvalid) {
				t.Errorf("Train() error = %v, want ErrInvalid", err)
			}
		})
	}
}
