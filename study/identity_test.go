package study_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/sqlite"
	"github.com/nascent-nas/nascent/study"
)

// parityCost costs nothing and tells candidates apart by the parity of
// "x" alone, so that x = 1 and x = 3 evaluate alike.
type parityCost struct{}

func (parityCost) Cost(nascent.Candidate) (map[string]float64, error) {
	return map[string]float64{}, nil
}

func (parityCost) Identity(c nascent.Candidate) (string, error) {
	return fmt.Sprint(c.Values["x"].(int64) % 2), nil
}

// TestSameIdentityRejected runs candidates x = 0..5 with a cost model
// whose identity is x's parity: only the first odd and the first even
// candidate run, the others are rejected without spending budget, and a
// resumed controller still knows the identities that ran.
func TestSameIdentityRejected(t *testing.T) {
	var values []map[string]any
	for x := range 6 {
		values = append(values, map[string]any{"x": int64(x)})
	}
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ran := 0
	eval := funcEvaluator(func(c nascent.Candidate) map[string]float64 {
		ran++
		return map[string]float64{"loss": float64(c.Values["x"].(int64))}
	})
	ctl := &study.Controller{
		Store: store, Study: nascent.Study{Name: "ids", Fingerprint: "f"},
		Optimizer: &listOptimizer{values: values}, Evaluator: eval, Cost: parityCost{},
		Objectives: []nascent.Objective{{Name: "loss"}}, Budget: 2, Parallel: 1,
		TrialsDir: t.TempDir(),
	}
	if _, err := ctl.Run(context.Background(), nil); err != nil {
		t.Fatalf("Run = %v", err)
	}
	if ran != 2 {
		t.Errorf("evaluated %d candidates, want 2", ran)
	}

	// Resume with a larger budget: x = 2..5 repeat identities that ran.
	ctl.Budget = 3
	ctl.Optimizer = &listOptimizer{values: values}
	ctl.MaxRejections = 6
	_, err = ctl.Run(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "rejected in a row") {
		t.Errorf("resumed Run = %v, want a stop after the rejections", err)
	}
	trials, err := store.Trials(context.Background(), "ids")
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range trials {
		x := tr.Candidate.Values["x"].(int64)
		wantRun := tr.Number < 2
		if got := tr.State == nascent.Completed; got != wantRun {
			t.Errorf("trial %d (x = %d): %s, %q; want run = %v", tr.Number, x, tr.State, tr.Reason, wantRun)
		}
		if !wantRun && !strings.Contains(tr.Reason, fmt.Sprintf("as trial %d does", x%2)) {
			t.Errorf("trial %d: reason %q, want it to name trial %d", tr.Number, tr.Reason, x%2)
		}
	}
	if ran != 2 {
		t.Errorf("evaluated %d candidates after the resume, want still 2", ran)
	}
}
