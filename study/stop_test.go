package study_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/sqlite"
)

// TestDrainThenResume closes drain (the first Ctrl-C) while two trials
// run: they finish, nothing new starts, and a second run completes the
// budget.
func TestDrainThenResume(t *testing.T) {
	dir := t.TempDir()
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	a := controllerArgs{Trials: filepath.Join(dir, "trials"), Budget: 6, Parallel: 2, Seed: 1, SleepMS: 400}
	ctl, err := processController(store, a)
	if err != nil {
		t.Fatal(err)
	}
	drain := make(chan struct{})
	time.AfterFunc(150*time.Millisecond, func() { close(drain) })
	sum, err := ctl.Run(context.Background(), drain)
	if err != nil || !sum.Drained || sum.Done != 2 || sum.Running != 0 {
		t.Fatalf("Run drained = %+v, %v; want 2 done, drained", sum, err)
	}
	trials, _ := store.Trials(context.Background(), "crash")
	if len(trials) != 2 || trials[0].State != nascent.Completed || trials[1].State != nascent.Completed {
		t.Fatalf("after drain: %d trials %v, want 2 completed", len(trials), trials)
	}

	ctl2, _ := processController(store, a)
	sum, err = ctl2.Run(context.Background(), nil)
	if err != nil || sum.Done != 6 || sum.Drained {
		t.Errorf("resumed Run = %+v, %v; want 6 done", sum, err)
	}
}

// TestInterruptThenResume cancels the context (the second Ctrl-C) while
// two trials run: they are stopped and recorded as interrupted, and a
// second run runs them again with the same candidates.
func TestInterruptThenResume(t *testing.T) {
	dir := t.TempDir()
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	a := controllerArgs{Trials: filepath.Join(dir, "trials"), Budget: 4, Parallel: 2, Seed: 1, SleepMS: 5000}
	ctl, err := processController(store, a)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	sum, err := ctl.Run(ctx, nil)
	if !errors.Is(err, context.Canceled) || sum.Done != 0 {
		t.Fatalf("Run cancelled = %+v, %v; want context.Canceled and nothing done", sum, err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Run took %s to stop its trials", d)
	}
	before, _ := store.Trials(context.Background(), "crash")
	if len(before) != 2 {
		t.Fatalf("after interrupt: %d trials, want 2", len(before))
	}
	for _, tr := range before {
		if tr.State != nascent.Interrupted || tr.Reason != "terminated by SIGTERM" {
			t.Errorf("trial %d = %s %q, want interrupted by SIGTERM", tr.Number, tr.State, tr.Reason)
		}
	}

	a.SleepMS = 10
	ctl2, _ := processController(store, a)
	sum, err = ctl2.Run(context.Background(), nil)
	if err != nil || sum.Done != 4 {
		t.Fatalf("resumed Run = %+v, %v; want 4 done", sum, err)
	}
	after, _ := store.Trials(context.Background(), "crash")
	for i, tr := range before {
		if after[i].Candidate.Hash != tr.Candidate.Hash || after[i].State != nascent.Completed || after[i].Attempt != 1 {
			t.Errorf("trial %d after resume = %s %s attempt %d, want completed %s attempt 1",
				i, after[i].State, after[i].Candidate.Hash, after[i].Attempt, tr.Candidate.Hash)
		}
	}
}
