package evo

import (
	"math/rand/v2"

	"github.com/nascent-nas/nascent"
)

// Random is random search: every candidate is sampled from the space's
// prior, re-drawn when it duplicates an earlier proposal unless
// Config.AllowDuplicates is set. Of Config it uses AllowDuplicates,
// MaxTries, Objectives and Constraints (to check results the way Evolution
// does). It is not safe for concurrent use.
type Random struct {
	ledger
	seed    uint64
	pcg     rand.PCG
	rng     *rand.Rand
	scratch []float64
}

var (
	_ nascent.Optimizer = (*Random)(nil)
	_ nascent.Replayer  = (*Random)(nil)
)

// NewRandom returns random search over s with the given seed. It fails
// with an error wrapping nascent.ErrInvalid when a setting is out of range.
func NewRandom(s nascent.Space, cfg Config, seed uint64) (*Random, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	r := &Random{ledger: newLedger(s, cfg), seed: seed}
	r.rng = rand.New(&r.pcg)
	return r, nil
}

// Ask proposes a random candidate for trial, drawn from a source that
// depends only on the seed and trial. It fails with an error wrapping
// nascent.ErrConflict when trial was already proposed or told.
func (r *Random) Ask(trial int) (nascent.Proposal, error) {
	if err := r.checkAsk(trial); err != nil {
		return nascent.Proposal{}, err
	}
	r.pcg.Seed(r.seed, uint64(trial))
	c := r.space.Sample(r.rng)
	for try := 1; try < r.cfg.MaxTries && r.isDuplicate(c.Hash); try++ {
		c = r.space.Sample(r.rng)
	}
	r.propose(trial, c)
	return nascent.Proposal{Candidate: c, Parent: -1}, nil
}

// Proposed records that c was proposed for trial before a restart, as Ask
// would have.
func (r *Random) Proposed(trial int, c nascent.Candidate) error {
	return r.restore(trial, c)
}

// Tell records the result of a trial. Random search learns nothing from
// it beyond duplicate avoidance; it returns the same errors as
// Evolution.Tell.
func (r *Random) Tell(res nascent.Result) error {
	if _, err := r.tell(res); err != nil {
		return err
	}
	var err error
	r.scratch, _, err = r.losses(res, r.scratch[:0])
	return err
}
