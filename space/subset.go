package space

import (
	"encoding/binary"
	"math/big"
	"math/rand/v2"
	"slices"
)

// subset is size distinct elements of choices. Its value lists them in
// the order of choices, so that equal sets have equal values.
type subset struct {
	choices []any    // canonical, distinct
	enc     [][]byte // appendCanon of each choice
	size    int
}

// subsetState holds the chosen indexes in increasing order.
type subsetState []int

func (s *subset) sample(r *rand.Rand) any {
	// A partial Fisher-Yates shuffle draws size distinct indexes.
	perm := make([]int, len(s.choices))
	for i := range perm {
		perm[i] = i
	}
	for i := 0; i < s.size; i++ {
		j := i + r.IntN(len(perm)-i)
		perm[i], perm[j] = perm[j], perm[i]
	}
	st := subsetState(perm[:s.size:s.size])
	slices.Sort(st)
	return st
}

func (s *subset) value(st any) any {
	idx := st.(subsetState)
	out := make([]any, len(idx))
	for i, k := range idx {
		out[i] = fresh(s.choices[k])
	}
	return out
}

func (s *subset) hash(b []byte, st any) []byte {
	idx := st.(subsetState)
	b = binary.AppendUvarint(append(b, tagList), uint64(len(idx)))
	for _, k := range idx {
		b = append(b, s.enc[k]...)
	}
	return b
}

func (s *subset) json(b []byte, st any) []byte {
	return appendJSON(b, s.value(st))
}

func (s *subset) decode(v any, path string) (any, error) {
	vs, ok := v.([]any)
	if !ok || len(vs) != s.size {
		return nil, valueErrorf(path, "got %s, want a list of %d of the choices",
			format(v), s.size)
	}
	st := make(subsetState, len(vs))
	for i, e := range vs {
		k := indexOf(s.choices, e)
		if k < 0 {
			return nil, valueErrorf(indexPath(path, i), "%s is not one of the choices", format(e))
		}
		st[i] = k
	}
	slices.Sort(st)
	for i := 1; i < len(st); i++ {
		if st[i] == st[i-1] {
			return nil, valueErrorf(path, "%s appears twice", format(s.choices[st[i]]))
		}
	}
	return st, nil
}

// indexOf returns the index of the first element of vs equal to v, or -1.
func indexOf(vs []any, v any) int {
	for i, c := range vs {
		if equalValue(c, v) {
			return i
		}
	}
	return -1
}

func (s *subset) count(any) int {
	if s.mutable() {
		return 1
	}
	return 0
}

func (s *subset) mutable() bool { return s.size > 0 && s.size < len(s.choices) }

// mutate swaps one chosen element for one not chosen.
func (s *subset) mutate(r *rand.Rand, st any, _ int, path string) (any, string) {
	idx := st.(subsetState)
	out := slices.Clone(idx)
	out[r.IntN(len(out))] = s.unchosen(r, idx)
	slices.Sort(out)
	return out, describe(path, s, idx, out)
}

// unchosen draws uniformly an index not in the sorted idx.
func (s *subset) unchosen(r *rand.Rand, idx subsetState) int {
	j := r.IntN(len(s.choices) - len(idx))
	for _, k := range idx {
		if k <= j {
			j++
		}
	}
	return j
}

func (s *subset) stats() (int, *big.Int) {
	if !s.mutable() {
		return 0, big.NewInt(1)
	}
	return 1, binomialSize(len(s.choices), s.size)
}

func (s *subset) width() float64 { return 1 + float64(s.size) }

// partition splits choices into k non-empty groups. Groups are numbered:
// moving every element of group 0 to group 1 and back gives a different
// point. Within a group, elements keep the order of choices.
type partition struct {
	choices []any    // canonical, distinct
	enc     [][]byte // appendCanon of each choice
	k       int
}

// encodeAll returns the canonical encoding of each value.
func encodeAll(vs []any) [][]byte {
	enc := make([][]byte, len(vs))
	for i, v := range vs {
		enc[i] = appendCanon(nil, v)
	}
	return enc
}

// partitionState holds the group of each element of choices.
type partitionState []int

// sample first gives each group one element, so none is empty, then puts
// every other element in a uniformly drawn group. Every partition can be
// drawn, though not all with the same probability.
func (p *partition) sample(r *rand.Rand) any {
	st := make(partitionState, len(p.choices))
	perm := r.Perm(len(p.choices))
	for i, e := range perm {
		if i < p.k {
			st[e] = i
		} else {
			st[e] = r.IntN(p.k)
		}
	}
	return st
}

func (p *partition) value(st any) any {
	g := st.(partitionState)
	groups := make([]any, p.k)
	for i := range groups {
		groups[i] = []any{}
	}
	for e, gi := range g {
		groups[gi] = append(groups[gi].([]any), fresh(p.choices[e]))
	}
	return groups
}

func (p *partition) hash(b []byte, st any) []byte {
	g := st.(partitionState)
	b = binary.AppendUvarint(append(b, tagList), uint64(p.k))
	var small [16]int
	sizes := small[:0]
	if p.k > len(small) {
		sizes = make([]int, 0, p.k)
	}
	sizes = sizes[:p.k]
	clear(sizes)
	for _, gi := range g {
		sizes[gi]++
	}
	for gi := range p.k {
		b = binary.AppendUvarint(append(b, tagList), uint64(sizes[gi]))
		for e, ge := range g {
			if ge == gi {
				b = append(b, p.enc[e]...)
			}
		}
	}
	return b
}

func (p *partition) json(b []byte, st any) []byte {
	return appendJSON(b, p.value(st))
}

func (p *partition) decode(v any, path string) (any, error) {
	groups, ok := v.([]any)
	if !ok || len(groups) != p.k {
		return nil, valueErrorf(path, "got %s, want a list of %d groups", format(v), p.k)
	}
	st := make(partitionState, len(p.choices))
	for i := range st {
		st[i] = -1
	}
	for gi, g := range groups {
		gpath := indexPath(path, gi)
		elems, ok := g.([]any)
		if !ok || len(elems) == 0 {
			return nil, valueErrorf(gpath, "got %s, want a non-empty list of choices", format(g))
		}
		for j, e := range elems {
			k := indexOf(p.choices, e)
			switch {
			case k < 0:
				return nil, valueErrorf(indexPath(gpath, j), "%s is not one of the choices", format(e))
			case st[k] >= 0:
				return nil, valueErrorf(indexPath(gpath, j), "%s appears twice", format(e))
			}
			st[k] = gi
		}
	}
	for k, gi := range st {
		if gi < 0 {
			return nil, valueErrorf(path, "%s is in no group", format(p.choices[k]))
		}
	}
	return st, nil
}

func (p *partition) count(any) int {
	if p.mutable() {
		return 1
	}
	return 0
}

func (p *partition) mutable() bool { return p.k > 1 }

// mutate moves one element, drawn among those whose group keeps another,
// to another group drawn uniformly. When every group holds one element,
// nothing can move without emptying a group, and two elements swap
// groups instead.
func (p *partition) mutate(r *rand.Rand, st any, _ int, path string) (any, string) {
	g := st.(partitionState)
	out := slices.Clone(g)
	if len(g) == p.k {
		a := r.IntN(len(g))
		b := r.IntN(len(g) - 1)
		if b >= a {
			b++
		}
		out[a], out[b] = g[b], g[a]
		return out, describe(path, p, g, out)
	}
	sizes := make([]int, p.k)
	for _, gi := range g {
		sizes[gi]++
	}
	var movable []int
	for e, gi := range g {
		if sizes[gi] > 1 {
			movable = append(movable, e)
		}
	}
	e := movable[r.IntN(len(movable))]
	to := r.IntN(p.k - 1)
	if to >= g[e] {
		to++
	}
	out[e] = to
	return out, describe(path, p, g, out)
}

// stats counts the surjections of the choices onto the numbered groups.
func (p *partition) stats() (int, *big.Int) {
	if p.k == 1 {
		return 0, big.NewInt(1)
	}
	return 1, surjectionSize(len(p.choices), p.k)
}

func (p *partition) width() float64 { return 1 + float64(p.k+len(p.choices)) }
