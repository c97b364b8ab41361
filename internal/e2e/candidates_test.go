package e2e

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/nascent-nas/nascent/kws"
	"github.com/nascent-nas/nascent/space"
	"github.com/nascent-nas/nascent/study"
)

// TestExampleCandidatesTrain samples and mutates candidates of the FSDD
// example's space and trains every one that the study's constraint lets
// through for one epoch on a handful of random examples. Any candidate of
// the shipped space must give a network that trains without a panic and
// with a finite loss, and its cost computed before training must equal
// the weights of the network built: a search would otherwise crash trials
// or reject the wrong candidates.
func TestExampleCandidatesTrain(t *testing.T) {
	root := repoRoot(t)
	f, err := study.Load(filepath.Join(root, "examples", "kws-fsdd", "study.yaml"),
		func(string) (string, bool) { return "/data", true })
	if err != nil {
		t.Fatal(err)
	}
	sp, err := space.ParseNode(f.Space.File, f.Space.Node, f.Space.NodePath)
	if err != nil {
		t.Fatal(err)
	}
	ds := randomDataset(10, 8)
	r := rand.New(rand.NewPCG(7, 11))
	n := 150
	if testing.Short() {
		n = 30
	}
	trained := 0
	parent := sp.Sample(r)
	for i := 0; i < n; i++ {
		c := sp.Sample(r)
		if i%2 == 1 {
			// Children reach shapes that samples rarely do.
			if c, _, err = sp.Mutate(r, parent); err != nil {
				t.Fatalf("Mutate: %v", err)
			}
		}
		cost, err := kws.Cost(c.Values, len(ds.Classes))
		if err != nil {
			// A candidate the cost model refuses is rejected before
			// launch; it must not be a network the trainer would take.
			if _, berr := kws.BuildModel(c.Values, len(ds.Classes), 1); berr == nil {
				t.Errorf("candidate %d: Cost fails (%v) but BuildModel takes it", i, err)
			}
			continue
		}
		parent = c
		if cost["weights"] > 20000 {
			continue
		}
		m, err := kws.BuildModel(c.Values, len(ds.Classes), 1)
		if err != nil {
			t.Errorf("candidate %d: Cost takes it but BuildModel fails: %v", i, err)
			continue
		}
		if got := m.Weights(); float64(got) != cost["weights"] {
			t.Errorf("candidate %d: network has %d weights, Cost says %v", i, got, cost["weights"])
		}
		res, err := kws.Train(context.Background(), m, ds, kws.TrainOptions{Epochs: 1, BatchSize: 4, Threads: 1})
		if err != nil {
			t.Errorf("candidate %d: Train: %v", i, err)
			continue
		}
		if math.IsNaN(res.ValLoss) || math.IsInf(res.ValLoss, 0) {
			t.Errorf("candidate %d: val loss %v, want finite", i, res.ValLoss)
		}
		trained++
	}
	if trained < n/10 {
		t.Errorf("only %d of %d candidates were trainable under the constraint", trained, n)
	}
	t.Logf("%d of %d candidates trained", trained, n)
}

// randomDataset returns a dataset of Gaussian features, n examples per
// split, over the given number of classes.
func randomDataset(classes, n int) *kws.Dataset {
	r := rand.New(rand.NewPCG(1, 2))
	split := func() kws.Split {
		s := kws.Split{X: make([]float32, n*kws.NumCoeffs*kws.NumFrames), Y: make([]int, n)}
		for i := range s.X {
			s.X[i] = float32(r.NormFloat64())
		}
		for i := range s.Y {
			s.Y[i] = r.IntN(classes)
		}
		return s
	}
	ds := &kws.Dataset{Train: split(), Val: split(), Test: split()}
	for i := 0; i < classes; i++ {
		ds.Classes = append(ds.Classes, string(rune('0'+i)))
	}
	return ds
}
