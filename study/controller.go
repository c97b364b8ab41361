package study

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/nascent-nas/nascent"
)

// Defaults of Controller, filled in by Run.
const (
	DefaultLeaseTTL      = 30 * time.Second
	DefaultMaxRejections = 1000
	DefaultMaxFailures   = 10
)

// Controller runs one study: the loop of ask, check, evaluate, tell, and
// the bookkeeping that lets it resume. The fields are set before Run and
// not changed after; zero values mean the documented defaults.
type Controller struct {
	// Store keeps the study; the study must exist in it (see Open).
	Store nascent.Store

	// Study is the stored study to run.
	Study nascent.Study

	// Optimizer proposes candidates. It must be fresh: Run replays the
	// stored trials into it before asking for anything new. If it is a
	// nascent.Replayer, in-flight trials are restored with Proposed;
	// otherwise they are asked again and must come back identical.
	Optimizer nascent.Optimizer

	// Evaluator runs the trials.
	Evaluator nascent.Evaluator

	// Cost, when not nil, computes cost metrics before launch; a
	// candidate whose cost breaks a constraint is rejected unevaluated.
	Cost nascent.CostModel

	// Constraints are checked against the cost metrics before launch.
	// Constraints on metrics the cost model does not give are left to
	// the optimizer, which sees them in the results.
	Constraints []nascent.Constraint

	// Objectives name the metrics reported as best so far.
	Objectives []nascent.Objective

	// Budget is the number of completed (or pruned) trials the study
	// ends with; failed, rejected and interrupted trials do not count.
	// It must be positive.
	Budget int

	// Parallel is the number of trials evaluated at once; zero means 1.
	Parallel int

	// Retries is how many times a failed trial is run again before it
	// counts as failed.
	Retries int

	// TrialsDir holds one directory per trial, named by its number with
	// six digits (000042). It belongs to the study: Run writes the
	// study's name into its MarkerName file and refuses a folder marked
	// for another study. Empty means the evaluator decides where trials
	// go, and nothing is checked.
	TrialsDir string

	// Owner names this controller in the study's lease; empty means
	// "host:pid:random". Worker names it in trial records; empty means
	// "host:pid".
	Owner  string
	Worker string

	// LeaseTTL is how long the lease lasts without a heartbeat; the
	// heartbeat renews it every third of that. Zero means
	// DefaultLeaseTTL.
	LeaseTTL time.Duration

	// MaxRejections stops the study after that many rejected candidates
	// in a row, a sign that the space is exhausted or the constraints
	// exclude nearly everything. Zero means DefaultMaxRejections; a
	// negative value never stops.
	MaxRejections int

	// Force continues a study whose stored fingerprint differs from
	// Study's: the stored config is replaced, and stored trials the
	// optimizer cannot replay are skipped with a warning.
	Force bool

	// MaxFailures stops the study after that many trials in a row failed
	// for good (after their retries), which usually means the trial
	// command itself is broken; the running trials are stopped and the
	// study can resume once it is fixed. Zero means DefaultMaxFailures;
	// a negative value never stops.
	MaxFailures int

	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger

	// Observer, when not nil, is told of progress.
	Observer Observer
}

// Observer follows a running study. Its methods are called from the
// controller's loop, one at a time, and should return quickly.
type Observer interface {
	// Ended is called when a trial reaches a state in which this run of
	// the controller leaves it (final, interrupted, or retried).
	Ended(t nascent.Trial, p Progress)
}

// Progress is a snapshot of a running study.
type Progress struct {
	Budget   int
	Done     int // trials that spent the budget: completed and pruned
	Running  int
	Failed   int
	Rejected int

	// Best holds the best value of each objective over completed trials;
	// an objective without a value is absent.
	Best map[string]float64

	// ETA estimates the time left from this run's pace; zero when there
	// is nothing to go on yet.
	ETA time.Duration
}

// Summary says how a run ended.
type Summary struct {
	Progress

	// Drained reports that the run stopped launching early, on request,
	// before the budget was spent.
	Drained bool
}

// TrialDir returns the directory of trial n under dir.
func TrialDir(dir string, n int) string {
	return filepath.Join(dir, fmt.Sprintf("%06d", n))
}

// ErrLeaseLost marks a run stopped because another controller took the
// study's lease. It wraps nascent.ErrConflict.
var ErrLeaseLost = fmt.Errorf("%w: lease lost", nascent.ErrConflict)

// Run resumes or starts the study and runs it until the budget is spent,
// drain is closed, or ctx is cancelled.
//
// Closing drain launches nothing new and lets running trials finish (the
// first Ctrl-C). Cancelling ctx stops running trials, records them as
// interrupted and returns ctx's error (the second Ctrl-C). Either way the
// study resumes with a later Run. Run returns an error wrapping
// nascent.ErrConflict when another live controller holds the study.
func (c *Controller) Run(ctx context.Context, drain <-chan struct{}) (Summary, error) {
	r, err := c.newRun(ctx)
	if err != nil {
		return Summary{}, err
	}
	defer r.close()

	// Rebuild the optimizer from the stored trials, then loop.
	if err := r.recover(); err != nil {
		return Summary{}, err
	}
	r.log.Info("running", "budget", c.Budget, "done", r.done, "parallel", c.parallel(),
		"trials", c.TrialsDir)
	err = r.loop(drain)
	sum := Summary{Progress: r.progress(), Drained: r.draining && r.done < c.Budget}
	if err == nil && r.ctx.Err() != nil {
		// Cancelled by the caller, or by the heartbeat on losing the
		// lease: the cause says which.
		err = context.Cause(r.ctx)
	}
	return sum, err
}

// errStop is returned by steps of the loop that found a reason to stop.
var errStop = errors.New("stop")
