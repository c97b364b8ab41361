package kws

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/nn"
)

// TrainOptions configures Train. The zero value is the PyTorch reference
// recipe (fsdd_torch_reference.py): 30 epochs of batch 64, AdamW with
// weight decay 1e-4, one-cycle schedule peaking at 3e-3, on every core.
type TrainOptions struct {
	// Epochs is the number of passes over the training split; 0 means 30.
	Epochs int
	// BatchSize is the number of examples per step; 0 means 64. The last
	// batch of an epoch may be smaller.
	BatchSize int
	// LearningRate is the peak learning rate; 0 means 3e-3.
	LearningRate float64
	// WeightDecay is AdamW's decoupled decay, applied to every parameter
	// as PyTorch's AdamW over model.parameters() does; 0 means 1e-4 and
	// a negative value means none.
	WeightDecay float64
	// Schedule is "onecycle" (zero value) or "cosine".
	Schedule string
	// Seed seeds the order of examples and dropout. The weights come from
	// the seed given to BuildModel.
	Seed uint64
	// Threads is the number of goroutines per layer; 0 means
	// runtime.GOMAXPROCS(0).
	Threads int
	// EvalBatchSize is the batch size for evaluation; 0 means 256.
	EvalBatchSize int
	// OnEpoch, when not nil, is called after every epoch.
	OnEpoch func(EpochReport)
}

// EpochReport is the progress of one epoch.
type EpochReport struct {
	// Epoch counts from 1.
	Epoch int
	// TrainLoss and TrainAccuracy are averaged over the epoch's batches,
	// measured in training mode as the weights changed.
	TrainLoss, TrainAccuracy float64
	// ValLoss is the mean cross-entropy and ValError the fraction
	// misclassified on the validation split, in inference mode.
	ValLoss, ValError float64
	// Seconds is the epoch's wall time, evaluation included.
	Seconds float64
}

// TrainResult is the outcome of Train. The metrics are those of the epoch
// with the lowest validation error (the earliest on ties); the test split
// is only measured, never used to choose.
type TrainResult struct {
	ValError, ValLoss float64
	// TestError is NaN when the dataset has no test split.
	TestError float64
	// BestEpoch counts from 1; Epochs is the number run.
	BestEpoch, Epochs int
	// TrainSeconds is the time spent in training steps, without
	// evaluation (as the reference counts it); TotalSeconds includes it.
	TrainSeconds, TotalSeconds float64
	// SamplesPerSecond is training examples processed per TrainSeconds.
	SamplesPerSecond float64
}

func (o TrainOptions) withDefaults() TrainOptions {
	if o.Epochs == 0 {
		o.Epochs = 30
	}
	if o.BatchSize == 0 {
		o.BatchSize = 64
	}
	if o.LearningRate == 0 {
		o.LearningRate = 3e-3
	}
	if o.WeightDecay == 0 {
		o.WeightDecay = 1e-4
	}
	if o.WeightDecay < 0 {
		o.WeightDecay = 0
	}
	if o.Schedule == "" {
		o.Schedule = "onecycle"
	}
	if o.Threads == 0 {
		o.Threads = runtime.GOMAXPROCS(0)
	}
	if o.EvalBatchSize == 0 {
		o.EvalBatchSize = 256
	}
	return o
}

func (o TrainOptions) validate(ds *Dataset, m *Model) error {
	switch {
	case o.Epochs < 0:
		return fmt.Errorf("epochs: must be >= 1, got %d: %w", o.Epochs, nascent.ErrInvalid)
	case o.BatchSize < 0:
		return fmt.Errorf("batch size: must be >= 1, got %d: %w", o.BatchSize, nascent.ErrInvalid)
	case o.LearningRate < 0 || math.IsNaN(o.LearningRate):
		return fmt.Errorf("learning rate: must be > 0, got %g: %w", o.LearningRate, nascent.ErrInvalid)
	case o.Schedule != "onecycle" && o.Schedule != "cosine":
		return fmt.Errorf("schedule: %q, want onecycle or cosine: %w", o.Schedule, nascent.ErrInvalid)
	case ds.Train.Len() == 0 || ds.Val.Len() == 0:
		return fmt.Errorf("kws train: empty training or validation split: %w", nascent.ErrInvalid)
	case len(ds.Classes) != m.NumClasses:
		return fmt.Errorf("kws train: dataset has %d classes, model %d: %w",
			len(ds.Classes), m.NumClasses, nascent.ErrInvalid)
	}
	return nil
}

// Train fits model to ds.Train with AdamW and a one-cycle (or cosine)
// schedule, evaluating on ds.Val after every epoch. When it returns
// without error, the model holds the weights (and batch-norm statistics)
// of the best-validation epoch. It returns early with ctx's error when
// ctx is cancelled, leaving the model as it was at that moment.
func Train(ctx context.Context, model *Model, ds *Dataset, opt TrainOptions) (TrainResult, error) {
	opt = opt.withDefaults()
	if err := opt.validate(ds, model); err != nil {
		return TrainResult{}, err
	}
	model.SetThreads(opt.Threads)
	t := newTrainer(model, ds, opt)
	res := TrainResult{ValError: math.Inf(1), TestError: math.NaN()}
	var best [][]float32
	start := time.Now()
	for ep := 1; ep <= opt.Epochs; ep++ {
		epStart := time.Now()
		loss, acc, err := t.epoch(ctx)
		if err != nil {
			return res, err
		}
		res.TrainSeconds += time.Since(epStart).Seconds()
		vl, ve := Evaluate(model, ds.Val, opt.EvalBatchSize)
		res.Epochs = ep
		if ve < res.ValError {
			res.ValError, res.ValLoss, res.BestEpoch = ve, vl, ep
			best = model.snapshot(best)
			if ds.Test.Len() > 0 {
				_, res.TestError = Evaluate(model, ds.Test, opt.EvalBatchSize)
			}
		}
		if opt.OnEpoch != nil {
			opt.OnEpoch(EpochReport{Epoch: ep, TrainLoss: loss,
				TrainAccuracy: acc, ValLoss: vl, ValError: ve,
				Seconds: time.Since(epStart).Seconds()})
		}
	}
	if best != nil {
		model.restore(best)
	}
	res.TotalSeconds = time.Since(start).Seconds()
	res.SamplesPerSecond = float64(ds.Train.Len()*res.Epochs) / res.TrainSeconds
	return res, nil
}

// trainer holds the state of one training run.
type trainer struct {
	model *Model
	split Split
	opt   TrainOptions
	adam  *nn.AdamW
	rng   *rand.Rand
	step  int
	steps int // total optimizer steps of the run
	xb    []float32
	yb    []int
	grad  *nn.Tensor
}

func newTrainer(m *Model, ds *Dataset, opt TrainOptions) *trainer {
	perEpoch := (ds.Train.Len() + opt.BatchSize - 1) / opt.BatchSize
	return &trainer{model: m, split: ds.Train, opt: opt,
		adam:  nn.NewAdamW(m.Params(), opt.WeightDecay),
		rng:   rand.New(rand.NewPCG(opt.Seed, 0x73687566)),
		steps: perEpoch * opt.Epochs}
}

// epoch runs one pass over the training split in a fresh random order and
// returns the mean training loss and accuracy.
func (t *trainer) epoch(ctx context.Context) (loss, acc float64, err error) {
	const feat = NumCoeffs * NumFrames
	n := t.split.Len()
	perm := nn.Shuffle(n, t.rng)
	correct := 0
	for lo := 0; lo < n; lo += t.opt.BatchSize {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		idx := perm[lo:min(lo+t.opt.BatchSize, n)]
		t.xb = t.xb[:0]
		t.yb = t.yb[:0]
		for _, i := range idx {
			t.xb = append(t.xb, t.split.X[i*feat:(i+1)*feat]...)
			t.yb = append(t.yb, t.split.Y[i])
		}
		l, c := t.batch()
		loss += l * float64(len(idx))
		correct += c
	}
	return loss / float64(n), float64(correct) / float64(n), nil
}

// batch runs one optimizer step on the gathered batch.
func (t *trainer) batch() (loss float64, correct int) {
	logits := t.model.Forward(t.xb, len(t.yb), true)
	if t.grad == nil || t.grad.N != len(t.yb) {
		t.grad = nn.NewTensor(logits.C, logits.N, 1)
	}
	loss, correct = nn.SoftmaxCrossEntropy(logits, t.yb, t.grad)
	t.model.Backward(t.grad)
	lr := t.opt.LearningRate
	switch t.opt.Schedule {
	case "onecycle":
		lr, t.adam.Beta1 = nn.OneCycle{MaxLR: lr, Total: t.steps}.At(t.step)
	case "cosine":
		lr = nn.Cosine{MaxLR: lr, Total: t.steps}.At(t.step)
	}
	t.adam.Step(lr)
	t.step++
	return loss, correct
}

// Evaluate returns the mean cross-entropy and the fraction of examples
// misclassified by model on s, in inference mode, batchSize examples at a
// time. An empty split gives NaN for both.
func Evaluate(model *Model, s Split, batchSize int) (loss, errRate float64) {
	const feat = NumCoeffs * NumFrames
	n := s.Len()
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	if batchSize < 1 {
		batchSize = 256
	}
	correct := 0
	for lo := 0; lo < n; lo += batchSize {
		hi := min(lo+batchSize, n)
		logits := model.Forward(s.X[lo*feat:hi*feat], hi-lo, false)
		l, c := nn.SoftmaxCrossEntropy(logits, s.Y[lo:hi], nil)
		loss += l * float64(hi-lo)
		correct += c
	}
	return loss / float64(n), 1 - float64(correct)/float64(n)
}
