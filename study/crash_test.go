package study_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/sqlite"
	"github.com/nascent-nas/nascent/study"
)

// startController starts a controller process of this test binary.
func startController(t *testing.T, a controllerArgs) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	arg, _ := json.Marshal(a)
	cmd := exec.Command(os.Args[0], string(arg))
	cmd.Env = append(os.Environ(), roleEnv+"=controller")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

// runKilled runs the study to its end while killing its controller with
// SIGKILL at least kills times, restarting it each time. The kill moments
// are spread over the whole study: each is set at a random number of
// started trials, plus a random delay, so that some land in start-up and
// replay and others among running trials. It returns the kill count.
func runKilled(t *testing.T, a controllerArgs, kills int, seed uint64) int {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0))
	marks := make([]int, kills)
	for i := range marks {
		marks[i] = rng.IntN(a.Budget - 5)
	}
	slices.Sort(marks)
	t.Logf("killing once each after %v trials started", marks)
	for round, killed := 0, 0; ; round++ {
		cmd, stderr := startController(t, a)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if killed == kills {
			if err := <-done; err != nil {
				t.Fatalf("final controller: %v\n%s", err, stderr)
			}
			return killed
		}
		if waitStarted(a.Trials, marks[killed], done) {
			if err := <-done; err != nil {
				t.Fatalf("controller run %d: %v\n%s", round, err, stderr)
			}
			t.Fatalf("the study finished after only %d kills, want %d", killed, kills)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("controller run %d: %v\n%s", round, err, stderr)
			}
			t.Fatalf("the study finished after only %d kills, want %d", killed, kills)
		case <-time.After(time.Duration(rng.IntN(40)) * time.Millisecond):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			killed++
		}
	}
}

// waitStarted waits until at least n trials have started (have a
// directory) or the controller exits; it reports the exit.
func waitStarted(dir string, n int, done chan error) bool {
	for countDirs(dir) < n {
		select {
		case err := <-done:
			done <- err
			return true
		case <-time.After(2 * time.Millisecond):
		}
	}
	return false
}

// checkStudy checks the end state of a study of budget trials that ran
// fake trials: exactly budget completed, every stored metric equal to the
// one its trial wrote and to the one its candidate implies, and a sound
// database. It returns the trials.
func checkStudy(t *testing.T, a controllerArgs) []nascent.Trial {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, a.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var check string
	if err := store.DB().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("PRAGMA integrity_check = %q, %v; want ok", check, err)
	}
	trials, err := store.Trials(ctx, "crash")
	if err != nil {
		t.Fatal(err)
	}
	completed := 0
	seen := map[int]bool{}
	for _, tr := range trials {
		if seen[tr.Number] {
			t.Errorf("trial number %d stored twice", tr.Number)
		}
		seen[tr.Number] = true
		switch tr.State {
		case nascent.Completed:
			completed++
		case nascent.Rejected:
			continue
		default:
			t.Errorf("trial %d is %s (%s), want completed or rejected", tr.Number, tr.State, tr.Reason)
			continue
		}
		checkMetrics(t, a, tr)
	}
	if completed != a.Budget {
		t.Errorf("%d completed trials, want exactly %d", completed, a.Budget)
	}
	return trials
}

// checkMetrics compares a trial's stored metrics with its metrics file
// and with the value its candidate implies.
func checkMetrics(t *testing.T, a controllerArgs, tr nascent.Trial) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(study.TrialDir(a.Trials, tr.Number), "metrics.json"))
	if err != nil {
		t.Errorf("trial %d: %v", tr.Number, err)
		return
	}
	var wrote map[string]float64
	if err := json.Unmarshal(data, &wrote); err != nil {
		t.Errorf("trial %d metrics file: %v", tr.Number, err)
		return
	}
	if len(wrote) != len(tr.Metrics) || wrote["loss"] != tr.Metrics["loss"] || wrote["trial"] != tr.Metrics["trial"] {
		t.Errorf("trial %d stored metrics %v, its trial wrote %v", tr.Number, tr.Metrics, wrote)
	}
	if int(tr.Metrics["trial"]) != tr.Number || !near(tr.Metrics["loss"], lossOf(tr.Candidate.Values)) {
		t.Errorf("trial %d metrics %v do not belong to its candidate %v", tr.Number, tr.Metrics, tr.Candidate.Values)
	}
}

// TestCrashRecovery kills the controller of a 100-trial study at random
// moments, at least 20 times, restarting it each time.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("kills controller processes")
	}
	dir := t.TempDir()
	a := controllerArgs{DB: filepath.Join(dir, "s.db"), Trials: filepath.Join(dir, "trials"),
		Budget: 100, Parallel: 2, Seed: 11, SleepMS: 30}
	kills := runKilled(t, a, 20, 1)
	checkStudy(t, a)
	t.Logf("controller killed %d times", kills)
}

// TestCrashReplaysSameCandidates runs one trial at a time with a fixed
// seed, once without interruption and once killed 20 times: both must
// propose the same candidates in the same order.
func TestCrashReplaysSameCandidates(t *testing.T) {
	if testing.Short() {
		t.Skip("kills controller processes")
	}
	dir := t.TempDir()
	calm := controllerArgs{DB: filepath.Join(dir, "calm.db"), Trials: filepath.Join(dir, "calm"),
		Budget: 100, Parallel: 1, Seed: 5}
	cmd, stderr := startController(t, calm)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("uninterrupted controller: %v\n%s", err, stderr)
	}
	want := checkStudy(t, calm)

	killed := calm
	killed.DB, killed.Trials, killed.SleepMS = filepath.Join(dir, "killed.db"), filepath.Join(dir, "killed"), 30
	runKilled(t, killed, 20, 2)
	got := checkStudy(t, killed)
	if len(got) != len(want) {
		t.Fatalf("interrupted study has %d trials, uninterrupted %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Candidate.Hash != w.Candidate.Hash || g.Parent != w.Parent || g.State != w.State || g.Mutation != w.Mutation {
			t.Errorf("trial %d: interrupted %s %s (parent %d, %q), uninterrupted %s %s (parent %d, %q)",
				i, g.State, g.Candidate.Hash, g.Parent, g.Mutation, w.State, w.Candidate.Hash, w.Parent, w.Mutation)
		}
	}
	reruns := 0
	for _, tr := range got {
		data, _ := os.ReadFile(filepath.Join(study.TrialDir(killed.Trials, tr.Number), "runs.log"))
		reruns += max(strings.Count(string(data), "\n")-1, 0)
	}
	t.Logf("%d trials were re-run after a kill", reruns)
}

// countDirs returns the number of entries in dir, or 0.
func countDirs(dir string) int {
	entries, _ := os.ReadDir(dir)
	return len(entries)
}

// TestResumeReapsLeftovers kills a controller whose trial is a wrapper
// that started a child: the kernel kills the wrapper with the controller,
// the child lives on, and the resumed study kills it before running the
// trial again.
func TestResumeReapsLeftovers(t *testing.T) {
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("no /proc")
	}
	dir := t.TempDir()
	a := controllerArgs{DB: filepath.Join(dir, "s.db"), Trials: filepath.Join(dir, "trials"),
		Budget: 1, Parallel: 1, Mode: "wrapper"}
	cmd, stderr := startController(t, a)
	pidFile := filepath.Join(study.TrialDir(a.Trials, 0), "child.pid")
	deadline := time.Now().Add(20 * time.Second)
	var child int
	for child == 0 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the trial's child never started\n%s", stderr)
		}
		data, _ := os.ReadFile(pidFile)
		child, _ = strconv.Atoi(string(data))
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // let the handle be committed
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	defer syscall.Kill(child, syscall.SIGKILL)
	if !running(child) {
		t.Fatal("the child died with the controller; nothing left to reap")
	}

	cmd, stderr = startController(t, a)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("resumed controller: %v\n%s", err, stderr)
	}
	if running(child) {
		t.Errorf("child %d of the killed controller's trial still runs after resume", child)
	}
	checkStudy(t, a)
}

// running reports whether pid is a live process, not a zombie.
func running(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(stat), ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}
