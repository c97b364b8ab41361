package nascent

import "math/rand/v2"

// Candidate is one point of a search space.
//
// Values is the canonical encoding: a tree of map[string]any, []any,
// string, int64, float64, bool and nil, and nothing else. It is what is
// stored, exported and handed to a trial. Hash is the stable hash of
// Values, set by the Space that made or decoded the candidate; two
// candidates with equal Values have equal hashes.
//
// State is the decoded form that the producing Space needs in order to
// mutate the candidate. It is private to that Space; it is nil for a
// candidate built by hand, and Space.Decode rebuilds it from Values.
type Candidate struct {
	Values map[string]any
	Hash   string
	State  any
}

// Space is a search space: it samples candidates and mutates them.
//
// Implementations draw all randomness from the *rand.Rand they are given,
// so the same source yields the same candidates. A Space is safe for
// concurrent use; the random sources passed to it are not.
type Space interface {
	// Sample draws a candidate from the space's prior.
	Sample(r *rand.Rand) Candidate

	// Mutate returns a child of parent that differs from it by exactly one
	// mutation, and a short human description of that mutation such as
	// "model.major_blocks[1].size: 3 -> 5". The parent must come from
	// this space (or from Decode).
	Mutate(r *rand.Rand, parent Candidate) (child Candidate, mutation string, err error)

	// Decode rebuilds a candidate, with its State and Hash, from stored
	// canonical Values. It fails with an ErrInvalid error when the values
	// are not a point of this space.
	Decode(values map[string]any) (Candidate, error)
}
