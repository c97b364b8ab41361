package study_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/evo"
	"github.com/nascent-nas/nascent/local"
	"github.com/nascent-nas/nascent/space"
	"github.com/nascent-nas/nascent/sqlite"
	"github.com/nascent-nas/nascent/study"
)

// The tests re-run this test binary as a fake trial program and as a
// controller process that they can kill. roleEnv selects the role.
const roleEnv = "NASCENT_STUDY_TEST_ROLE"

func TestMain(m *testing.M) {
	switch os.Getenv(roleEnv) {
	case "trial":
		os.Exit(fakeTrial(os.Args[1:]))
	case "controller":
		os.Exit(controllerMain(os.Args[1:]))
	case "sleeper":
		// A child a trial's wrapper started; it outlives a killed
		// controller unless reaped.
		os.WriteFile(os.Getenv("NASCENT_TRIAL_DIR")+"/child.pid", []byte(strconv.Itoa(os.Getpid())), 0o644)
		time.Sleep(time.Hour)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testSpace is the search space of the process tests: 5 parameters.
const testSpace = `
x: {lower: 0.0, upper: 1.0}
y: {lower: 0.001, upper: 10.0, log: true}
n: {lower: 0, upper: 1000, int: true}
k: [a, b, c, d]
w: [1, 2, 4, 8, 16]
`

// lossOf is the metric fake trials report, computed from the candidate
// alone so that tests can check every stored value.
func lossOf(v map[string]any) float64 {
	x, _ := v["x"].(float64)
	n, _ := v["n"].(int64)
	return (x-0.3)*(x-0.3) + float64(n)/1e4
}

// fakeTrial reads its candidate from NASCENT_CONFIG (JSON), appends a line
// to runs.log in its directory (to count runs), and writes its metrics.
// The first argument, if any, is a sleep in milliseconds.
func fakeTrial(args []string) int {
	data, err := os.ReadFile(os.Getenv("NASCENT_CONFIG"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 10
	}
	values, err := nascent.DecodeValues(data)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 11
	}
	dir := os.Getenv("NASCENT_TRIAL_DIR")
	f, err := os.OpenFile(dir+"/runs.log", os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return 12
	}
	fmt.Fprintf(f, "pid %d attempt %s\n", os.Getpid(), os.Getenv("NASCENT_ATTEMPT"))
	f.Close()
	if mode, ok := values["mode"].(string); ok {
		if code, done := misbehave(mode); done {
			return code
		}
	}
	if len(args) > 0 {
		ms, _ := strconv.Atoi(args[0])
		time.Sleep(time.Duration(ms) * time.Millisecond)
	}
	id, _ := strconv.Atoi(os.Getenv("NASCENT_TRIAL_ID"))
	m := map[string]float64{"loss": lossOf(values), "trial": float64(id)}
	b, _ := json.Marshal(m)
	if err := os.WriteFile(os.Getenv("NASCENT_METRICS"), b, 0o644); err != nil {
		return 13
	}
	return 0
}

// controllerArgs are the settings of a controller process.
type controllerArgs struct {
	DB, Trials string
	Budget     int
	Parallel   int
	Seed       uint64
	SleepMS    int

	// Mode, when set, makes every trial's candidate {"mode": Mode}
	// (see misbehave), proposed by a listOptimizer.
	Mode string
}

// controllerMain runs a study as the arguments (one JSON object) say. It
// exits 0 when the budget is spent, 4 on a conflict, 1 otherwise.
func controllerMain(args []string) int {
	var a controllerArgs
	if len(args) != 1 || json.Unmarshal([]byte(args[0]), &a) != nil {
		fmt.Fprintln(os.Stderr, "controller: want one JSON argument")
		return 2
	}
	ctx := context.Background()
	store, err := sqlite.Open(ctx, a.DB)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer store.Close()
	ctl, err := processController(store, a)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if a.Mode != "" {
		ctl.Optimizer = &listOptimizer{values: []map[string]any{{"mode": a.Mode, "x": 0.5, "n": int64(1)}}}
	}
	if _, err := ctl.Run(ctx, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if errors.Is(err, nascent.ErrConflict) {
			return 4
		}
		return 1
	}
	return 0
}

// processController builds a controller that runs fake trials as
// processes of this test binary.
func processController(store nascent.Store, a controllerArgs) (*study.Controller, error) {
	sp, err := space.Parse("test.yaml", []byte(testSpace))
	if err != nil {
		return nil, err
	}
	objectives := []nascent.Objective{{Name: "loss"}}
	opt, err := evo.New(sp, evo.Config{PopulationSize: 10, SampleSize: 3, Objectives: objectives}, a.Seed)
	if err != nil {
		return nil, err
	}
	cmd := []string{os.Args[0]}
	if a.SleepMS > 0 {
		cmd = append(cmd, strconv.Itoa(a.SleepMS))
	}
	launcher, err := local.New(local.Config{
		Command:  cmd,
		Env:      []string{roleEnv + "=trial"},
		Format:   "json",
		Required: []string{"loss"},
		Timeout:  time.Minute,
	})
	if err != nil {
		return nil, err
	}
	return &study.Controller{
		Store:      store,
		Study:      nascent.Study{Name: "crash", Fingerprint: "fp", Seed: a.Seed},
		Optimizer:  opt,
		Evaluator:  launcher,
		Objectives: objectives,
		Budget:     a.Budget,
		Parallel:   a.Parallel,
		TrialsDir:  a.Trials,
	}, nil
}

// near reports whether a and b agree to within float rounding.
func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b))
}

// misbehave acts out one way a trial can go wrong. done is false when the
// trial should go on normally.
func misbehave(mode string) (code int, done bool) {
	metrics := os.Getenv("NASCENT_METRICS")
	switch mode {
	case "exit":
		fmt.Fprintln(os.Stderr, "CUDA out of memory")
		return 3, true
	case "signal":
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
	case "hang":
		time.Sleep(time.Hour)
	case "garbage":
		os.WriteFile(metrics, []byte("loss=0.1"), 0o644)
		return 0, true
	case "nan":
		os.WriteFile(metrics, []byte(`{"loss": NaN}`), 0o644)
		return 0, true
	case "nometrics":
		return 0, true
	case "flood":
		line := []byte(strings.Repeat("y", 1023) + "\n")
		for i := 0; i < 4<<10; i++ {
			os.Stdout.Write(line)
		}
	case "wrapper":
		// Like a shell script that runs the trainer and waits for it.
		// A second run, after the reaping, just reports.
		if _, err := os.Stat(os.Getenv("NASCENT_TRIAL_DIR") + "/child.pid"); err == nil {
			return 0, false
		}
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), roleEnv+"=sleeper")
		if err := cmd.Run(); err != nil {
			return 5, true
		}
	case "flaky":
		if os.Getenv("NASCENT_ATTEMPT") == "1" {
			return 1, true
		}
	}
	return 0, false
}
