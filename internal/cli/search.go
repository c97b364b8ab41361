package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/kws"
	"github.com/nascent-nas/nascent/local"
	"github.com/nascent-nas/nascent/space"
	"github.com/nascent-nas/nascent/study"
)

func newSearchCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "search STUDY.yaml",
		Short: "Run or resume the search a study file describes",
		Long: `Run the search that STUDY.yaml describes (see docs/study-file.md), or
resume it where it stopped. Trials run as local processes; every result is
kept in the study database.

The first Ctrl-C launches nothing new and waits for the running trials;
a second one stops them and records them as interrupted. Either way, the
same command resumes the study later.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSearch(cmd.Context(), args[0], force, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "continue a study whose space, objectives, "+
		"optimizer or seed changed")
	return cmd
}

// runSearch wires a study file's pieces into a controller and runs it.
func runSearch(ctx context.Context, path string, force bool, stdout, stderr io.Writer) error {
	// Read the study file and build what it asks for.
	f, err := loadStudyFile(path, true)
	if err != nil {
		return err
	}
	sp, err := parseSpace(f.Space)
	if err != nil {
		return err
	}
	opt, err := newOptimizer(f, sp)
	if err != nil {
		return err
	}
	if err := checkProgram(f); err != nil {
		return err
	}
	tty := isTerminal(stderr)
	logger := newLogger(stderr, tty)
	launcher, err := local.New(local.Config{
		Command:     f.Trial.Command,
		Env:         f.Trial.Env,
		Dir:         f.Trial.Dir,
		Timeout:     f.Trial.Timeout,
		Grace:       f.Trial.Grace,
		OutputLimit: f.Trial.OutputLimit,
		GPUs:        f.Trial.GPUs,
		Format:      f.Trial.Format,
		EncodeYAML:  space.MarshalYAML,
		Base:        f.Base,
		Required:    f.Required(),
		Logger:      logger,
	})
	if err != nil {
		return err
	}
	store, err := openStore(ctx, f, true)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := checkChanged(ctx, store, f, force); err != nil {
		return err
	}

	// Ctrl-C: the first drains, the second stops the trials.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	drain := make(chan struct{})
	stopSignals := watchInterrupts(drain, cancel, stderr)
	defer stopSignals()

	obs := newProgress(stderr, tty, f)
	ctl := &study.Controller{
		Store:         store,
		Study:         f.Study(),
		Optimizer:     opt,
		Evaluator:     launcher,
		Cost:          costModel(f),
		Constraints:   f.Constraints,
		Objectives:    f.Objectives,
		Budget:        f.Budget,
		Parallel:      f.Parallel,
		Retries:       f.Trial.Retries,
		MaxFailures:   f.MaxFailures,
		MaxRejections: f.MaxRejections,
		TrialsDir:     f.TrialsDir,
		Worker:        launcher.Worker(),
		Force:         force,
		Logger:        logger,
		Observer:      obs,
	}
	sum, err := ctl.Run(ctx, drain)
	obs.finish()

	// Show what the study has found so far, unless it never ran.
	ran := err == nil || errors.Is(err, context.Canceled)
	if trials, terr := store.Trials(context.WithoutCancel(ctx), f.Name); ran && terr == nil && len(trials) > 0 {
		printBest(stdout, f, trials)
	}
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("%w: trials stopped and recorded as interrupted; run the same command to resume",
			errInterrupted)
	case err != nil:
		return err
	case sum.Drained:
		return fmt.Errorf("%w: %d of %d trials done; run the same command to resume",
			errInterrupted, sum.Done, sum.Budget)
	}
	return nil
}

// costModel returns the built-in cost model a study file names, or nil.
func costModel(f *study.File) nascent.CostModel {
	if f.Trial.BuiltinCost == "kws" {
		return kws.CostModel{NumClasses: f.Trial.CostClasses}
	}
	return nil
}

// watchInterrupts handles SIGINT: the first closes drain, the second
// calls stop. It returns a function that stops watching.
func watchInterrupts(drain chan struct{}, stop func(), stderr io.Writer) func() {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, syscall.SIGINT)
	done := make(chan struct{})
	go func() {
		n := 0
		for {
			select {
			case <-done:
				return
			case <-sig:
			}
			n++
			if n == 1 {
				fmt.Fprintln(stderr, "\nnascent: interrupt: launching nothing new, waiting for "+
					"running trials (Ctrl-C again stops them)")
				close(drain)
				continue
			}
			fmt.Fprintln(stderr, "\nnascent: interrupt: stopping running trials")
			stop()
			return
		}
	}()
	return func() {
		signal.Stop(sig)
		close(done)
	}
}

// newLogger logs to stderr: info and up on plain output, warnings and up
// under a progress bar, which shows the rest.
func newLogger(stderr io.Writer, tty bool) *slog.Logger {
	level := slog.LevelInfo
	if tty {
		level = slog.LevelWarn
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress shows a running study: a bar on a terminal, one log line per
// finished trial otherwise.
type progress struct {
	w   io.Writer
	bar *progressbar.ProgressBar
	f   *study.File
}

var _ study.Observer = (*progress)(nil)

func newProgress(w io.Writer, tty bool, f *study.File) *progress {
	p := &progress{w: w, f: f}
	if tty {
		p.bar = progressbar.NewOptions(f.Budget,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetWidth(20),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionSetPredictTime(false),
			progressbar.OptionShowDescriptionAtLineEnd(),
		)
	}
	return p
}

// Ended implements study.Observer.
func (p *progress) Ended(t nascent.Trial, s study.Progress) {
	status := p.status(s)
	if p.bar != nil {
		_ = p.bar.Set(s.Done)
		p.bar.Describe(status)
		return
	}
	line := fmt.Sprintf("trial %d %s", t.Number, t.State)
	if t.State == nascent.Running {
		line = fmt.Sprintf("trial %d retrying", t.Number)
	}
	if t.State == nascent.Completed {
		line += " " + p.metrics(t.Metrics)
	}
	if t.Reason != "" && t.State != nascent.Completed {
		line += ": " + t.Reason
	}
	fmt.Fprintf(p.w, "%s | %s\n", line, status)
}

// status says done, running, failed, best and time left in one line.
func (p *progress) status(s study.Progress) string {
	parts := []string{
		fmt.Sprintf("done %d/%d", s.Done, s.Budget),
		fmt.Sprintf("running %d", s.Running),
		fmt.Sprintf("failed %d", s.Failed),
	}
	if s.Rejected > 0 {
		parts = append(parts, fmt.Sprintf("rejected %d", s.Rejected))
	}
	if best := p.metrics(s.Best); best != "" {
		parts = append(parts, "best "+best)
	}
	if s.ETA > 0 {
		parts = append(parts, "ETA "+s.ETA.Round(time.Second).String())
	}
	return strings.Join(parts, ", ")
}

// metrics writes the objectives' values as name=value.
func (p *progress) metrics(m map[string]float64) string {
	var parts []string
	for _, o := range p.f.Objectives {
		if v, ok := m[o.Name]; ok {
			parts = append(parts, o.Name+"="+formatMetric(v))
		}
	}
	if len(parts) == 0 && len(m) > 0 {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			parts = append(parts, k+"="+formatMetric(m[k]))
		}
	}
	return strings.Join(parts, " ")
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
		fmt.Fprintln(p.w)
	}
}

// checkChanged refuses, unless forced, a study file whose space,
// objectives, constraints, optimizer or seed differ from the stored
// study's, saying which. (The controller refuses too, but can only say
// that something changed.)
func checkChanged(ctx context.Context, store nascent.Store, f *study.File, force bool) error {
	stored, err := store.Study(ctx, f.Name)
	if errors.Is(err, nascent.ErrNotFound) || (err == nil && stored.Fingerprint == f.Fingerprint()) || force {
		return nil
	}
	if err != nil {
		return err
	}
	what := "its space file's content"
	if old, perr := study.Parse(f.Path, stored.Config, lenientEnv); perr == nil {
		if changes := f.Changes(old); len(changes) > 0 {
			what = "its " + strings.Join(changes, ", ")
		}
	}
	return fmt.Errorf("study %q: %w: %s changed since it started on %s, so old and new trials "+
		"would not be comparable; "+
		"copy the study file under a new name (a study's database and trials folder are "+
		"named after its file), changing name:, storage: and trials_dir: too if it sets "+
		"them, or pass --force to continue anyway",
		f.Name, nascent.ErrConflict, what, stored.Created.Local().Format(time.DateTime))
}

// checkProgram reports a trial program that cannot be run, placed where
// the study file names it.
func checkProgram(f *study.File) error {
	if len(f.Trial.Command) == 0 {
		return nil // local.New says the command is empty
	}
	if err := local.CheckProgram(f.Trial.Command[0], f.Trial.Dir); err != nil {
		return f.ProgramError(err)
	}
	return nil
}
