package evo

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/nascent-nas/nascent"
)

var maxAcc = []nascent.Objective{{Name: "acc", Direction: nascent.Maximize}}

// noisyOnes is the toy fitness: the fraction of ones plus Gaussian noise of
// standard deviation 0.01, drawn from a source fixed by the trial.
func noisyOnes(c nascent.Candidate, trial int) map[string]float64 {
	r := rand.New(rand.NewPCG(99, uint64(trial)))
	return map[string]float64{"acc": ones(c) + 0.01*r.NormFloat64()}
}

// search runs opt sequentially for budget trials and returns the proposals.
func search(t *testing.T, opt nascent.Optimizer, budget int,
	fit func(nascent.Candidate, int) map[string]float64) []nascent.Proposal {
	t.Helper()
	var out []nascent.Proposal
	for trial := range budget {
		p, err := opt.Ask(trial)
		if err != nil {
			t.Fatalf("Ask(%d): %v", trial, err)
		}
		res := nascent.Result{Trial: trial, Candidate: p.Candidate, Metrics: fit(p.Candidate, trial)}
		if err := opt.Tell(res); err != nil {
			t.Fatalf("Tell(%d): %v", trial, err)
		}
		out = append(out, p)
	}
	return out
}

// bestOnes returns the largest true fraction of ones among proposals.
func bestOnes(ps []nascent.Proposal) float64 {
	best := 0.0
	for _, p := range ps {
		best = max(best, ones(p.Candidate))
	}
	return best
}

// TestToyBitString is the toy problem of Real et al.: 100 bits, fitness the
// fraction of ones plus small noise, one-bit-flip mutation. Random search
// of 1000 samples ends near 0.66 (a sample's mean is 0.5 and its standard
// deviation 0.05, so 0.76 is beyond 5 deviations: odds about 1e-4 for the
// best of 1000); aging evolution must climb far beyond it.
func TestToyBitString(t *testing.T) {
	space := bits{n: 100}
	for seed := range uint64(5) {
		evo, err := New(space, Config{PopulationSize: 20, SampleSize: 5, Objectives: maxAcc}, seed)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := NewRandom(space, Config{Objectives: maxAcc}, seed)
		if err != nil {
			t.Fatal(err)
		}
		e := bestOnes(search(t, evo, 1000, noisyOnes))
		r := bestOnes(search(t, rs, 1000, noisyOnes))
		if e < 0.85 || r > 0.75 {
			t.Errorf("seed %d: best fraction of ones: evolution %.2f (want >= 0.85), "+
				"random %.2f (want <= 0.75)", seed, e, r)
		}
	}
}

// TestMutationLineage checks aging evolution's proposals: the first
// population_size are random, and every child's parent is an earlier trial
// among the last population_size told, differing from it by one bit.
func TestMutationLineage(t *testing.T) {
	const pop = 10
	cfg := Config{PopulationSize: pop, SampleSize: 3, Eps: Float(0), Objectives: maxAcc}
	evo, err := New(bits{n: 20}, cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	ps := search(t, evo, 300, noisyOnes)
	for trial, p := range ps {
		switch {
		case trial < pop && p.Parent != -1:
			t.Errorf("trial %d: parent %d, want -1 (random while the population fills)", trial, p.Parent)
		case trial >= pop && (p.Parent < trial-pop || p.Parent >= trial):
			t.Errorf("trial %d: parent %d, want one of the last %d trials", trial, p.Parent, pop)
		case trial >= pop && hamming(p.Candidate, ps[p.Parent].Candidate) != 1:
			t.Errorf("trial %d: child differs from parent in %d bits, want 1",
				trial, hamming(p.Candidate, ps[p.Parent].Candidate))
		}
	}
}

func hamming(a, b nascent.Candidate) int {
	x, y := a.State.(string), b.State.(string)
	n := 0
	for i := range x {
		if x[i] != y[i] {
			n++
		}
	}
	return n
}

// TestDuplicateAvoidance asks for 60 points of a 64-point space: with
// duplicate avoidance all are distinct, without it some repeat.
func TestDuplicateAvoidance(t *testing.T) {
	tests := []struct {
		name         string
		allow        bool
		wantDistinct bool
	}{
		{"avoid", false, true},
		{"allow", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{PopulationSize: 8, SampleSize: 3, AllowDuplicates: tt.allow, Objectives: maxAcc}
			evo, err := New(bits{n: 6}, cfg, 1)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, p := range search(t, evo, 60, noisyOnes) {
				seen[p.Candidate.Hash] = true
			}
			if distinct := len(seen) == 60; distinct != tt.wantDistinct {
				t.Errorf("%d distinct candidates of 60 asked, want all distinct = %v",
					len(seen), tt.wantDistinct)
			}
		})
	}
}

// call is one recorded call to an optimizer.
type call struct {
	ask   bool
	trial int
	res   nascent.Result
}

// asyncRun drives opt with up to 4 trials in flight, finishing them in an
// order fixed by the seed, and returns the calls made and the proposals.
func asyncRun(t *testing.T, opt nascent.Optimizer, budget int) ([]call, map[int]nascent.Proposal) {
	t.Helper()
	r := rand.New(rand.NewPCG(5, 5))
	var calls []call
	props := map[int]nascent.Proposal{}
	var flight []int
	for next := 0; next < budget || len(flight) > 0; {
		if next < budget && (len(flight) < 4) {
			p, err := opt.Ask(next)
			if err != nil {
				t.Fatalf("Ask(%d): %v", next, err)
			}
			props[next] = p
			calls = append(calls, call{ask: true, trial: next})
			flight = append(flight, next)
			next++
			continue
		}
		k := r.IntN(len(flight))
		trial := flight[k]
		flight = append(flight[:k], flight[k+1:]...)
		res := nascent.Result{Trial: trial, Candidate: props[trial].Candidate}
		if r.IntN(10) == 0 {
			res.Failed = true
		} else {
			res.Metrics = noisyOnes(res.Candidate, trial)
		}
		if err := opt.Tell(res); err != nil {
			t.Fatalf("Tell(%d): %v", trial, err)
		}
		calls = append(calls, call{trial: trial, res: res})
	}
	return calls, props
}

// TestReplay checks that the optimizer is a pure function of seed and
// calls: the same calls give the same proposals, and an optimizer rebuilt
// halfway from stored results (Tell with candidates stripped to their
// Values, Proposed for trials in flight) then proposes exactly what the
// uninterrupted one did.
func TestReplay(t *testing.T) {
	cfg := Config{PopulationSize: 10, SampleSize: 4, Objectives: maxAcc}
	space := bits{n: 30}
	newOpt := map[string]func() nascent.Optimizer{
		"evolution": func() nascent.Optimizer { e, _ := New(space, cfg, 42); return e },
		"random":    func() nascent.Optimizer { r, _ := NewRandom(space, cfg, 42); return r },
	}
	for name, mk := range newOpt {
		t.Run(name, func(t *testing.T) {
			calls, props := asyncRun(t, mk(), 200)
			_, again := asyncRun(t, mk(), 200)
			if !reflect.DeepEqual(props, again) {
				t.Fatal("two runs with the same seed and calls proposed different candidates")
			}

			// Rebuild from the first half of the calls, then go on.
			half := len(calls) / 2
			opt := mk().(nascent.Replayer)
			told := map[int]bool{}
			for _, c := range calls[:half] {
				if !c.ask {
					told[c.trial] = true
				}
			}
			for _, c := range calls[:half] {
				switch {
				case c.ask && !told[c.trial]:
					stored := nascent.Candidate{Values: props[c.trial].Candidate.Values}
					if err := opt.Proposed(c.trial, stored); err != nil {
						t.Fatal(err)
					}
				case !c.ask:
					res := c.res
					res.Candidate = nascent.Candidate{Values: res.Candidate.Values}
					if err := opt.Tell(res); err != nil {
						t.Fatal(err)
					}
				}
			}
			for _, c := range calls[half:] {
				if c.ask {
					p, err := opt.Ask(c.trial)
					if err != nil {
						t.Fatal(err)
					}
					want := props[c.trial]
					if p.Candidate.Hash != want.Candidate.Hash || p.Parent != want.Parent {
						t.Fatalf("after resume, Ask(%d) = %s (parent %d), want %s (parent %d)", c.trial,
							p.Candidate.Hash, p.Parent, props[c.trial].Candidate.Hash, props[c.trial].Parent)
					}
				} else if err := opt.Tell(c.res); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestConstraints checks that an infeasible result never becomes a parent.
func TestConstraints(t *testing.T) {
	cfg := Config{
		PopulationSize: 10, SampleSize: 5, Objectives: maxAcc,
		Constraints: []nascent.Constraint{{Metric: "ones", Op: "<=", Limit: 12}},
	}
	evo, err := New(bits{n: 20}, cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	fit := func(c nascent.Candidate, trial int) map[string]float64 {
		m := noisyOnes(c, trial)
		m["ones"] = math.Round(ones(c) * 20)
		return m
	}
	ps := search(t, evo, 300, fit)
	children := 0
	for trial, p := range ps {
		if p.Parent < 0 {
			continue
		}
		children++
		if n := ones(ps[p.Parent].Candidate) * 20; n > 12 {
			t.Errorf("trial %d: parent %d has %v ones, breaking ones <= 12", trial, p.Parent, n)
		}
	}
	if children == 0 {
		t.Error("no child was mutated from a parent")
	}
}

func TestTellErrors(t *testing.T) {
	evo, err := New(bits{n: 8}, Config{Objectives: maxAcc}, 1)
	if err != nil {
		t.Fatal(err)
	}
	p, err := evo.Ask(0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := evo.Ask(0); !errors.Is(err, nascent.ErrConflict) {
		t.Errorf("Ask(0) twice: error %v, want ErrConflict", err)
	}
	res := nascent.Result{Trial: 0, Candidate: p.Candidate, Metrics: map[string]float64{"loss": 1}}
	if err := evo.Tell(res); !errors.Is(err, nascent.ErrInvalid) {
		t.Errorf("Tell without the objective metric: error %v, want ErrInvalid", err)
	}
	if err := evo.Tell(res); !errors.Is(err, nascent.ErrConflict) {
		t.Errorf("Tell(0) twice: error %v, want ErrConflict", err)
	}
	if len(evo.pop) != 0 {
		t.Errorf("population has %d members after a result without metrics, want 0", len(evo.pop))
	}
	bad := nascent.Result{Trial: 1, Candidate: nascent.Candidate{Values: map[string]any{"bits": "2"}}}
	if err := evo.Tell(bad); !errors.Is(err, nascent.ErrInvalid) {
		t.Errorf("Tell with a candidate outside the space: error %v, want ErrInvalid", err)
	}
}

func TestConfigErrors(t *testing.T) {
	two := []nascent.Objective{{Name: "acc", Direction: nascent.Maximize}, {Name: "lat"}}
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no objectives", Config{}},
		{"negative population", Config{PopulationSize: -1, Objectives: maxAcc}},
		{"negative sample", Config{SampleSize: -2, Objectives: maxAcc}},
		{"eps above one", Config{Eps: Float(1.5), Objectives: maxAcc}},
		{"eps NaN", Config{Eps: Float(math.NaN()), Objectives: maxAcc}},
		{"unknown selection", Config{Selection: "best", Objectives: maxAcc}},
		{"duplicate objective", Config{Objectives: append(maxAcc, maxAcc...)}},
		{"negative bound", Config{Objectives: []nascent.Objective{{Name: "x", Bound: -1}}}},
		{"scalarized maximize without bound", Config{Selection: Scalarized, Objectives: two}},
		{"bad operator", Config{Objectives: maxAcc,
			Constraints: []nascent.Constraint{{Metric: "w", Op: "=<", Limit: 1}}}},
		{"constraint without metric", Config{Objectives: maxAcc,
			Constraints: []nascent.Constraint{{Op: "<", Limit: 1}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(bits{n: 4}, tt.cfg, 0); !errors.Is(err, nascent.ErrInvalid) {
				t.Errorf("New(%+v) error = %v, want ErrInvalid", tt.cfg, err)
			}
		})
	}
}

// TestHugeTrialNumber checks that a trial number far beyond the others is
// handled like any other.
func TestHugeTrialNumber(t *testing.T) {
	evo, err := New(bits{n: 8}, Config{Objectives: maxAcc}, 1)
	if err != nil {
		t.Fatal(err)
	}
	const far = 1 << 40
	p, err := evo.Ask(far)
	if err != nil {
		t.Fatal(err)
	}
	res := nascent.Result{Trial: far, Candidate: p.Candidate, Metrics: map[string]float64{"acc": 1}}
	if err := evo.Tell(res); err != nil {
		t.Fatalf("Tell(%d) = %v", far, err)
	}
	if err := evo.Tell(res); !errors.Is(err, nascent.ErrConflict) {
		t.Errorf("Tell(%d) twice: error %v, want ErrConflict", far, err)
	}
	if len(evo.told) > 0 {
		t.Errorf("a far trial grew the dense slice to %d", len(evo.told))
	}
}
