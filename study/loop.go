package study

import (
	"fmt"
	"strings"
	"time"

	"github.com/nascent-nas/nascent"
)

// loop launches trials while there is budget and room, and handles their
// results, until nothing runs and nothing more may start.
func (r *run) loop(drain <-chan struct{}) error {
	stopped := r.ctx.Done()
	var fatal error
	fail := func(err error) {
		// Stop the trials still running and record them; the study
		// resumes from the store.
		if fatal == nil {
			fatal = err
			r.draining = true
			r.cancel(err)
		}
	}
	for {
		if fatal == nil && !r.draining {
			if err := r.fill(); err != nil {
				fail(err)
			}
		}
		if len(r.running) == 0 {
			if err := r.flush(); err != nil {
				fail(err)
			}
			return fatal
		}

		// Wait for a result, writing the queued trials once the first
		// of them has waited flushDelay.
		var flushNow <-chan time.Time
		if len(r.dirty) > 0 {
			flushNow = time.After(time.Until(r.dirtySince.Add(flushDelay)))
		}
		select {
		case res := <-r.results:
			if err := r.finish(res); err != nil {
				fail(err)
			}
		case h := <-r.handles:
			r.setHandle(h)
		case <-flushNow:
			if err := r.flush(); err != nil {
				fail(err)
			}
		case <-drain:
			r.log.Info("draining: launching nothing new", "running", len(r.running))
			r.draining, drain = true, nil
		case <-stopped:
			r.draining, stopped = true, nil
		}
	}
}

// fill launches trials until the parallel slots or the budget are used.
// Unfinished trials from before a restart go first, in number order.
func (r *run) fill() error {
	for len(r.running) < r.c.parallel() && r.done+len(r.running) < r.c.Budget {
		if r.ctx.Err() != nil {
			r.draining = true
			return nil
		}
		if len(r.pending) > 0 {
			t := r.trials[r.pending[0]]
			r.pending = r.pending[1:]
			r.reap(t)
			if err := r.start(t); err != nil {
				return err
			}
			continue
		}
		if err := r.next(); err != nil {
			return err
		}
	}
	return nil
}

// next asks the optimizer for a new trial and launches or rejects it.
func (r *run) next() error {
	n := len(r.trials)
	p, err := r.c.Optimizer.Ask(n)
	if err != nil {
		return fmt.Errorf("ask trial %d: %w", n, err)
	}
	now := time.Now().UTC()
	t := &nascent.Trial{
		Number:    n,
		State:     nascent.Queued,
		Candidate: p.Candidate,
		Parent:    p.Parent,
		Mutation:  p.Mutation,
		Attempt:   1,
		ExitCode:  -1,
		AskSeq:    r.seq(),
		TellSeq:   -1,
		Queued:    now,
	}
	r.trials = append(r.trials, t)

	// Reject duplicates and candidates whose cost breaks a constraint
	// before they cost any budget.
	reason, costs := r.check(t)
	if _, dup := r.hashes[t.Candidate.Hash]; !dup {
		r.hashes[t.Candidate.Hash] = n
	}
	if reason == "" {
		r.streak = 0
		r.remember(t)
		return r.start(t)
	}
	return r.reject(t, reason, costs)
}

// check returns why t must be rejected, or "", and the cost metrics.
func (r *run) check(t *nascent.Trial) (string, map[string]float64) {
	if first, dup := r.hashes[t.Candidate.Hash]; dup {
		return fmt.Sprintf("duplicate of trial %d", first), nil
	}
	if r.c.Cost == nil {
		return "", nil
	}
	if first, dup := r.ids[r.identity(t)]; dup {
		return fmt.Sprintf("evaluates as trial %d does (same network)", first), nil
	}
	costs, err := r.c.Cost.Cost(t.Candidate)
	if err != nil {
		return fmt.Sprintf("cost: %v", err), nil
	}
	for _, con := range r.c.Constraints {
		v, ok := costs[con.Metric]
		if ok && !con.Holds(v) {
			return fmt.Sprintf("%s = %g breaks %s", con.Metric, v, con), costs
		}
	}
	return "", nil
}

// reject records a trial that will not run and tells the optimizer it is
// infeasible.
func (r *run) reject(t *nascent.Trial, reason string, costs map[string]float64) error {
	t.State, t.Reason, t.Metrics = nascent.Rejected, reason, costs
	t.TellSeq, t.Finished = r.seq(), time.Now().UTC()
	if err := r.save(t); err != nil {
		return err
	}
	if err := r.tell(t); err != nil {
		return err
	}
	r.rejected++
	r.observe(t)
	r.streak++
	if limit := r.maxRejections(); limit > 0 && r.streak >= limit {
		return fmt.Errorf("study %q: %d candidates rejected in a row (last: %s): the space may "+
			"be exhausted or the constraints too tight",
			r.c.Study.Name, r.streak, reason)
	}
	return nil
}

func (r *run) maxRejections() int {
	if r.c.MaxRejections == 0 {
		return DefaultMaxRejections
	}
	return r.c.MaxRejections
}

// start records a trial as running and evaluates it in a goroutine.
func (r *run) start(t *nascent.Trial) error {
	t.State, t.Worker, t.Started = nascent.Running, r.worker, time.Now().UTC()
	if err := r.save(t); err != nil {
		return err
	}
	r.running[t.Number] = t
	job := r.job(t)
	job.Report = r.reporter()
	job.Started = func(h string) {
		// A handle that finds the queue full is dropped: it only
		// matters if this controller dies, and the loop drains the
		// queue all the time.
		select {
		case r.handles <- handle{job.Trial, job.Attempt, h}:
		default:
		}
	}
	go func() {
		r.results <- result{job.Trial, r.c.Evaluator.Evaluate(r.ctx, job)}
	}()
	return nil
}

// job returns the job of t's current attempt.
func (r *run) job(t *nascent.Trial) nascent.Job {
	return nascent.Job{
		Study:     r.c.Study.Name,
		Trial:     t.Number,
		Attempt:   t.Attempt,
		Candidate: t.Candidate,
		Dir:       TrialDir(r.c.TrialsDir, t.Number),
	}
}

// setHandle stores the handle of a running attempt. A handle that comes
// after its attempt ended is stale and dropped.
func (r *run) setHandle(h handle) {
	t, ok := r.running[h.trial]
	if !ok || t.Attempt != h.attempt {
		return
	}
	t.Handle = h.handle
	if err := r.save(t); err != nil {
		r.log.Warn("store handle", "trial", t.Number, "err", err)
	}
}

// reap stops what is left of an attempt that a dead controller ran,
// before the trial runs again, if the evaluator can.
func (r *run) reap(t *nascent.Trial) {
	reaper, ok := r.c.Evaluator.(nascent.Reaper)
	if t.Handle == "" || !ok {
		return
	}
	if err := reaper.Reap(r.ctx, r.job(t), t.Handle); err != nil {
		r.log.Warn("stop what a dead controller left of a trial", "trial", t.Number, "err", err)
	}
	t.Handle = ""
}

// reporter returns the function that stores a trial's reports. Reports
// are best effort: one that cannot be stored is logged and dropped.
//
// TODO(study): each report is its own transaction, from the trial's
// goroutine; a trial reporting hundreds of times a second would slow the
// store. Group them like trial writes if that happens. Nothing prunes on
// reports yet either: the Pruned state waits for an early-stopping rule.
func (r *run) reporter() func(nascent.Report) {
	return func(rep nascent.Report) {
		err := r.c.Store.AddReports(r.bg, r.c.Study.Name, r.owner, []nascent.Report{rep})
		if err != nil {
			r.log.Warn("store report", "trial", rep.Trial, "err", err)
		}
	}
}

// finish records an attempt's outcome: completed and failed trials are
// told to the optimizer, failed ones may be retried first, interrupted
// ones wait for the next run.
func (r *run) finish(res result) error {
	t := r.running[res.trial]
	delete(r.running, res.trial)
	out := res.out
	t.Handle = "" // the attempt is over, and the evaluator cleaned up
	notes := earlierNotes(t)
	t.ExitCode, t.Reason = out.ExitCode, withNotes(out.Reason, notes, t.Attempt)
	now := time.Now().UTC()
	switch {
	case out.State == nascent.Completed:
		t.State, t.Metrics = nascent.Completed, out.Metrics
	case out.State == nascent.Failed && t.Attempt <= r.c.Retries && !r.draining:
		return r.retry(t, notes, out.Reason)
	case out.State == nascent.Failed && t.Attempt <= r.c.Retries:
		t.State = nascent.Interrupted
		t.Reason = joinNotes(notes, fmt.Sprintf("attempt %d: %s", t.Attempt, out.Reason))
		r.log.Info("retry left to the next run", "trial", t.Number)
		t.Attempt++
	case out.State == nascent.Failed:
		t.State = nascent.Failed
	default:
		t.State = nascent.Interrupted
	}
	t.Finished = now
	if t.State.Final() {
		t.TellSeq = r.seq()
	}
	if err := r.save(t); err != nil {
		return err
	}
	if t.State.Final() {
		if err := r.tell(t); err != nil {
			return err
		}
		if spendsBudget(t.State) {
			r.done++
		}
		r.finishedHere++
		r.improve(t)
	}
	r.observe(t)
	return r.countFailure(t)
}

// countFailure counts failed trials in a row and stops the study when
// there are too many.
func (r *run) countFailure(t *nascent.Trial) error {
	switch t.State {
	case nascent.Completed:
		r.failures = 0
		return nil
	case nascent.Failed:
		r.failed++
		r.failures++
	default:
		return nil
	}
	limit := r.c.MaxFailures
	if limit == 0 {
		limit = DefaultMaxFailures
	}
	if limit < 0 || r.failures < limit {
		return nil
	}
	return fmt.Errorf("study %q: %d trials failed in a row, the last (trial %d) with %s; "+
		"see %s for its output, fix the trial command, and run the study again",
		r.c.Study.Name, r.failures, t.Number, t.Reason, TrialDir(r.c.TrialsDir, t.Number))
}

// retry runs a failed trial again, with its attempt count raised. Its
// reason lists what happened to every attempt so far.
func (r *run) retry(t *nascent.Trial, notes, reason string) error {
	r.log.Info("retrying trial", "trial", t.Number, "attempt", t.Attempt, "reason", reason)
	t.Reason = joinNotes(notes, fmt.Sprintf("attempt %d: %s", t.Attempt, reason))
	r.observe(t)
	t.Attempt++
	return r.start(t)
}

// earlierNotes returns the notes of earlier attempts that retry left in a
// trial's reason, or "".
func earlierNotes(t *nascent.Trial) string {
	if t.Attempt > 1 && strings.HasPrefix(t.Reason, "attempt ") {
		return t.Reason
	}
	return ""
}

// withNotes returns the reason of attempt number attempt followed by
// the earlier attempts' notes, or by "(all N attempts)" when every
// earlier attempt ended for the same reason: reasons are often long
// (a last line of stderr), and repeating one says nothing new.
func withNotes(reason, notes string, attempt int) string {
	switch {
	case notes == "":
		return reason
	case reason == "":
		return notes
	case notes == attemptNotes(reason, attempt-1):
		return fmt.Sprintf("%s (all %d attempts)", reason, attempt)
	}
	return reason + " (earlier: " + notes + ")"
}

// attemptNotes returns the notes retry leaves when attempts 1 to n all
// ended for reason.
func attemptNotes(reason string, n int) string {
	notes := ""
	for i := 1; i <= n; i++ {
		notes = joinNotes(notes, fmt.Sprintf("attempt %d: %s", i, reason))
	}
	return notes
}

func joinNotes(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
