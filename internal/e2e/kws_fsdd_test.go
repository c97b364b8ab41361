package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKWSFSDDExample runs a small version of examples/kws-fsdd/study.yaml
// with the real binary on a subset of the Free Spoken Digit Dataset: a few
// trials of one epoch. It kills the controller with SIGKILL once a trial
// has completed, resumes it, and checks the study, the trial directories,
// the Pareto table and the pictures.
func TestKWSFSDDExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and trains networks; skipped with -short")
	}
	root := repoRoot(t)
	bin := buildNascent(t, root)
	data := fsddSubset(t, root)
	work := t.TempDir()
	const budget = 6
	studyPath := smallStudy(t, root, work, budget)
	env := append(os.Environ(),
		"NASCENT_DATA="+data,
		"NASCENT_CACHE_DIR="+filepath.Join(work, "cache"))

	// First run: kill it as soon as it logs a completed trial. Trials of
	// one epoch on a subset take well under a second, so the test reads
	// the progress lines as they come rather than polling the study.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	first := exec.CommandContext(ctx, bin, "search", studyPath)
	first.Env = env
	pipe, err := first.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	var firstErr strings.Builder
	completedOne := make(chan struct{})
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(pipe)
		once := false
		for sc.Scan() {
			firstErr.WriteString(sc.Text() + "\n")
			if !once && strings.Contains(sc.Text(), " completed ") {
				once = true
				close(completedOne)
			}
		}
	}()
	select {
	case <-completedOne:
	case <-scanned:
		first.Wait()
		t.Fatalf("search ended before it completed a trial; stderr:\n%s", firstErr.String())
	case <-ctx.Done():
		t.Fatal("timed out waiting for a completed trial")
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-scanned
	first.Wait()
	if n := countState(t, bin, env, studyPath, "completed"); n >= budget {
		t.Fatalf("the first run completed %d trials before it was killed; want an interrupted study\n%s", n, firstErr.String())
	}

	// Resume to the end.
	out, errOut, err := run(ctx, bin, env, "search", studyPath)
	if err != nil {
		t.Fatalf("resumed search: %v\nstderr:\n%s", err, errOut)
	}
	if !strings.Contains(out, "Pareto set") {
		t.Errorf("search output lacks the Pareto table:\n%s", out)
	}

	// The study: exactly the budget completed, no number twice, metrics
	// in each completed trial's directory equal to the stored ones.
	trials := listTrials(t, bin, env, studyPath)
	seen := map[int]bool{}
	completed := 0
	for _, tr := range trials {
		if seen[tr.Number] {
			t.Errorf("trial %d stored twice", tr.Number)
		}
		seen[tr.Number] = true
		if tr.State != "completed" {
			continue
		}
		completed++
		dirs, _ := filepath.Glob(filepath.Join(work, "*.trials", fmt.Sprintf("%06d", tr.Number)))
		if len(dirs) != 1 {
			t.Errorf("trial %d: directories %v, want one", tr.Number, dirs)
			continue
		}
		checkTrialDir(t, dirs[0], tr)
	}
	if t.Failed() {
		entries, _ := filepath.Glob(filepath.Join(work, "*", "*"))
		t.Logf("files in %s: %v", work, entries)
	}
	if completed != budget {
		t.Errorf("%d completed trials, want %d", completed, budget)
	}

	// The Pareto table of nascent best lists only trials that exist, and
	// no listed trial is dominated by a completed one.
	best, errOut, err := run(ctx, bin, env, "best", studyPath)
	if err != nil {
		t.Fatalf("best: %v\n%s", err, errOut)
	}
	checkParetoTable(t, best, trials)

	// The pictures: PNGs that decode, SVGs with the axis titles.
	plots, errOut, err := run(ctx, bin, env, "plot", studyPath)
	if err != nil {
		t.Fatalf("plot: %v\n%s", err, errOut)
	}
	checkPictures(t, work, strings.Fields(plots))
}

// trial is the part of nascent trials --json that the test reads.
type trial struct {
	Number  int                `json:"number"`
	State   string             `json:"state"`
	Metrics map[string]float64 `json:"metrics"`
}

func listTrials(t *testing.T, bin string, env []string, studyPath string) []trial {
	t.Helper()
	out, errOut, err := run(context.Background(), bin, env, "trials", "--json", studyPath)
	if err != nil {
		t.Fatalf("trials --json: %v\n%s", err, errOut)
	}
	var trials []trial
	if err := json.Unmarshal([]byte(out), &trials); err != nil {
		t.Fatalf("trials --json: %v\n%s", err, out)
	}
	return trials
}

func countState(t *testing.T, bin string, env []string, studyPath, state string) int {
	t.Helper()
	out, _, err := run(context.Background(), bin, env, "trials", "--json", studyPath)
	if err != nil {
		return 0 // the study may not exist yet
	}
	var trials []trial
	if json.Unmarshal([]byte(out), &trials) != nil {
		return 0
	}
	n := 0
	for _, tr := range trials {
		if tr.State == state {
			n++
		}
	}
	return n
}

func checkTrialDir(t *testing.T, dir string, tr trial) {
	t.Helper()
	for _, name := range []string{"config.yaml", "stdout.log", "stderr.log", "metrics.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("trial %d: %v", tr.Number, err)
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		return
	}
	var written map[string]any
	if err := json.Unmarshal(raw, &written); err != nil {
		t.Errorf("trial %d: metrics.json: %v", tr.Number, err)
		return
	}
	for _, name := range []string{"val_error", "weights", "test_error", "macs"} {
		w, ok := written[name].(float64)
		if !ok || tr.Metrics[name] != w {
			t.Errorf("trial %d: stored %s = %v, metrics.json has %v", tr.Number, name, tr.Metrics[name], written[name])
		}
	}
	if tr.Metrics["weights"] > 20000 {
		t.Errorf("trial %d trained with %v weights, over the study's limit of 20000", tr.Number, tr.Metrics["weights"])
	}
}

// checkParetoTable reads the rows "trial val_error weights" under
// "Pareto set" and checks them against the stored trials.
func checkParetoTable(t *testing.T, best string, trials []trial) {
	t.Helper()
	i := strings.Index(best, "Pareto set")
	if i < 0 {
		t.Fatalf("nascent best lacks the Pareto set:\n%s", best)
	}
	byNumber := map[int]trial{}
	for _, tr := range trials {
		byNumber[tr.Number] = tr
	}
	row := regexp.MustCompile(`(?m)^\s+(\d+)\s+\S+\s+\S+`)
	rows := row.FindAllStringSubmatch(best[i:], -1)
	if len(rows) == 0 {
		t.Fatalf("Pareto table has no rows:\n%s", best[i:])
	}
	for _, r := range rows {
		var n int
		fmt.Sscan(r[1], &n)
		p, ok := byNumber[n]
		if !ok || p.State != "completed" {
			t.Errorf("Pareto table lists trial %d, which is not a completed trial", n)
			continue
		}
		for _, q := range trials {
			if q.State == "completed" && dominates(q, p) {
				t.Errorf("Pareto table lists trial %d, dominated by trial %d", p.Number, q.Number)
			}
		}
	}
}

func dominates(a, b trial) bool {
	ae, aw := a.Metrics["val_error"], a.Metrics["weights"]
	be, bw := b.Metrics["val_error"], b.Metrics["weights"]
	return ae <= be && aw <= bw && (ae < be || aw < bw)
}

func checkPictures(t *testing.T, work string, paths []string) {
	t.Helper()
	want := []string{"front.png", "front.svg", "history-val_error.png", "history-weights.svg"}
	for _, w := range want {
		found := false
		for _, p := range paths {
			found = found || filepath.Base(p) == w
		}
		if !found {
			t.Errorf("nascent plot wrote %v, want %s among them", paths, w)
		}
	}
	for _, p := range paths {
		if !filepath.IsAbs(p) {
			p = filepath.Join(work, p)
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Error(err)
			continue
		}
		switch filepath.Ext(p) {
		case ".png":
			img, err := png.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Errorf("%s: %v", p, err)
			} else if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 200 {
				t.Errorf("%s is %dx%d pixels, want a picture", p, b.Dx(), b.Dy())
			}
		case ".svg":
			if strings.HasPrefix(filepath.Base(p), "front") &&
				!(bytes.Contains(raw, []byte("weights, parameters")) && bytes.Contains(raw, []byte("val_error, fraction (minimize)"))) {
				t.Errorf("%s lacks the axis titles", p)
			}
		}
	}
}

// smallStudy writes the shipped example with a smaller budget and one
// epoch into dir; everything else, the space included, is the example's.
func smallStudy(t *testing.T, root, dir string, budget int) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, "examples", "kws-fsdd", "study.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	for old, repl := range map[string]string{
		"budget: 200":         fmt.Sprintf("budget: %d", budget),
		`--epochs, "30"`:      `--epochs, "1"`,
		"population_size: 20": "population_size: 4",
		"sample_size: 5":      "sample_size: 2",
	} {
		if !strings.Contains(s, old) {
			t.Fatalf("examples/kws-fsdd/study.yaml no longer contains %q; update this test", old)
		}
		s = strings.Replace(s, old, repl, 1)
	}
	path := filepath.Join(dir, "study.yaml")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fsddSubset links two speakers' recordings of indices 0-14 into a
// temporary recordings folder: 5 test, 5 validation and 5 training clips
// per digit and speaker.
func fsddSubset(t *testing.T, root string) string {
	t.Helper()
	src := os.Getenv("NASCENT_FSDD")
	if src == "" {
		src = filepath.Join(root, "..", "shared", "data", "fsdd")
	}
	src = filepath.Join(src, "recordings")
	if _, err := os.Stat(src); err != nil {
		msg := fmt.Sprintf("FSDD not found (%v): set NASCENT_FSDD to the folder holding recordings/", err)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dst := filepath.Join(t.TempDir(), "recordings")
	if err := os.Mkdir(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for digit := 0; digit < 10; digit++ {
		for _, speaker := range []string{"george", "jackson"} {
			for index := 0; index < 15; index++ {
				name := fmt.Sprintf("%d_%s_%d.wav", digit, speaker, index)
				if err := os.Symlink(filepath.Join(src, name), filepath.Join(dst, name)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return dst
}

func buildNascent(t *testing.T, root string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "nascent")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/nascent")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func run(ctx context.Context, bin string, env []string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}
