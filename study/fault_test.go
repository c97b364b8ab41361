package study_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/local"
	"github.com/nascent-nas/nascent/sqlite"
	"github.com/nascent-nas/nascent/study"
)

// listOptimizer proposes a fixed list of candidates, one per trial, and
// records what it is told. It is not a Replayer, so a resumed study asks
// it again and checks that it answers the same.
type listOptimizer struct {
	values []map[string]any
	told   map[int]nascent.Result
}

var _ nascent.Optimizer = (*listOptimizer)(nil)

func (o *listOptimizer) Ask(trial int) (nascent.Proposal, error) {
	v := o.values[trial%len(o.values)]
	return nascent.Proposal{
		Candidate: nascent.Candidate{Values: v, Hash: fmt.Sprintf("%d-%v", trial, v)},
		Parent:    -1,
	}, nil
}

func (o *listOptimizer) Tell(r nascent.Result) error {
	if o.told == nil {
		o.told = map[int]nascent.Result{}
	}
	o.told[r.Trial] = r
	return nil
}

// TestFaults runs trials that fail in every way a trial can, among good
// ones, with one retry each.
func TestFaults(t *testing.T) {
	tests := []struct {
		mode    string
		state   nascent.TrialState
		attempt int
		reason  string
	}{
		{"ok", nascent.Completed, 1, ""},
		{"exit", nascent.Failed, 2, "exit status 3: CUDA out of memory (all 2 attempts)"},
		{"signal", nascent.Failed, 2, "killed by signal 9"},
		{"hang", nascent.Failed, 2, "timeout after 2s: terminated by SIGTERM"},
		{"garbage", nascent.Failed, 2, "not a JSON object"},
		{"nan", nascent.Failed, 2, `"loss" is NaN`},
		{"nometrics", nascent.Failed, 2, "exited 0 but wrote no"},
		{"flood", nascent.Completed, 1, "output truncated at 65536 bytes"},
		{"flaky", nascent.Completed, 2, "attempt 1: exit status 1"},
		{"ok", nascent.Completed, 1, ""},
	}
	// The budget counts completed trials only, and slots never hold more
	// trials than could complete it, so the study runs each mode once.
	completing := 0
	opt := &listOptimizer{}
	for _, tt := range tests {
		if tt.state == nascent.Completed {
			completing++
		}
		opt.values = append(opt.values, map[string]any{"mode": tt.mode, "x": 0.5, "n": int64(7)})
	}
	dir := t.TempDir()
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	launcher, err := local.New(local.Config{
		Command: []string{os.Args[0]}, Env: []string{roleEnv + "=trial"}, Format: "json",
		Required: []string{"loss"}, Timeout: 2 * time.Second, Grace: 200 * time.Millisecond,
		OutputLimit: 64 << 10,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctl := &study.Controller{
		Store: store, Study: nascent.Study{Name: "faults", Fingerprint: "f"},
		Optimizer: opt, Evaluator: launcher, Objectives: []nascent.Objective{{Name: "loss"}},
		Budget: completing, Parallel: 3, Retries: 1, TrialsDir: filepath.Join(dir, "trials"),
	}
	sum, err := ctl.Run(context.Background(), nil)
	if err != nil {
		t.Fatalf("Run = %v", err)
	}
	if sum.Done != completing || sum.Failed != 6 {
		t.Errorf("Run summary: done %d, failed %d; want %d, 6", sum.Done, sum.Failed, completing)
	}
	trials, err := store.Trials(context.Background(), "faults")
	if err != nil || len(trials) != len(tests) {
		t.Fatalf("Trials = %d trials, %v; want %d", len(trials), err, len(tests))
	}
	for i, tt := range tests {
		tr := trials[i]
		if tr.State != tt.state || tr.Attempt != tt.attempt || !strings.Contains(tr.Reason, tt.reason) {
			t.Errorf("trial %d (%s) = %s, attempt %d, %q; want %s, attempt %d, reason containing %q",
				i, tt.mode, tr.State, tr.Attempt, tr.Reason, tt.state, tt.attempt, tt.reason)
		}
		told, ok := opt.told[i]
		if !ok || told.Failed != (tt.state != nascent.Completed) {
			t.Errorf("trial %d (%s): told %+v (%v), want failed = %v", i, tt.mode, told, ok, tt.state != nascent.Completed)
		}
		if tt.state == nascent.Completed && !near(tr.Metrics["loss"], lossOf(opt.values[i])) {
			t.Errorf("trial %d (%s): loss %v, want %v", i, tt.mode, tr.Metrics["loss"], lossOf(opt.values[i]))
		}
	}

	// Resuming a finished study asks the optimizer again for every
	// trial (it is no Replayer) and runs nothing.
	again := *ctl
	again.Optimizer = &listOptimizer{values: opt.values}
	if sum, err := again.Run(context.Background(), nil); err != nil || sum.Done != completing || sum.Running != 0 {
		t.Errorf("Run on a finished study = %+v, %v; want done %d and nothing run", sum, err, completing)
	}
	if after, _ := store.Trials(context.Background(), "faults"); len(after) != len(tests) {
		t.Errorf("resuming a finished study left %d trials, want %d", len(after), len(tests))
	}
}

// TestBrokenCommandStops stops a study whose every trial fails, instead
// of spending the whole budget on failures.
func TestBrokenCommandStops(t *testing.T) {
	dir := t.TempDir()
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	launcher, err := local.New(local.Config{Command: []string{os.Args[0]}, Env: []string{roleEnv + "=trial"},
		Format: "json", Required: []string{"loss"}})
	if err != nil {
		t.Fatal(err)
	}
	ctl := &study.Controller{
		Store: store, Study: nascent.Study{Name: "broken", Fingerprint: "f"},
		Optimizer: &listOptimizer{values: []map[string]any{{"mode": "exit"}}}, Evaluator: launcher,
		Objectives: []nascent.Objective{{Name: "loss"}}, Budget: 100, Parallel: 2, MaxFailures: 4,
		TrialsDir: filepath.Join(dir, "trials"),
	}
	sum, err := ctl.Run(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "4 trials failed in a row") || !strings.Contains(err.Error(), "exit status 3") {
		t.Fatalf("Run = %v, want a stop after 4 failures naming the reason", err)
	}
	if sum.Done != 0 || sum.Failed < 4 || sum.Failed > 5 {
		t.Errorf("Run: %d done, %d failed; want 0 done and 4 or 5 failed", sum.Done, sum.Failed)
	}
}
