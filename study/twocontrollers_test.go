package study_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/sqlite"
	"github.com/nascent-nas/nascent/study"
)

// TestTwoControllers starts two controller processes on one study at the
// same moment: one runs it, the other refuses with a clear message, and
// no trial runs twice.
func TestTwoControllers(t *testing.T) {
	dir := t.TempDir()
	a := controllerArgs{DB: filepath.Join(dir, "s.db"), Trials: filepath.Join(dir, "trials"),
		Budget: 30, Parallel: 2, Seed: 3, SleepMS: 20}
	first, err1 := startController(t, a)
	second, err2 := startController(t, a)
	codes := []int{exitCode(first.Wait()), exitCode(second.Wait())}
	stderrs := []string{err1.String(), err2.String()}
	refused := 0
	for i, code := range codes {
		switch code {
		case 0:
		case 4:
			refused++
			if !strings.Contains(stderrs[i], "is run by another controller") {
				t.Errorf("refusing controller said %q, want it to name the other controller", stderrs[i])
			}
		default:
			t.Errorf("controller %d exited %d: %s", i, code, stderrs[i])
		}
	}
	if refused != 1 {
		// Both may succeed only if one finished before the other started,
		// which 30 trials of 20 ms make unlikely; say so if it happens.
		t.Logf("exit codes %v: %d controllers refused", codes, refused)
	}
	trials := checkStudy(t, a)
	for _, tr := range trials {
		data, err := os.ReadFile(filepath.Join(study.TrialDir(a.Trials, tr.Number), "runs.log"))
		if err != nil {
			t.Errorf("trial %d: %v", tr.Number, err)
			continue
		}
		if runs := strings.Count(string(data), "\n"); runs != 1 {
			t.Errorf("trial %d ran %d times:\n%s", tr.Number, runs, data)
		}
	}
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestLeaseLost stops a controller whose lease another one took: its
// writes are refused and Run reports the conflict.
func TestLeaseLost(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	a := controllerArgs{DB: filepath.Join(dir, "s.db"), Trials: filepath.Join(dir, "trials"),
		Budget: 1000, Parallel: 2, Seed: 3, SleepMS: 20}
	ctl, err := processController(store, a)
	if err != nil {
		t.Fatal(err)
	}
	ctl.LeaseTTL = 300 * time.Millisecond
	ctl.Owner = "victim"

	// Another controller steals the lease once trials run: the victim's
	// heartbeat or its next write must notice.
	go func() {
		for {
			if trials, _ := store.Trials(ctx, "crash"); len(trials) > 0 {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if _, err := store.Acquire(ctx, "crash", "thief", "victim", time.Hour); err != nil {
			t.Errorf("steal: %v", err)
		}
	}()
	start := time.Now()
	_, err = ctl.Run(ctx, nil)
	if !errors.Is(err, nascent.ErrConflict) || strings.Contains(err.Error(), "is run by another") {
		t.Fatalf("Run with a stolen lease = %v, want ErrConflict from a lost lease", err)
	}
	trials, _ := store.Trials(ctx, "crash")
	if len(trials) == 0 || len(trials) > 2 {
		t.Errorf("the victim stored %d trials, want the 1 or 2 it had started", len(trials))
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Run noticed the lost lease after %s", d)
	}
}
