package space

import (
	"bytes"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
)

// maxResample bounds the draws spent looking for a re-sampled sub-space
// that differs from the current one; after that a local mutation is used.
const maxResample = 64

// choice picks one of its options. Options that are numbers are ordered
// by value, and a mutation moves to a neighbour in that order; options of
// any other kind are categorical, and a mutation moves to any other one.
type choice struct {
	opts      []param
	constOnly bool // every option is a constant

	// rank[i] is the position of option i in value order and byRank its
	// inverse; both are nil for a categorical choice.
	rank   []int
	byRank []int
}

// choiceState is a sampled choice of an option that is not a constant:
// the option index and its sub-state. A choice of a constant option has
// the bare index as its state, which a small int holds without an
// allocation; choices of constants are most of a typical space.
type choiceState struct {
	i   int
	sub any
}

// makeChoice returns the state of option i with sub-state sub.
func makeChoice(i int, sub any) any {
	if sub == nil {
		return i
	}
	return &choiceState{i: i, sub: sub}
}

// splitChoice returns the option index and sub-state of a choice state.
func splitChoice(st any) (int, any) {
	if i, ok := st.(int); ok {
		return i, nil
	}
	s := st.(*choiceState)
	return s.i, s.sub
}

func newChoice(opts []param) *choice {
	c := &choice{opts: opts, constOnly: true}
	for _, o := range opts {
		if _, ok := o.(*constant); !ok {
			c.constOnly = false
		}
	}
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
	return makeChoice(i, c.opts[i].sample(r))
}

func (c *choice) value(st any) any {
	i, sub := splitChoice(st)
	return c.opts[i].value(sub)
}

func (c *choice) hash(b []byte, st any) []byte {
	i, sub := splitChoice(st)
	return c.opts[i].hash(b, sub)
}

func (c *choice) json(b []byte, st any) []byte {
	i, sub := splitChoice(st)
	return c.opts[i].json(b, sub)
}

// decode finds the first option that accepts v. Two options may produce
// the same value; the first one is then taken, which keeps Values, and so
// the hash, unchanged.
func (c *choice) decode(v any, path string) (any, error) {
	var first error
	for i, o := range c.opts {
		sub, err := o.decode(v, path)
		if err == nil {
			return makeChoice(i, sub), nil
		}
		if first == nil {
			first = err
		}
	}
	if len(c.opts) == 1 {
		return nil, first
	}
	return nil, valueErrorf(path, "%s is none of the %d choices%s", format(v), len(c.opts), c.list())
}

// list returns ": a, b, c" for a choice of few constants, to show in an
// error, or "" when the options are too many or are spaces.
func (c *choice) list() string {
	if len(c.opts) > 12 {
		return ""
	}
	var b strings.Builder
	for i, o := range c.opts {
		k, ok := o.(*constant)
		if !ok {
			return ""
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(format(k.v))
	}
	return b.String()
}

// count offers, in this order: the mutations of the active option; a move
// to another option when there is one; and a re-sample of the active
// option's sub-space when it has parameters.
func (c *choice) count(st any) int {
	i, sub := splitChoice(st)
	if sub == nil {
		// A constant option: only a move, when there is somewhere to go.
		return min(len(c.opts)-1, 1)
	}
	n := c.opts[i].count(sub)
	if len(c.opts) > 1 {
		n++
	}
	if c.opts[i].mutable() {
		n++
	}
	return n
}

func (c *choice) mutate(r *rand.Rand, st any, k int, path string) (any, string) {
	i, sub := splitChoice(st)
	o := c.opts[i]
	n := 0
	if sub != nil {
		n = o.count(sub)
	}
	if k < n {
		next, desc := o.mutate(r, sub, k, path)
		return makeChoice(i, next), desc
	}
	k -= n
	if len(c.opts) > 1 && k == 0 {
		return c.move(r, st, i, path)
	}
	return c.resample(r, i, sub, path)
}

// move switches to another option and samples its sub-space afresh.
func (c *choice) move(r *rand.Rand, st any, i int, path string) (any, string) {
	j := c.other(r, i)
	out := makeChoice(j, c.opts[j].sample(r))
	return out, describe(path, c, st, out)
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
func (c *choice) resample(r *rand.Rand, i int, sub any, path string) (any, string) {
	o := c.opts[i]
	old := o.hash(nil, sub)
	for range maxResample {
		next := o.sample(r)
		if !bytes.Equal(o.hash(nil, next), old) {
			return makeChoice(i, next), describe(path, o, sub, next)
		}
	}
	next, desc := o.mutate(r, sub, r.IntN(o.count(sub)), path)
	return makeChoice(i, next), desc
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

// describe renders a mutation of p from state old to state new as
// "path: old -> new": scalars plainly, lists and maps as compact JSON.
func describe(path string, p param, old, new any) string {
	if path == "" {
		path = "(top level)"
	}
	b := make([]byte, 0, 64)
	b = append(b, path...)
	b = append(b, ": "...)
	b = appendHuman(b, p, old)
	b = append(b, " -> "...)
	b = appendHuman(b, p, new)
	return string(b)
}

// appendHuman appends the value of state st of p as format would, but
// writes lists and maps from the state, without building them.
func appendHuman(b []byte, p param, st any) []byte {
	for {
		switch x := p.(type) {
		case *choice:
			var i int
			i, st = splitChoice(st)
			p = x.opts[i]
			continue
		case *constant:
			return append(b, format(x.v)...)
		case *interval:
			return append(b, format(x.value(st))...)
		}
		return p.json(b, st)
	}
}
