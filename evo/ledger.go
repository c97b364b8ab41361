package evo

import (
	"fmt"
	"math"

	"github.com/nascent-nas/nascent"
)

// ledger is the bookkeeping shared by the optimizers: which trials were
// proposed and told, and which candidate hashes were already proposed, for
// duplicate avoidance.
type ledger struct {
	space nascent.Space
	cfg   Config

	// seen holds the hash of every candidate proposed or told, when
	// duplicates are avoided; nil otherwise.
	seen map[string]struct{}

	// pending holds the proposed trials whose results are still to come,
	// in the order proposed. Few trials are in flight at once, so a slice
	// beats a map.
	pending []inflight

	// told[t] reports that trial t's result was told, for t below
	// denseTrials; toldFar holds larger trial numbers, so that a stray
	// huge number cannot make the slice huge.
	told    []bool
	toldFar map[int]bool
}

// inflight is a proposed trial awaiting its result.
type inflight struct {
	trial int
	hash  string
}

func newLedger(s nascent.Space, cfg Config) ledger {
	l := ledger{space: s, cfg: cfg}
	if !cfg.AllowDuplicates {
		l.seen = make(map[string]struct{})
	}
	return l
}

// checkAsk returns an error when trial cannot be proposed now.
func (l *ledger) checkAsk(trial int) error {
	if trial < 0 {
		return invalidf("trial %d: want a number >= 0", trial)
	}
	if l.pendingAt(trial) >= 0 || l.isTold(trial) {
		return fmt.Errorf("evo: %w: trial %d was already proposed", nascent.ErrConflict, trial)
	}
	return nil
}

// isDuplicate reports whether a candidate with this hash must be drawn
// again.
func (l *ledger) isDuplicate(hash string) bool {
	if l.seen == nil {
		return false
	}
	_, ok := l.seen[hash]
	return ok
}

// decode returns c with State and Hash rebuilt by the space when it comes
// without State, as a stored candidate does.
func (l *ledger) decode(trial int, c nascent.Candidate) (nascent.Candidate, error) {
	if c.State != nil || c.Values == nil {
		return c, nil
	}
	d, err := l.space.Decode(c.Values)
	if err != nil {
		return c, fmt.Errorf("evo: trial %d: %w", trial, err)
	}
	return d, nil
}

// restore records that c was proposed for trial before a restart.
func (l *ledger) restore(trial int, c nascent.Candidate) error {
	if err := l.checkAsk(trial); err != nil {
		return err
	}
	c, err := l.decode(trial, c)
	if err != nil {
		return err
	}
	l.propose(trial, c)
	return nil
}

// propose records that c is in flight for trial.
func (l *ledger) propose(trial int, c nascent.Candidate) {
	l.pending = append(l.pending, inflight{trial, c.Hash})
	if l.seen != nil {
		l.seen[c.Hash] = struct{}{}
	}
}

// pendingAt returns the index of trial in pending, or -1.
func (l *ledger) pendingAt(trial int) int {
	for i, p := range l.pending {
		if p.trial == trial {
			return i
		}
	}
	return -1
}

func (l *ledger) isTold(trial int) bool {
	if trial >= denseTrials {
		return l.toldFar[trial]
	}
	return trial < len(l.told) && l.told[trial]
}

// denseTrials bounds the trial numbers kept in ledger.told.
const denseTrials = 1 << 20

func (l *ledger) markTold(trial int) {
	if trial >= denseTrials {
		if l.toldFar == nil {
			l.toldFar = make(map[int]bool)
		}
		l.toldFar[trial] = true
		return
	}
	for len(l.told) <= trial {
		l.told = append(l.told, false)
	}
	l.told[trial] = true
}

// tell records r as told and returns its candidate, decoded when it came
// without State (a stored candidate replayed on resume). It changes
// nothing when it returns an error.
func (l *ledger) tell(r nascent.Result) (nascent.Candidate, error) {
	// Check the call.
	if r.Trial < 0 {
		return r.Candidate, invalidf("trial %d: want a number >= 0", r.Trial)
	}
	if l.isTold(r.Trial) {
		return r.Candidate, fmt.Errorf("evo: %w: trial %d was already told",
			nascent.ErrConflict, r.Trial)
	}
	c, err := l.decode(r.Trial, r.Candidate)
	if err != nil {
		return c, err
	}

	// Record it.
	l.markTold(r.Trial)
	if i := l.pendingAt(r.Trial); i >= 0 {
		l.pending = append(l.pending[:i], l.pending[i+1:]...)
	}
	if l.seen != nil {
		l.seen[c.Hash] = struct{}{}
	}
	return c, nil
}

// losses turns a result's metrics into one minimised value per objective:
// v for a minimised metric and -v for a maximised one. It returns
// feasible = false when the result failed or breaks a constraint, and an
// error wrapping nascent.ErrInvalid when an objective or constraint metric
// is missing or not finite.
func (l *ledger) losses(r nascent.Result, dst []float64) (
	loss []float64, feasible bool, err error) {
	if r.Failed {
		return dst, false, nil
	}
	for _, o := range l.cfg.Objectives {
		v, ok := r.Metrics[o.Name]
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			return dst, false, metricError(r, o.Name, v, ok)
		}
		if o.Direction == nascent.Maximize {
			v = -v
		}
		dst = append(dst, v)
	}
	for _, c := range l.cfg.Constraints {
		v, ok := r.Metrics[c.Metric]
		if !ok || math.IsNaN(v) {
			return dst, false, metricError(r, c.Metric, v, ok)
		}
		if !c.Holds(v) {
			return dst, false, nil
		}
	}
	return dst, true, nil
}

func metricError(r nascent.Result, name string, v float64, ok bool) error {
	if !ok {
		return fmt.Errorf("evo: %w: trial %d: metric %q missing; counted as failed",
			nascent.ErrInvalid, r.Trial, name)
	}
	return fmt.Errorf("evo: %w: trial %d: metric %q is %g; counted as failed",
		nascent.ErrInvalid, r.Trial, name, v)
}
