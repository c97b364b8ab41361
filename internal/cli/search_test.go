package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
)

// TestSearchHelperTrial is not a test: the study tests below run this
// test binary as their trial program, which lands here.
func TestSearchHelperTrial(t *testing.T) {
	if os.Getenv("NASCENT_CLI_TEST_TRIAL") != "1" {
		t.Skip("a trial program for the search tests")
	}
	data, err := os.ReadFile(os.Getenv("NASCENT_CONFIG"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		X float64 `yaml:"x"`
		W int     `yaml:"w"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	m := fmt.Sprintf(`{"loss": %g, "size": %d}`, (cfg.X-0.3)*(cfg.X-0.3), cfg.W)
	if err := os.WriteFile(os.Getenv("NASCENT_METRICS"), []byte(m), 0o644); err != nil {
		t.Fatal(err)
	}
}

const testStudy = `name: cli
seed: %d
budget: 12
parallel: 2
optimizer: {population_size: 4, sample_size: 2}
objectives: [loss, size]
constraints: ["size <= 8"]
trial:
  command: ["%s", "-test.run=^TestSearchHelperTrial$"]
  env: {NASCENT_CLI_TEST_TRIAL: "1", EXTRA: "${NASCENT_CLI_TEST_EXTRA}"}
space:
  x: {lower: 0.0, upper: 1.0}
  w: [1, 2, 4, 8]
`

// run runs the nascent command and returns its exit code and output.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeStudy(t *testing.T, dir string, seed int) string {
	t.Helper()
	path := filepath.Join(dir, "study.yaml")
	if err := os.WriteFile(path, []byte(fmt.Sprintf(testStudy, seed, os.Args[0])), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSearchCommands(t *testing.T) {
	t.Setenv("NASCENT_CLI_TEST_EXTRA", "x")
	dir := t.TempDir()
	path := writeStudy(t, dir, 1)

	// search runs the study and prints the best trials and the front.
	code, out, errOut := run(t, "search", path)
	if code != ExitOK {
		t.Fatalf("search = %d\n%s", code, errOut)
	}
	for _, want := range []string{"12 completed trials", "best per objective:", "loss (minimize)", "Pareto set ("} {
		if !strings.Contains(out, want) {
			t.Errorf("search output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "trial 0 completed") || !strings.Contains(errOut, "done 12/12") {
		t.Errorf("search log lacks trial lines:\n%s", errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "study.db")); err != nil {
		t.Errorf("no study database next to the study file: %v", err)
	}

	// trials --json lists every trial.
	code, out, errOut = run(t, "trials", "--json", path)
	var trials []trialJSON
	if code != ExitOK || json.Unmarshal([]byte(out), &trials) != nil || len(trials) != 12 {
		t.Fatalf("trials --json = %d, %d trials\n%s%s", code, len(trials), out, errOut)
	}
	if trials[3].State != "completed" || trials[3].Metrics["loss"] != mustFloat(trials[3].Candidate["x"]) {
		t.Errorf("trial 3 = %+v, want completed with its loss", trials[3])
	}

	// status, best and export read the same study.
	if code, out, _ = run(t, "status", path); code != ExitOK || !strings.Contains(out, "12 of 12 trials done") {
		t.Errorf("status = %d\n%s", code, out)
	}
	code, out, _ = run(t, "best", "--json", path)
	var best bestJSON
	if code != ExitOK || json.Unmarshal([]byte(out), &best) != nil || len(best.Pareto) == 0 || best.Best["size"].Number < 0 {
		t.Errorf("best --json = %d\n%s", code, out)
	}
	w := trials[5].Candidate["w"]
	if code, out, _ = run(t, "export", path, "5", "--format", "overrides"); code != ExitOK || !strings.Contains(out, fmt.Sprintf("'w=%v'", w)) {
		t.Errorf("export --format overrides = %d %q, want w=%v", code, out, w)
	}
	if code, out, _ = run(t, "export", path, "5", "--format", "json"); code != ExitOK || !strings.Contains(out, `"x": `) {
		t.Errorf("export --format json = %d %q", code, out)
	}
	if code, _, errOut = run(t, "export", path, "99"); code != ExitNotFound {
		t.Errorf("export of a missing trial = %d %q, want %d", code, errOut, ExitNotFound)
	}
	if code, _, errOut = run(t, "export", path, "1", "--format", "toml"); code != ExitUsage {
		t.Errorf("export --format toml = %d %q, want %d", code, errOut, ExitUsage)
	}

	// A changed study is refused unless forced; a finished study with a
	// larger budget continues.
	writeStudy(t, dir, 2)
	if code, _, errOut = run(t, "search", path); code != ExitConflict || !strings.Contains(errOut, "--force") ||
		!strings.Contains(errOut, "its seed changed") {
		t.Errorf("search of a changed study = %d %q, want %d and a hint about --force", code, errOut, ExitConflict)
	}
	if code, _, errOut = run(t, "search", "--force", path); code != ExitOK {
		t.Errorf("search --force = %d %q", code, errOut)
	}
}

func TestSearchErrors(t *testing.T) {
	dir := t.TempDir()
	path := writeStudy(t, dir, 1)
	os.Unsetenv("NASCENT_CLI_TEST_EXTRA")
	code, _, errOut := run(t, "search", path)
	if code != ExitUsage || !strings.Contains(errOut, "study.yaml:10:") || !strings.Contains(errOut, "NASCENT_CLI_TEST_EXTRA is not set") {
		t.Errorf("search without its variable = %d %q, want %d naming the variable and its line", code, errOut, ExitUsage)
	}
	// Reading commands do not need the trials' variables.
	if code, _, errOut = run(t, "status", path); code != ExitNotFound || !strings.Contains(errOut, "run nascent search") {
		t.Errorf("status before any search = %d %q, want %d", code, errOut, ExitNotFound)
	}
	if code, _, _ = run(t, "search", filepath.Join(dir, "missing.yaml")); code != ExitNotFound {
		t.Errorf("search of a missing file = %d, want %d", code, ExitNotFound)
	}
}

func mustFloat(v any) float64 {
	x, _ := v.(float64)
	return (x - 0.3) * (x - 0.3)
}

// TestWatchInterrupts sends this process SIGINT twice: the first drains,
// the second stops.
func TestWatchInterrupts(t *testing.T) {
	drain, stopped := make(chan struct{}), make(chan struct{})
	var msgs bytes.Buffer
	unwatch := watchInterrupts(drain, func() { close(stopped) }, &syncWriter{w: &msgs})
	defer unwatch()

	syscall.Kill(os.Getpid(), syscall.SIGINT)
	select {
	case <-drain:
	case <-time.After(5 * time.Second):
		t.Fatal("first SIGINT did not drain")
	}
	select {
	case <-stopped:
		t.Fatal("first SIGINT stopped the trials")
	case <-time.After(50 * time.Millisecond):
	}
	syscall.Kill(os.Getpid(), syscall.SIGINT)
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("second SIGINT did not stop the trials")
	}
}

// syncWriter serialises writes from the watcher's goroutine.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// TestSearchRunningStudy runs search on a study whose lease a live
// controller (this test) holds: the refusal is all it writes.
func TestSearchRunningStudy(t *testing.T) {
	t.Setenv("NASCENT_CLI_TEST_EXTRA", "x")
	ctx := context.Background()
	path, f, st := openTestStudy(t, true)
	defer st.Close()
	if err := st.CreateStudy(ctx, f.Study()); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	owner := fmt.Sprintf("%s:%d:abc", host, os.Getpid())
	if _, err := st.Acquire(ctx, f.Name, owner, "", time.Hour); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := run(t, "search", path)
	if code != ExitConflict || out != "" {
		t.Errorf("search of a running study = %d, stdout %q; want %d and nothing", code, out, ExitConflict)
	}
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "nascent: study \"cli\" is run by another controller") ||
		strings.HasSuffix(lines[0], ": conflict") {
		t.Errorf("search of a running study wrote %q, want one line refusing, not ending in \": conflict\"", errOut)
	}
}

// TestSearchRenamedStudy follows a user who renames a changed study in
// the same file: the renamed study would share the trials folder and
// overwrite the old study's trials, so it is refused; the advice of the
// changed-study refusal, copying the file under a new name, works.
func TestSearchRenamedStudy(t *testing.T) {
	t.Setenv("NASCENT_CLI_TEST_EXTRA", "x")
	dir := t.TempDir()
	path := writeStudy(t, dir, 1)
	if code, _, errOut := run(t, "search", path); code != ExitOK {
		t.Fatalf("search = %d\n%s", code, errOut)
	}
	cfg := filepath.Join(dir, "study.trials", "000004", "config.yaml")
	before, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}

	// A changed seed is refused, with advice.
	writeStudy(t, dir, 2)
	code, _, errOut := run(t, "search", path)
	if code != ExitConflict || !strings.Contains(errOut, "copy the study file under a new name") {
		t.Fatalf("search of a changed study = %d %q, want %d and advice to copy the file", code, errOut, ExitConflict)
	}

	// Renaming the study in the same file is refused too.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	renamed := strings.Replace(string(data), "name: cli", "name: cli-v2", 1)
	if err := os.WriteFile(path, []byte(renamed), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, "search", path)
	if code != ExitConflict || !strings.Contains(errOut, `holds the trials of study "cli"`) {
		t.Errorf("search of a renamed study = %d %q, want %d naming the folder's study", code, errOut, ExitConflict)
	}
	if after, _ := os.ReadFile(cfg); !bytes.Equal(after, before) {
		t.Errorf("%s changed:\n%s\nwant\n%s", cfg, after, before)
	}

	// A copy under a new name has a database and trials folder of its
	// own.
	copied := filepath.Join(dir, "study-v2.yaml")
	if err := os.WriteFile(copied, []byte(renamed), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut = run(t, "search", copied); code != ExitOK {
		t.Errorf("search of the copied study = %d %q", code, errOut)
	}
	if after, _ := os.ReadFile(cfg); !bytes.Equal(after, before) {
		t.Errorf("%s changed by the copied study", cfg)
	}
}

// TestSearchMissingProgram names the study file, the line and the key
// of a trial program that is not in PATH.
func TestSearchMissingProgram(t *testing.T) {
	t.Setenv("NASCENT_CLI_TEST_EXTRA", "x")
	path := writeStudy(t, t.TempDir(), 1)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	typo := strings.Replace(string(data), os.Args[0], "pyhton3", 1)
	if err := os.WriteFile(path, []byte(typo), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "search", path)
	want := `study.yaml:9:13: trial.command[0]: program "pyhton3" is not in PATH`
	if code != ExitNotFound || !strings.Contains(errOut, want) || strings.Contains(errOut, "not found") {
		t.Errorf("search with a missing program = %d %q, want %d and %q", code, errOut, ExitNotFound, want)
	}
}
