package evo

import (
	"fmt"
	"math/rand/v2"

	"github.com/nascent-nas/nascent"
)

// Evolution is aging evolution (Real et al., AAAI 2019), run
// steady-state and asynchronously.
//
// The population is the PopulationSize most recently told feasible
// results. While the population and the trials in flight together number
// fewer than PopulationSize, Ask samples at random. After that, with
// probability Eps a child is random; otherwise SampleSize members are
// drawn uniformly with replacement, the best of them (see Selection) is the
// parent, and the child is one mutation of it. A new member pushes out the
// oldest, whatever its fitness: that aging is the regularisation of the
// paper's title.
//
// An Evolution is not safe for concurrent use.
type Evolution struct {
	ledger
	seed uint64
	eps  float64
	pcg  rand.PCG
	rng  *rand.Rand
	sel  selector

	// pop is a ring of members; when it is full, oldest is the index of
	// the member that dies next.
	pop    []member
	oldest int

	scratch []float64 // losses of the result being told
}

// member is one element of the population.
type member struct {
	trial int
	cand  nascent.Candidate
	loss  []float64 // one minimised value per objective
}

var (
	_ nascent.Optimizer = (*Evolution)(nil)
	_ nascent.Replayer  = (*Evolution)(nil)
)

// New returns aging evolution over s with the settings of cfg (zero values
// mean the documented defaults) and the given seed. It fails with an error
// wrapping nascent.ErrInvalid when a setting is out of range.
func New(s nascent.Space, cfg Config, seed uint64) (*Evolution, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	e := &Evolution{
		ledger: newLedger(s, cfg),
		seed:   seed,
		eps:    *cfg.Eps,
		pop:    make([]member, 0, cfg.PopulationSize),
	}
	e.rng = rand.New(&e.pcg)
	e.sel = newSelector(cfg)
	return e, nil
}

// Ask proposes the candidate for trial and records it as in flight. Its
// random source depends only on the seed and trial, so asks do not perturb
// each other. It fails with an error wrapping nascent.ErrConflict when
// trial was already proposed or told.
func (e *Evolution) Ask(trial int) (nascent.Proposal, error) {
	if err := e.checkAsk(trial); err != nil {
		return nascent.Proposal{}, err
	}
	e.pcg.Seed(e.seed, uint64(trial))

	// Draw until the candidate is new. Near a local optimum whose
	// neighbours were all evaluated, mutations keep repeating; then try
	// random candidates, and after that keep the last draw.
	var p nascent.Proposal
	for try := 0; try < 2*e.cfg.MaxTries; try++ {
		var err error
		if try < e.cfg.MaxTries {
			p, err = e.draw()
		} else {
			p = nascent.Proposal{Candidate: e.space.Sample(e.rng), Parent: -1}
		}
		if err != nil {
			return p, fmt.Errorf("evo: trial %d: %w", trial, err)
		}
		if !e.isDuplicate(p.Candidate.Hash) {
			break
		}
	}
	e.propose(trial, p.Candidate)
	return p, nil
}

// draw makes one candidate: random while the population fills, with
// probability eps, or else a mutation of a tournament's winner.
func (e *Evolution) draw() (nascent.Proposal, error) {
	filling := len(e.pop)+len(e.pending) < e.cfg.PopulationSize
	if filling || len(e.pop) == 0 || (e.eps > 0 && e.rng.Float64() < e.eps) {
		return nascent.Proposal{Candidate: e.space.Sample(e.rng), Parent: -1}, nil
	}
	parent := &e.pop[e.sel.tournament(e.rng, e.pop, e.cfg.SampleSize)]
	child, mutation, err := e.space.Mutate(e.rng, parent.cand)
	if err != nil {
		return nascent.Proposal{}, fmt.Errorf("mutate trial %d: %w", parent.trial, err)
	}
	return nascent.Proposal{Candidate: child, Parent: parent.trial, Mutation: mutation}, nil
}

// Proposed records that c was proposed for trial before a restart and that
// its result is still to come, exactly as Ask would have. A controller
// resuming a study calls it, in the stored order of calls, for each trial
// in flight at the crash, instead of asking again. A candidate without
// State (as stored) is decoded first.
func (e *Evolution) Proposed(trial int, c nascent.Candidate) error {
	return e.restore(trial, c)
}

// Tell reports the result of a trial, which need not have been asked
// in this process: replaying the stored results of a study in order
// rebuilds the optimizer. A candidate without State is decoded first.
//
// A result that failed, breaks a constraint, or lacks an objective or
// constraint metric never joins the population. For a missing or
// non-finite metric Tell still records the result (as failed) and returns
// an error wrapping nascent.ErrInvalid. Other errors (a trial told twice,
// wrapping nascent.ErrConflict; a candidate that does not decode) leave
// the optimizer unchanged.
func (e *Evolution) Tell(r nascent.Result) error {
	c, err := e.tell(r)
	if err != nil {
		return err
	}
	var feasible bool
	e.scratch, feasible, err = e.losses(r, e.scratch[:0])
	if feasible {
		e.join(r.Trial, c, e.scratch)
	}
	return err
}

// join adds a member to the population; the oldest member dies when it is
// full, and its loss storage is reused.
func (e *Evolution) join(trial int, c nascent.Candidate, loss []float64) {
	if len(e.pop) < e.cfg.PopulationSize {
		m := member{trial: trial, cand: c, loss: append([]float64(nil), loss...)}
		e.pop = append(e.pop, m)
	} else {
		m := &e.pop[e.oldest]
		m.trial, m.cand = trial, c
		m.loss = append(m.loss[:0], loss...)
		e.oldest = (e.oldest + 1) % len(e.pop)
	}
	e.sel.changed()
}
