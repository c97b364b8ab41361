package space

import (
	"math/big"
	"math/rand/v2"
	"slices"
)

// maxResample bounds the draws spent looking for a re-sampled sub-space
// that differs from the current one; after that a local mutation is used.
const maxResample = 64

// choice picks one of its options. Options that are numbers are ordered
// by value, and a mutation moves to a neighbour in that order; options of
// any other kind are categorical, and a mutation moves to any other one.
type choice struct {
	opts []param

	// rank[i] is the position of option i in value order and byRank its
	// inverse; both are nil for a categorical choice.
	rank   []int
	byRank []int
}

// choiceState is a sampled choice: the option index and its sub-state.
type choiceState struct {
	i   int
	sub any
}

func newChoice(opts []param) *choice {
	c := &choice{opts: opts}
	vals := make([]float64, len(opts))
	for i, o := range opts {
		k, ok := o.(*constant)
		if !ok {
			return c
		}
		f, ok := number(k.v)
		if !ok {
			return c
		}
		vals[i] = f
	}
	c.byRank = make([]int, len(opts))
	for i := range c.byRank {
		c.byRank[i] = i
	}
	slices.SortStableFunc(c.byRank, func(a, b int) int {
		switch {
		case vals[a] < vals[b]:
			return -1
		case vals[a] > vals[b]:
			return 1
		}
		return 0
	})
	c.rank = make([]int, len(opts))
	for r, i := range c.byRank {
		c.rank[i] = r
	}
	return c
}

func (c *choice) sample(r *rand.Rand) any {
	i := r.IntN(len(c.opts))
	return &choiceState{i: i, sub: c.opts[i].sample(r)}
}

func (c *choice) value(st any) any {
	s := st.(*choiceState)
	return c.opts[s.i].value(s.sub)
}

// decode finds the first option that accepts v. Two options may produce
// the same value; the first one is then taken, which keeps Values, and so
// the hash, unchanged.
func (c *choice) decode(v any, path string) (any, error) {
	var first error
	for i, o := range c.opts {
		sub, err := o.decode(v, path)
		if err == nil {
			return &choiceState{i: i, sub: sub}, nil
		}
		if first == nil {
			first = err
		}
	}
	if len(c.opts) == 1 {
		return nil, first
	}
	return nil, valueErrorf(path, "%s is none of the %d choices", format(v), len(c.opts))
}

// count offers, in this order: the mutations of the active option; a move
// to another option when there is one; and a re-sample of the active
// option's sub-space when it has parameters.
func (c *choice) count(st any) int {
	s := st.(*choiceState)
	n := c.opts[s.i].count(s.sub)
	if len(c.opts) > 1 {
		n++
	}
	if c.opts[s.i].mutable() {
		n++
	}
	return n
}

func (c *choice) mutate(r *rand.Rand, st any, k int, path string) (any, string) {
	s := st.(*choiceState)
	o := c.opts[s.i]
	n := o.count(s.sub)
	if k < n {
		sub, desc := o.mutate(r, s.sub, k, path)
		return &choiceState{i: s.i, sub: sub}, desc
	}
	k -= n
	if len(c.opts) > 1 && k == 0 {
		return c.move(r, s, path)
	}
	return c.resample(r, s, path)
}

// move switches to another option and samples its sub-space afresh.
func (c *choice) move(r *rand.Rand, s *choiceState, path string) (any, string) {
	j := c.other(r, s.i)
	out := &choiceState{i: j, sub: c.opts[j].sample(r)}
	return out, describe(path, c.value(s), c.value(out))
}

// other returns the index of an option other than i: a neighbour in value
// order for numbers, any other option uniformly otherwise.
func (c *choice) other(r *rand.Rand, i int) int {
	n := len(c.opts)
	if c.rank == nil {
		j := r.IntN(n - 1)
		if j >= i {
			j++
		}
		return j
	}
	rk := c.rank[i]
	switch {
	case rk == 0:
		return c.byRank[1]
	case rk == n-1:
		return c.byRank[n-2]
	case r.IntN(2) == 0:
		return c.byRank[rk-1]
	}
	return c.byRank[rk+1]
}

// resample draws the active option's sub-space afresh until it differs.
// A sub-space that keeps giving the same value gets a local mutation
// instead, which always differs.
func (c *choice) resample(r *rand.Rand, s *choiceState, path string) (any, string) {
	o := c.opts[s.i]
	old := o.value(s.sub)
	for range maxResample {
		sub := o.sample(r)
		if v := o.value(sub); !equalValue(v, old) {
			return &choiceState{i: s.i, sub: sub}, describe(path, old, v)
		}
	}
	sub, desc := o.mutate(r, s.sub, r.IntN(o.count(s.sub)), path)
	return &choiceState{i: s.i, sub: sub}, desc
}

func (c *choice) stats() (int, *big.Int) {
	params, size := 0, new(big.Int)
	for _, o := range c.opts {
		np, ns := o.stats()
		params += np
		size = sizeAdd(size, ns)
	}
	if len(c.opts) > 1 {
		params++ // the pick itself
	}
	return params, size
}

func (c *choice) width() float64 {
	w := 0.0
	for _, o := range c.opts {
		w = max(w, o.width())
	}
	return w
}

func (c *choice) mutable() bool {
	return len(c.opts) > 1 || c.opts[0].mutable()
}

// describe renders a mutation as "path: old -> new".
func describe(path string, old, new any) string {
	if path == "" {
		path = "(top level)"
	}
	return path + ": " + format(old) + " -> " + format(new)
}
