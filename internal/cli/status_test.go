package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/sqlite"
	"github.com/nascent-nas/nascent/study"
)

// goneOwner returns a lease owner naming a process of this host that
// has exited.
func goneOwner(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d:abc123", host, cmd.Process.Pid)
}

// TestStatus stores a study by hand: two completed trials, three failed
// ones, and the lease of a controller that was killed. status counts as
// the budget does, says the controller is gone, and prints the best
// values in the objectives' order.
func TestStatus(t *testing.T) {
	ctx := context.Background()
	path, f, st := openTestStudy(t, false)
	defer st.Close()
	if err := st.CreateStudy(ctx, f.Study()); err != nil {
		t.Fatal(err)
	}
	owner := goneOwner(t)
	if _, err := st.Acquire(ctx, f.Name, owner, "", time.Hour); err != nil {
		t.Fatal(err)
	}
	var trials []nascent.Trial
	for i := range 5 {
		tr := nascent.Trial{Number: i, State: nascent.Failed, Attempt: 1, AskSeq: int64(2 * i),
			TellSeq: int64(2*i + 1), Candidate: nascent.Candidate{Values: map[string]any{"x": 0.5, "w": int64(1)}}}
		if i < 2 {
			tr.State = nascent.Completed
			tr.Metrics = map[string]float64{"loss": float64(i), "size": float64(4 - i)}
		}
		trials = append(trials, tr)
	}
	if err := st.SaveTrials(ctx, f.Name, owner, trials); err != nil {
		t.Fatal(err)
	}

	host, _, _ := strings.Cut(owner, ":")
	for range 20 { // map order changes from run to run
		code, out, errOut := run(t, "status", path)
		if code != ExitOK {
			t.Fatalf("status = %d\n%s", code, errOut)
		}
		for _, want := range []string{
			"progress 2 of 12 trials done (and 3 failed, which the budget does not count)\n",
			"running  stopped (controller " + host + ":",
			"is gone; run nascent search to resume)\n",
			"best     loss = 0\nbest     size = 3\n",
		} {
			if !strings.Contains(out, want) {
				t.Fatalf("status output lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "abc123") {
			t.Fatalf("status output names the lease's nonce:\n%s", out)
		}
	}
}

// TestProcessName checks the "host:pid" shown for lease owners.
func TestProcessName(t *testing.T) {
	tests := []struct{ name, owner, want string }{
		{name: "default owner", owner: "vm:30160:a1b2", want: "vm:30160"},
		{name: "other owner", owner: "mine", want: "mine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := processName(tt.owner); got != tt.want {
				t.Errorf("processName(%q) = %q, want %q", tt.owner, got, tt.want)
			}
		})
	}
}

// TestStatusUnknownStudy asks for a study the database does not hold.
func TestStatusUnknownStudy(t *testing.T) {
	path, _, st := openTestStudy(t, false)
	st.Close()
	code, _, errOut := run(t, "status", path)
	if code != ExitNotFound || !strings.Contains(errOut, "run nascent search") {
		t.Errorf("status of an unknown study = %d %q, want %d and advice", code, errOut, ExitNotFound)
	}
}

// openTestStudy writes a study file, loads it (strict about unset
// environment variables when strict is set) and opens its store, which
// the caller closes.
func openTestStudy(t *testing.T, strict bool) (string, *study.File, *sqlite.Store) {
	t.Helper()
	path := writeStudy(t, t.TempDir(), 1)
	f, err := loadStudyFile(path, strict)
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), f.Storage)
	if err != nil {
		t.Fatal(err)
	}
	return path, f, st
}
