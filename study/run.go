package study

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nascent-nas/nascent"
)

// run is the state of one Controller.Run. Only the goroutine of Run
// touches it, except results and handles, which evaluations send to.
type run struct {
	c      *Controller
	log    *slog.Logger
	ctx    context.Context // cancelled to stop running trials
	cancel context.CancelCauseFunc
	bg     context.Context // for store writes that must outlive ctx
	owner  string
	worker string

	trials   []*nascent.Trial // by number
	hashes   map[string]int   // candidate hash -> first trial with it
	ids      map[string]int   // identity (nascent.Identifier) -> first trial that ran
	pending  []int            // asked trials to (re-)run, in order
	dirty    []int            // trials to write at the next flush, in order
	dirtySet map[int]bool
	// dirtySince is when the oldest queued write was queued.
	dirtySince time.Time
	running    map[int]*nascent.Trial
	results    chan result
	handles    chan handle // attempts' handles, from evaluations
	nextSeq    int64
	draining   bool
	streak     int // rejections in a row
	failures   int // trials failed in a row, in this run

	done, failed, rejected int
	best                   map[string]float64
	started                time.Time
	finishedHere           int // trials evaluated by this run

	heartbeat chan struct{} // closed to stop the heartbeat
	beatDone  chan struct{}
}

// result is an evaluation's outcome on its way back to the loop.
type result struct {
	trial int
	out   nascent.Outcome
}

// handle is an attempt's handle on its way to the loop, to be stored.
type handle struct {
	trial, attempt int
	handle         string
}

func (c *Controller) newRun(ctx context.Context) (*run, error) {
	if c.Budget <= 0 {
		return nil, fmt.Errorf("study %q: %w: budget %d: want a positive number",
			c.Study.Name, nascent.ErrInvalid, c.Budget)
	}
	r := &run{
		c:         c,
		log:       c.Logger,
		bg:        context.WithoutCancel(ctx),
		owner:     c.Owner,
		worker:    c.Worker,
		hashes:    map[string]int{},
		ids:       map[string]int{},
		dirtySet:  map[int]bool{},
		running:   map[int]*nascent.Trial{},
		best:      map[string]float64{},
		started:   time.Now(),
		heartbeat: make(chan struct{}),
		beatDone:  make(chan struct{}),
	}
	r.ctx, r.cancel = context.WithCancelCause(ctx)
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	r.log = r.log.With("study", c.Study.Name)
	host, _ := os.Hostname()
	if r.worker == "" {
		r.worker = host + ":" + strconv.Itoa(os.Getpid())
	}
	if r.owner == "" {
		r.owner = host + ":" + strconv.Itoa(os.Getpid()) + ":" + nonce()
	}
	r.results = make(chan result, c.parallel())
	r.handles = make(chan handle, 2*c.parallel())

	// Claim the trials folder before anything is stored, so that a
	// study refused there leaves no trace. Create the study if it is
	// new, hold its lease, and make sure it is the same study as stored.
	if err := c.claimTrialsDir(ctx); err != nil {
		r.cancel(nil)
		return nil, err
	}
	err := c.Store.CreateStudy(ctx, c.Study)
	if err != nil && !errors.Is(err, nascent.ErrConflict) {
		r.cancel(nil)
		return nil, err
	}
	if err := r.acquire(); err != nil {
		r.cancel(nil)
		return nil, err
	}
	go r.beat()
	if err := r.checkStudy(); err != nil {
		r.close()
		return nil, err
	}
	return r, nil
}

// checkStudy refuses to continue a stored study whose fingerprint differs
// unless forced, in which case the stored config is replaced.
func (r *run) checkStudy() error {
	stored, err := r.c.Store.Study(r.ctx, r.c.Study.Name)
	if err != nil {
		return err
	}
	if stored.Fingerprint == r.c.Study.Fingerprint {
		return nil
	}
	if !r.c.Force {
		return conflictf("study %q: its search space, objectives, constraints, optimizer "+
			"or seed changed since it started (%s), so its trials would not be comparable; "+
			"copy the study file under a new name (a study's database and trials folder are "+
			"named after its file), changing name:, storage: and trials_dir: too if it sets "+
			"them, or pass --force to continue anyway",
			r.c.Study.Name, stored.Created.Local().Format(time.DateTime))
	}
	r.log.Warn("continuing a changed study, as forced")
	upd := stored
	upd.Config, upd.Fingerprint, upd.Seed = r.c.Study.Config, r.c.Study.Fingerprint, r.c.Study.Seed
	return r.c.Store.UpdateStudy(r.ctx, r.owner, upd)
}

func (c *Controller) parallel() int { return max(c.Parallel, 1) }

func (c *Controller) leaseTTL() time.Duration {
	if c.LeaseTTL <= 0 {
		return DefaultLeaseTTL
	}
	return c.LeaseTTL
}

func nonce() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b[:])
}

// acquire takes the study's lease. A lease held by a controller on this
// host whose process no longer exists is taken over at once; one held by
// a live or remote controller is refused until it expires.
func (r *run) acquire() error {
	name, ttl := r.c.Study.Name, r.c.leaseTTL()
	held, err := r.c.Store.Acquire(r.ctx, name, r.owner, "", ttl)
	if errors.Is(err, nascent.ErrConflict) && OwnerGone(held.Owner) {
		r.log.Info("taking over the lease of a dead controller", "owner", held.Owner)
		held, err = r.c.Store.Acquire(r.ctx, name, r.owner, held.Owner, ttl)
	}
	if errors.Is(err, nascent.ErrConflict) {
		return conflictf("study %q is run by another controller (%s, lease until %s); "+
			"stop it first, or if it died on another machine, wait until its lease expires",
			name, held.Owner, held.Expires.Local().Format(time.DateTime))
	}
	return err
}

// OwnerGone reports whether a lease owner "host:pid:nonce", as a
// Controller names itself by default, is a process of this host that no
// longer runs: it does not exist, or it is a zombie. It reports false for
// any other owner, such as one on another host, whose lease simply has
// to expire. A pid reused by another process looks alive.
func OwnerGone(owner string) bool {
	parts := strings.Split(owner, ":")
	if len(parts) != 3 {
		return false
	}
	host, _ := os.Hostname()
	pid, err := strconv.Atoi(parts[1])
	if parts[0] != host || err != nil || pid <= 0 {
		return false
	}
	err = syscall.Kill(pid, 0)
	if errors.Is(err, syscall.ESRCH) {
		return true
	}
	// A killed process whose parent has not reaped it yet still answers
	// kill(pid, 0); it is a zombie, state Z in /proc/PID/stat.
	stat, rerr := os.ReadFile("/proc/" + parts[1] + "/stat")
	if err != nil || rerr != nil {
		return false
	}
	i := strings.LastIndexByte(string(stat), ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}

// beat renews the lease until close; losing it stops the run.
func (r *run) beat() {
	defer close(r.beatDone)
	t := time.NewTicker(r.c.leaseTTL() / 3)
	defer t.Stop()
	for {
		select {
		case <-r.heartbeat:
			return
		case <-t.C:
		}
		_, err := r.c.Store.Acquire(r.bg, r.c.Study.Name, r.owner, "", r.c.leaseTTL())
		if errors.Is(err, nascent.ErrConflict) {
			r.log.Error("lease lost; stopping", "err", err)
			r.cancel(ErrLeaseLost)
			return
		}
		if err != nil {
			r.log.Warn("lease renewal", "err", err)
		}
	}
}

func (r *run) close() {
	close(r.heartbeat)
	<-r.beatDone
	r.cancel(nil)
	if err := r.c.Store.Release(r.bg, r.c.Study.Name, r.owner); err != nil {
		r.log.Warn("release lease", "err", err)
	}
}

// recover loads the stored trials and replays every Ask and Tell into
// the optimizer in the order they were first made, which rebuilds its
// state exactly. Trials that were asked but never finished (the
// controller died, or the user interrupted them) are queued to run again
// with the candidate they were given.
func (r *run) recover() error {
	stored, err := r.c.Store.Trials(r.ctx, r.c.Study.Name)
	if err != nil {
		return err
	}
	type event struct {
		seq  int64
		tell bool
		t    *nascent.Trial
	}
	var events []event
	for i := range stored {
		t := &stored[i]
		if t.Number != len(r.trials) {
			return fmt.Errorf("study %q: trial numbers skip from %d to %d: the store is damaged",
				r.c.Study.Name, len(r.trials)-1, t.Number)
		}
		r.trials = append(r.trials, t)
		events = append(events, event{t.AskSeq, false, t})
		if t.TellSeq >= 0 {
			events = append(events, event{t.TellSeq, true, t})
		}
		r.nextSeq = max(r.nextSeq, t.AskSeq+1, t.TellSeq+1)
	}
	sort.Slice(events, func(i, j int) bool { return events[i].seq < events[j].seq })
	for _, e := range events {
		err := r.replay(e.t, e.tell)
		if err != nil && r.c.Force {
			r.log.Warn("replay skipped a trial, as forced", "trial", e.t.Number, "err", err)
			continue
		}
		if err != nil {
			return err
		}
	}
	for _, t := range r.trials {
		r.count(t)
	}
	if len(r.pending) > 0 {
		r.log.Info("resuming unfinished trials", "count", len(r.pending))
	}
	return nil
}

// replay repeats one stored call to the optimizer.
func (r *run) replay(t *nascent.Trial, tell bool) error {
	if tell {
		return r.tell(t)
	}
	if _, ok := r.hashes[t.Candidate.Hash]; !ok {
		r.hashes[t.Candidate.Hash] = t.Number
	}
	if rp, ok := r.c.Optimizer.(nascent.Replayer); ok {
		if err := rp.Proposed(t.Number, t.Candidate); err != nil {
			return fmt.Errorf("replay trial %d: %w", t.Number, err)
		}
		return nil
	}
	p, err := r.c.Optimizer.Ask(t.Number)
	if err != nil {
		return fmt.Errorf("replay trial %d: %w", t.Number, err)
	}
	if p.Candidate.Hash != t.Candidate.Hash {
		return fmt.Errorf("replay trial %d: %w: the optimizer proposed %s, the store holds %s; "+
			"was the optimizer or the space changed?",
			t.Number, nascent.ErrConflict, p.Candidate.Hash, t.Candidate.Hash)
	}
	t.Candidate.State = p.Candidate.State
	return nil
}

// count adds a loaded trial to the tallies and the queue of trials to
// run again.
func (r *run) count(t *nascent.Trial) {
	if t.State != nascent.Rejected {
		r.remember(t)
	}
	switch {
	case t.State.Evaluated():
		if spendsBudget(t.State) {
			r.done++
		}
		if t.State == nascent.Failed {
			r.failed++
		}
		r.improve(t)
	case t.State == nascent.Rejected:
		r.rejected++
	default:
		r.pending = append(r.pending, t.Number)
	}
}

// improve updates the best values with a completed trial's metrics.
func (r *run) improve(t *nascent.Trial) {
	if t.State != nascent.Completed {
		return
	}
	for _, o := range r.c.Objectives {
		v, ok := t.Metrics[o.Name]
		if !ok {
			continue
		}
		b, seen := r.best[o.Name]
		if !seen || (o.Direction == nascent.Minimize && v < b) || (o.Direction == nascent.Maximize && v > b) {
			r.best[o.Name] = v
		}
	}
}

// tell reports a finished trial to the optimizer, exactly as stored, so
// that a replay tells the same. A result the optimizer finds invalid (a
// missing objective) is recorded by it as failed; that is logged, not
// fatal.
func (r *run) tell(t *nascent.Trial) error {
	res := nascent.Result{
		Trial:     t.Number,
		Candidate: t.Candidate,
		Metrics:   t.Metrics,
		Failed:    t.State != nascent.Completed,
	}
	err := r.c.Optimizer.Tell(res)
	if errors.Is(err, nascent.ErrInvalid) {
		r.log.Warn("optimizer refused a result", "trial", t.Number, "err", err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("tell trial %d: %w", t.Number, err)
	}
	return nil
}

func (r *run) seq() int64 {
	s := r.nextSeq
	r.nextSeq++
	return s
}

// save queues a trial's current state for the next group commit; the
// batch is written when the loop would wait, after flushDelay, or when it
// is full.
//
// Group commit keeps the stored event log a prefix of the real one: the
// batches are written in order, each in one transaction, and a trial's
// state is written whole at commit time. A crash loses at most the
// events of the last flushDelay; their trials were asked but not stored
// as finished, so the resumed study re-runs them, and the optimizer,
// replayed from the same prefix, proposes the same candidates again.
func (r *run) save(t *nascent.Trial) error {
	if len(r.dirty) == 0 {
		r.dirtySince = time.Now()
	}
	if !r.dirtySet[t.Number] {
		r.dirtySet[t.Number] = true
		r.dirty = append(r.dirty, t.Number)
	}
	if len(r.dirty) >= maxBatch {
		return r.flush()
	}
	return nil
}

// Group commit settings: a batch is written at most flushDelay after its
// first event, or at maxBatch trials.
const (
	flushDelay = 2 * time.Millisecond
	maxBatch   = 512
)

// flush writes the queued trials in one transaction.
func (r *run) flush() error {
	if len(r.dirty) == 0 {
		return nil
	}
	batch := make([]nascent.Trial, len(r.dirty))
	for i, n := range r.dirty {
		batch[i] = *r.trials[n]
		delete(r.dirtySet, n)
	}
	r.dirty = r.dirty[:0]
	return r.c.Store.SaveTrials(r.bg, r.c.Study.Name, r.owner, batch)
}

func (r *run) progress() Progress {
	p := Progress{
		Budget:   r.c.Budget,
		Done:     r.done,
		Running:  len(r.running),
		Failed:   r.failed,
		Rejected: r.rejected,
		Best:     make(map[string]float64, len(r.best)),
	}
	for k, v := range r.best {
		p.Best[k] = v
	}
	if r.finishedHere > 0 && r.done < r.c.Budget {
		per := time.Since(r.started) / time.Duration(r.finishedHere)
		p.ETA = per * time.Duration(r.c.Budget-r.done)
	}
	return p
}

func (r *run) observe(t *nascent.Trial) {
	if r.c.Observer != nil {
		r.c.Observer.Ended(*t, r.progress())
	}
}

// spendsBudget reports whether a trial that ended in state s counts
// toward the budget. The budget counts trials that gave a result:
// completed ones, and pruned ones once something prunes. A failed trial
// does not count, so that a study ends with as many results as asked
// for; max_failures stops a study whose trials keep failing.
func spendsBudget(s nascent.TrialState) bool {
	return s == nascent.Completed || s == nascent.Pruned
}

// identity returns the cost model's identity of t's candidate, or "" when
// the cost model has none or cannot tell.
func (r *run) identity(t *nascent.Trial) string {
	idr, ok := r.c.Cost.(nascent.Identifier)
	if !ok {
		return ""
	}
	id, err := idr.Identity(t.Candidate)
	if err != nil {
		return ""
	}
	return id
}

// remember records the identity of a trial that runs or ran.
func (r *run) remember(t *nascent.Trial) {
	if id := r.identity(t); id != "" {
		if _, seen := r.ids[id]; !seen {
			r.ids[id] = t.Number
		}
	}
}
