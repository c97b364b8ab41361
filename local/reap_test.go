package local

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nascent-nas/nascent"
)

// TestReap leaves a trial's child running in its process group, as a
// killed controller would, and reaps it.
func TestReap(t *testing.T) {
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("no /proc")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "grandchild")
	cmd.Env = append(os.Environ(), helperEnv, "NASCENT_TRIAL_DIR="+dir,
		"NASCENT_METRICS="+filepath.Join(dir, "metrics.json"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "grandchild.pid"))
	if err != nil {
		t.Fatal(err)
	}
	child, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	l := newTestLauncher(t, Config{Grace: 5 * time.Second}, "ok")
	handle := l.host + ":" + strconv.Itoa(cmd.Process.Pid)
	ctx := context.Background()

	// Another trial's directory: not this group's business.
	if err := l.Reap(ctx, nascent.Job{Trial: 2, Dir: t.TempDir()}, handle); err != nil {
		t.Fatalf("Reap(other trial) = %v", err)
	}
	if !alive(child) {
		t.Fatal("Reap of another trial killed this one's child")
	}
	if err := l.Reap(ctx, nascent.Job{Trial: 1, Dir: dir}, handle); err != nil {
		t.Fatalf("Reap = %v", err)
	}
	// A process killed by SIGKILL stops showing its environment before
	// it turns into a zombie, so Reap may return while the kernel is
	// still tearing the child down; give that a moment.
	for deadline := time.Now().Add(2 * time.Second); alive(child) && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if alive(child) {
		t.Errorf("child %d of the trial survived Reap", child)
	}

	if err := l.Reap(ctx, nascent.Job{Dir: dir}, "elsewhere:123"); !errors.Is(err, nascent.ErrUnavailable) {
		t.Errorf("Reap(another host) = %v, want ErrUnavailable", err)
	}
	if err := l.Reap(ctx, nascent.Job{Dir: dir}, "garbage"); !errors.Is(err, nascent.ErrInvalid) {
		t.Errorf("Reap(garbage) = %v, want ErrInvalid", err)
	}
}

// alive reports whether pid runs and is no zombie.
func alive(pid int) bool {
	s, ok := procStat(pid)
	return ok && s.state != 'Z'
}

func TestEvaluateReportsHandle(t *testing.T) {
	job := testJob(t, 1)
	var handle string
	job.Started = func(h string) { handle = h }
	l := newTestLauncher(t, Config{}, "ok")
	if out := l.Evaluate(context.Background(), job); out.State != nascent.Completed {
		t.Fatal(out)
	}
	host, pgid, ok := strings.Cut(handle, ":")
	if n, err := strconv.Atoi(pgid); !ok || host != l.host || err != nil || n <= 1 {
		t.Errorf("Started(%q), want host:pgid", handle)
	}
}
