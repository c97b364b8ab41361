package local

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nascent-nas/nascent"
)

// newTestLauncher returns a launcher whose command is this test binary in
// helper mode.
func newTestLauncher(t *testing.T, cfg Config, args ...string) *Launcher {
	t.Helper()
	cfg.Command = append([]string{os.Args[0]}, args...)
	cfg.Env = append(cfg.Env, helperEnv)
	cfg.Required = []string{"loss"}
	l, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func testJob(t *testing.T, n int) nascent.Job {
	return nascent.Job{
		Study: "s", Trial: n, Attempt: 1, Dir: filepath.Join(t.TempDir(), "trial"),
		Candidate: nascent.Candidate{Values: map[string]any{"x": int64(n), "lr": 0.5}},
	}
}

func TestEvaluateOutcomes(t *testing.T) {
	tests := []struct {
		name   string
		mode   string
		cfg    Config
		state  nascent.TrialState
		code   int
		reason string // a substring of the reason
	}{
		{name: "ok", mode: "ok", state: nascent.Completed, code: 0},
		{name: "exit status", mode: "exit3", state: nascent.Failed, code: 3, reason: "exit status 3: out of memory, giving up"},
		{name: "signal", mode: "oomkilled", state: nascent.Failed, code: -1, reason: "killed by signal 9 (killed)"},
		{name: "timeout", mode: "hang", cfg: Config{Timeout: 300 * time.Millisecond}, state: nascent.Failed, code: -1,
			reason: "timeout after 300ms: terminated by SIGTERM"},
		{name: "timeout ignoring SIGTERM", mode: "stubborn", cfg: Config{Timeout: 300 * time.Millisecond, Grace: 200 * time.Millisecond},
			state: nascent.Failed, code: -1, reason: "timeout after 300ms: killed by SIGKILL after 200ms grace"},
		{name: "garbage metrics", mode: "garbage", state: nascent.Failed, code: 0, reason: "not a JSON object"},
		{name: "NaN metric", mode: "nan", state: nascent.Failed, code: 0, reason: `"loss" is NaN`},
		{name: "infinite metric", mode: "inf", state: nascent.Failed, code: 0, reason: `"loss" is -Inf`},
		{name: "metric as string", mode: "string", state: nascent.Failed, code: 0, reason: `has no numeric "loss" (has none)`},
		{name: "missing metric", mode: "missing", state: nascent.Failed, code: 0, reason: `has no numeric "loss" (has accuracy)`},
		{name: "no metrics file", mode: "nometrics", state: nascent.Failed, code: 0, reason: "exited 0 but wrote no"},
		{name: "flood", mode: "flood", cfg: Config{OutputLimit: 1 << 20}, state: nascent.Completed, code: 0,
			reason: "output truncated at 1048576 bytes"},
		{name: "no such program", mode: "", state: nascent.Failed, code: -1, reason: "start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var l *Launcher
			if tt.mode == "" {
				// A program that vanished after New checked it.
				cfg := tt.cfg
				prog := filepath.Join(t.TempDir(), "program")
				os.WriteFile(prog, []byte("#!/bin/sh\n"), 0o755)
				cfg.Command = []string{prog}
				var err error
				if l, err = New(cfg); err != nil {
					t.Fatal(err)
				}
				os.Remove(prog)
			} else {
				l = newTestLauncher(t, tt.cfg, tt.mode)
			}
			out := l.Evaluate(context.Background(), testJob(t, 1))
			if out.State != tt.state || out.ExitCode != tt.code || !strings.Contains(out.Reason, tt.reason) {
				t.Errorf("Evaluate(%s) = %s, exit %d, %q; want %s, exit %d, reason containing %q",
					tt.mode, out.State, out.ExitCode, out.Reason, tt.state, tt.code, tt.reason)
			}
		})
	}
}

func TestEvaluateMetricsAndReports(t *testing.T) {
	var mu sync.Mutex
	var reports []nascent.Report
	job := testJob(t, 4)
	job.Report = func(r nascent.Report) {
		mu.Lock()
		defer mu.Unlock()
		reports = append(reports, r)
	}
	out := newTestLauncher(t, Config{}, "ok").Evaluate(context.Background(), job)
	if out.State != nascent.Completed || out.Metrics["loss"] != 0.25 || len(out.Metrics) != 1 {
		t.Fatalf("Evaluate(ok) = %+v, want completed with loss 0.25 only", out)
	}
	if len(reports) != 2 || reports[0].Step != 1 || reports[1].Values["loss"] != 0.25 || reports[1].Trial != 4 {
		t.Errorf("reports = %+v, want steps 1 and 2 of trial 4 with loss 0.5, 0.25", reports)
	}
	stdout, _ := os.ReadFile(filepath.Join(job.Dir, StdoutFile))
	if !strings.HasPrefix(string(stdout), "training\nNASCENT_REPORT") {
		t.Errorf("stdout.log = %q, want the trial's output", stdout)
	}
}

func TestEvaluateFloodIsCappedAndStillReports(t *testing.T) {
	var last nascent.Report
	job := testJob(t, 1)
	job.Report = func(r nascent.Report) { last = r }
	out := newTestLauncher(t, Config{OutputLimit: 1 << 20}, "flood").Evaluate(context.Background(), job)
	info, err := os.Stat(filepath.Join(job.Dir, StdoutFile))
	if err != nil || info.Size() != 1<<20 {
		t.Fatalf("stdout.log size = %v (%v), want exactly 1 MiB", info, err)
	}
	if out.State != nascent.Completed || last.Step != 7 {
		t.Errorf("flood: state %s, last report %+v; want completed and the report past the cap", out.State, last)
	}
}

func TestEvaluateEnvironmentAndPlaceholders(t *testing.T) {
	l := newTestLauncher(t, Config{Env: []string{"EXTRA=yes"}, GPUs: []string{"3"}},
		"env", "--dir={trial_dir}", "{trial_id}", "{config}", "{study}", "{overrides}", "{nascent}")
	job := testJob(t, 12)
	if out := l.Evaluate(context.Background(), job); out.State != nascent.Completed {
		t.Fatalf("Evaluate(env) = %+v", out)
	}
	data, err := os.ReadFile(filepath.Join(job.Dir, "env.json"))
	if err != nil {
		t.Fatal(err)
	}
	var env map[string]string
	if err := json.Unmarshal(data, &env); err != nil {
		t.Fatal(err)
	}
	dir, _ := filepath.Abs(job.Dir)
	cfgPath := filepath.Join(dir, ConfigYAML)
	exe, _ := os.Executable()
	want := map[string]string{
		"NASCENT_TRIAL_ID": "12", "NASCENT_TRIAL_DIR": dir, "NASCENT_CONFIG": cfgPath,
		"NASCENT_METRICS": filepath.Join(dir, MetricsFile), "NASCENT_STUDY": "s",
		"NASCENT_ATTEMPT": "1", "CUDA_VISIBLE_DEVICES": "3", "EXTRA": "yes",
		"args":   strings.Join([]string{"--dir=" + dir, "12", cfgPath, "s", "lr=0.5", "x=12", exe}, "\x1f"),
		"config": "lr: 0.5\nx: 12\n",
	}
	for k, w := range want {
		if env[k] != w {
			t.Errorf("trial saw %s = %q, want %q", k, env[k], w)
		}
	}
}

func TestEvaluateInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	out := newTestLauncher(t, Config{}, "hang").Evaluate(ctx, testJob(t, 1))
	if out.State != nascent.Interrupted || out.Reason != "terminated by SIGTERM" {
		t.Errorf("Evaluate(hang) cancelled = %+v, want interrupted by SIGTERM", out)
	}
}

func TestEvaluateKillsLeftoverChildren(t *testing.T) {
	job := testJob(t, 1)
	start := time.Now()
	out := newTestLauncher(t, Config{}, "grandchild").Evaluate(context.Background(), job)
	if out.State != nascent.Completed {
		t.Fatalf("Evaluate(grandchild) = %+v", out)
	}
	if d := time.Since(start); d > waitDelay+5*time.Second {
		t.Errorf("Evaluate took %s with a child holding stdout, want about %s", d, waitDelay)
	}
	pid, err := os.ReadFile(filepath.Join(job.Dir, "grandchild.pid"))
	if err != nil {
		t.Fatal(err)
	}
	var n int
	json.Unmarshal(pid, &n)
	// The child was killed with its group; give the kernel a moment.
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(n, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := syscall.Kill(n, 0); !errors.Is(err, syscall.ESRCH) && !zombie(n) {
		t.Errorf("grandchild %d still alive after the trial ended", n)
	}
}

func zombie(pid int) bool {
	stat, err := os.ReadFile("/proc/" + itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	i := strings.LastIndexByte(string(stat), ')')
	return i >= 0 && stat[i+2] == 'Z'
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestEvaluateGPUsOnePerTrial(t *testing.T) {
	l := newTestLauncher(t, Config{GPUs: []string{"0", "1"}}, "env")
	var wg sync.WaitGroup
	seen := make([]string, 4)
	for i := range seen {
		wg.Add(1)
		go func() {
			defer wg.Done()
			job := testJob(t, i)
			l.Evaluate(context.Background(), job)
			data, _ := os.ReadFile(filepath.Join(job.Dir, "env.json"))
			var env map[string]string
			json.Unmarshal(data, &env)
			seen[i] = env["CUDA_VISIBLE_DEVICES"]
		}()
	}
	wg.Wait()
	for i, g := range seen {
		if g != "0" && g != "1" {
			t.Errorf("trial %d got CUDA_VISIBLE_DEVICES=%q, want 0 or 1", i, g)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{name: "empty command", cfg: Config{}},
		{name: "unknown placeholder", cfg: Config{Command: []string{"x", "{trial_number}"}}},
		{name: "overrides inside an argument", cfg: Config{Command: []string{"x", "--o={overrides}"}}},
		{name: "bad format", cfg: Config{Command: []string{"true"}, Format: "toml"}},
		{name: "not executable", cfg: Config{Command: []string{"./launcher_test.go"}}},
		{name: "a directory", cfg: Config{Command: []string{"/"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg); !errors.Is(err, nascent.ErrInvalid) {
				t.Errorf("New(%+v) = %v, want an ErrInvalid error", tt.cfg, err)
			}
		})
	}
	for _, prog := range []string{"no-such-program-nascent", "./no/such/program", "/no/such/program"} {
		if _, err := New(Config{Command: []string{prog}}); !errors.Is(err, nascent.ErrNotFound) {
			t.Errorf("New(%s) = %v, want an ErrNotFound error", prog, err)
		}
	}
	if _, err := New(Config{Command: []string{"{nascent}", "kws"}}); err != nil {
		t.Errorf("New({nascent}) = %v, want it checked at run time", err)
	}
}

// TestCheckProgramMessages checks that a missing program's error reads
// well on its own: no kind's name in it, the kind still wrapped.
func TestCheckProgramMessages(t *testing.T) {
	tests := []struct {
		name, prog, want string
		kind             error
	}{
		{name: "not in PATH", prog: "pyhton3", want: `program "pyhton3" is not in PATH`,
			kind: nascent.ErrNotFound},
		{name: "no such file", prog: "/no/such/program",
			want: "program /no/such/program does not exist", kind: nascent.ErrNotFound},
		{name: "a directory", prog: "/", want: "program / is not an executable file",
			kind: nascent.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckProgram(tt.prog, "")
			if err == nil || err.Error() != tt.want || !errors.Is(err, tt.kind) {
				t.Errorf("CheckProgram(%q) = %v, want %q wrapping %v", tt.prog, err, tt.want, tt.kind)
			}
		})
	}
}
