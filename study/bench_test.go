package study_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/evo"
	"github.com/nascent-nas/nascent/local"
	"github.com/nascent-nas/nascent/space"
	"github.com/nascent-nas/nascent/sqlite"
	"github.com/nascent-nas/nascent/study"
)

// fiveFloats is the space of Optuna's ask/tell figure in issue 4: five
// float parameters, searched at random.
const fiveFloats = `
a: {lower: 0.0, upper: 1.0}
b: {lower: 0.0, upper: 1.0}
c: {lower: 0.0, upper: 1.0}
d: {lower: 0.0, upper: 1.0}
e: {lower: 0.0, upper: 1.0}
`

// funcEvaluator evaluates candidates in process, with no process at all.
type funcEvaluator func(c nascent.Candidate) map[string]float64

func (f funcEvaluator) Evaluate(_ context.Context, job nascent.Job) nascent.Outcome {
	return nascent.Outcome{State: nascent.Completed, Metrics: f(job.Candidate)}
}

func sphere(c nascent.Candidate) map[string]float64 {
	s := 0.0
	for _, v := range c.Values {
		x := v.(float64) - 0.5
		s += x * x
	}
	return map[string]float64{"loss": s}
}

// BenchmarkStudyInProcess measures the study machinery: optimizer, the
// loop and the SQLite store, with an objective computed in process. One
// op is one trial.
func BenchmarkStudyInProcess(b *testing.B) {
	for _, name := range []string{"random", "evolution"} {
		b.Run(name, func(b *testing.B) {
			sp, err := space.Parse("bench.yaml", []byte(fiveFloats))
			if err != nil {
				b.Fatal(err)
			}
			cfg := evo.Config{Objectives: []nascent.Objective{{Name: "loss"}}}
			var opt nascent.Optimizer
			if name == "random" {
				opt, err = evo.NewRandom(sp, cfg, 1)
			} else {
				opt, err = evo.New(sp, cfg, 1)
			}
			if err != nil {
				b.Fatal(err)
			}
			store, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "b.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer store.Close()
			ctl := &study.Controller{
				Store: store, Study: nascent.Study{Name: "bench", Fingerprint: "f"},
				Optimizer: opt, Evaluator: funcEvaluator(sphere),
				Objectives: cfg.Objectives, Budget: b.N, Parallel: 1, TrialsDir: b.TempDir(),
			}
			b.ResetTimer()
			start := time.Now()
			if _, err := ctl.Run(context.Background(), nil); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "trials/s")
			b.StopTimer()
			trials, err := store.Trials(context.Background(), "bench")
			if err != nil || len(trials) != b.N || trials[b.N-1].State != nascent.Completed {
				b.Fatalf("stored %d trials (%v), want %d completed", len(trials), err, b.N)
			}
		})
	}
}

// BenchmarkLaunch compares, back to back in one process, the rate at
// which the machine starts and reaps a trivial trial program two at a
// time with no study around it, and the rate of a study that runs the
// same program as its trials, two in parallel. One op is one trial of
// each.
func BenchmarkLaunch(b *testing.B) {
	trialEnv := slices.Clip(append(os.Environ(), roleEnv+"=trial"))
	bare := func(n int) time.Duration {
		dir := b.TempDir()
		start := time.Now()
		var wg sync.WaitGroup
		next := make(chan int)
		for w := 0; w < 2; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					// The same program and inputs the study gives it.
					td := filepath.Join(dir, fmt.Sprint(i))
					os.MkdirAll(td, 0o755)
					os.WriteFile(filepath.Join(td, "config.json"), []byte(`{"x": 0.5, "n": 3}`), 0o644)
					cmd := exec.Command(os.Args[0])
					cmd.Env = append(trialEnv, "NASCENT_CONFIG="+filepath.Join(td, "config.json"),
						"NASCENT_TRIAL_DIR="+td, "NASCENT_METRICS="+filepath.Join(td, "metrics.json"),
						"NASCENT_TRIAL_ID="+fmt.Sprint(i))
					if err := cmd.Run(); err != nil {
						b.Error(err)
					}
				}
			}()
		}
		for i := 0; i < n; i++ {
			next <- i
		}
		close(next)
		wg.Wait()
		return time.Since(start)
	}
	// One study grows by a round at a time: each round resumes it with a
	// larger budget, as a user raising the budget would.
	sp, err := space.Parse("test.yaml", []byte(testSpace))
	if err != nil {
		b.Fatal(err)
	}
	obj := []nascent.Objective{{Name: "loss"}}
	store, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	l, err := local.New(local.Config{Command: []string{os.Args[0]}, Env: []string{roleEnv + "=trial"},
		Format: "json", Required: []string{"loss"}})
	if err != nil {
		b.Fatal(err)
	}
	trialsDir, budget := b.TempDir(), 0
	viaStudy := func(n int) time.Duration {
		opt, err := evo.NewRandom(sp, evo.Config{Objectives: obj, AllowDuplicates: true}, 1)
		if err != nil {
			b.Fatal(err)
		}
		budget += n
		ctl := &study.Controller{Store: store, Study: nascent.Study{Name: "bench", Fingerprint: "f"},
			Optimizer: opt, Evaluator: l, Objectives: obj, Budget: budget, Parallel: 2, TrialsDir: trialsDir}
		start := time.Now()
		sum, err := ctl.Run(context.Background(), nil)
		if err != nil || sum.Failed > 0 || sum.Done != budget {
			b.Fatalf("study: %v, %d failed, %d done of %d", err, sum.Failed, sum.Done, budget)
		}
		return time.Since(start)
	}
	b.ResetTimer()
	// The machine is shared and its load drifts, so the two are measured
	// in alternating rounds of the same size and compared round by round:
	// the reported ratio is the median of the rounds' ratios.
	const round = 100
	var tBare, tStudy time.Duration
	var ratios []float64
	for done := 0; done < b.N; done += round {
		n := min(round, b.N-done)
		bt, st := bare(n), viaStudy(n)
		tBare, tStudy = tBare+bt, tStudy+st
		ratios = append(ratios, bt.Seconds()/st.Seconds())
	}
	slices.Sort(ratios)
	b.ReportMetric(float64(b.N)/tBare.Seconds(), "bare-starts/s")
	b.ReportMetric(float64(b.N)/tStudy.Seconds(), "study-trials/s")
	b.ReportMetric(100*ratios[len(ratios)/2], "%-of-bare-median")
	b.ReportMetric(100*ratios[0], "%-of-bare-worst")
}
