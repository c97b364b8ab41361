package space

import (
	"encoding/binary"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
)

// param is one node of a parsed search space. The state of a sampled
// point is private to the node type that made it; states are never
// modified after they are made, so a child shares unchanged subtrees with
// its parent.
type param interface {
	// sample draws a state from the node's prior.
	sample(r *rand.Rand) any

	// value returns the canonical value of a state.
	value(st any) any

	// hash appends the canonical encoding of value(st) to b, the bytes
	// appendCanon would append, without building the value.
	hash(b []byte, st any) []byte

	// json appends value(st) as compact JSON with sorted keys, as
	// appendJSON would, without building the value.
	json(b []byte, st any) []byte

	// decode rebuilds a state from a canonical value found at path.
	decode(v any, path string) (any, error)

	// count returns the number of mutations the state offers, its own and
	// those of the active nodes below it.
	count(st any) int

	// mutate applies mutation k, 0 <= k < count(st), to a state found at
	// path, returning the new state and a description of the change.
	mutate(r *rand.Rand, st any, k int, path string) (any, string)

	// stats returns the number of parameters defined at and below the
	// node, and the number of points it spans, nil when unbounded.
	stats() (params int, size *big.Int)

	// mutable reports whether every state of the node offers a mutation.
	mutable() bool

	// width returns the largest number of values a sample of the node
	// can hold, counting every scalar, list and map.
	width() float64
}

// constant is a fixed value: a scalar, or a key that starts and ends with
// an underscore such as _target_.
type constant struct {
	v   any
	enc []byte // appendCanon of v
	js  []byte // appendJSON of v
}

func newConstant(v any) *constant {
	return &constant{v: v, enc: appendCanon(nil, v), js: appendJSON(nil, v)}
}

func (c *constant) hash(b []byte, _ any) []byte { return append(b, c.enc...) }
func (c *constant) json(b []byte, _ any) []byte { return append(b, c.js...) }

func (c *constant) sample(*rand.Rand) any { return nil }
func (c *constant) value(any) any         { return fresh(c.v) }
func (c *constant) count(any) int         { return 0 }
func (c *constant) mutable() bool         { return false }
func (c *constant) width() float64        { return 1 }

func (c *constant) stats() (int, *big.Int) { return 0, big.NewInt(1) }

func (c *constant) decode(v any, path string) (any, error) {
	if !equalValue(v, c.v) {
		return nil, valueErrorf(path, "got %s, want the constant %s", format(v), format(c.v))
	}
	return nil, nil
}

func (c *constant) mutate(_ *rand.Rand, st any, _ int, _ string) (any, string) {
	panic("space: mutate of a constant")
}

// nested is a mapping whose keys are sampled independently.
type nested struct {
	keys   []string // in file order
	params []param

	// sorted lists the indexes of keys in sorted order, and keyEnc their
	// canonical encodings, for hashing; set by index.
	sorted []int
	keyEnc [][]byte
	keyJS  [][]byte // JSON of each key and its colon

	// counts holds, for each param whose mutation count does not depend
	// on its state, that count, and -1 for the others; fixed is their
	// sum when all are fixed, else -1. Counting is then a lookup for most
	// of a space.
	counts []int
	fixed  int
}

// fixedCount returns the number of mutations p offers in every state, or
// -1 when it depends on the state.
func fixedCount(p param) int {
	switch x := p.(type) {
	case *constant:
		return 0
	case *interval, *subset, *partition:
		return p.count(nil) // they offer the same in every state
	case *choice:
		if x.constOnly {
			return min(len(x.opts)-1, 1)
		}
	case *nested:
		return x.fixed
	}
	return -1
}

// index prepares the hashing tables once keys and params are complete.
func (n *nested) index() *nested {
	n.sorted = make([]int, len(n.keys))
	for i := range n.sorted {
		n.sorted[i] = i
	}
	slices.SortFunc(n.sorted, func(a, b int) int { return strings.Compare(n.keys[a], n.keys[b]) })
	n.keyEnc = make([][]byte, len(n.keys))
	n.keyJS = make([][]byte, len(n.keys))
	for i, k := range n.keys {
		n.keyEnc[i] = appendString(nil, k)
		n.keyJS[i] = append(appendJSONString(nil, k), ':')
	}
	n.counts = make([]int, len(n.params))
	n.fixed = 0
	for i, p := range n.params {
		n.counts[i] = fixedCount(p)
		if n.counts[i] < 0 || n.fixed < 0 {
			n.fixed = -1
		} else {
			n.fixed += n.counts[i]
		}
	}
	return n
}

// childCount returns the number of mutations child i offers in state st.
func (n *nested) childCount(i int, st any) int {
	if c := n.counts[i]; c >= 0 {
		return c
	}
	return n.params[i].count(st)
}

func (n *nested) json(b []byte, st any) []byte {
	s := st.([]any)
	b = append(b, '{')
	for j, i := range n.sorted {
		if j > 0 {
			b = append(b, ',')
		}
		b = append(b, n.keyJS[i]...)
		b = n.params[i].json(b, s[i])
	}
	return append(b, '}')
}

func (n *nested) hash(b []byte, st any) []byte {
	s := st.([]any)
	b = binary.AppendUvarint(append(b, tagMap), uint64(len(n.keys)))
	for _, i := range n.sorted {
		b = append(b, n.keyEnc[i]...)
		b = n.params[i].hash(b, s[i])
	}
	return b
}

func (n *nested) sample(r *rand.Rand) any {
	st := make([]any, len(n.params))
	for i, p := range n.params {
		st[i] = p.sample(r)
	}
	return st
}

func (n *nested) value(st any) any {
	s := st.([]any)
	m := make(map[string]any, len(n.keys))
	for i, p := range n.params {
		m[n.keys[i]] = p.value(s[i])
	}
	return m
}

func (n *nested) decode(v any, path string) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, valueErrorf(path, "got %s, want a mapping", format(v))
	}
	st := make([]any, len(n.params))
	for i, p := range n.params {
		key := n.keys[i]
		kv, ok := m[key]
		if !ok {
			return nil, valueErrorf(joinKey(path, key), "missing")
		}
		s, err := p.decode(kv, joinKey(path, key))
		if err != nil {
			return nil, err
		}
		st[i] = s
	}
	if len(m) != len(n.keys) {
		for k := range m {
			if !n.has(k) {
				return nil, valueErrorf(joinKey(path, k), "not a key of the space")
			}
		}
	}
	return st, nil
}

func (n *nested) has(key string) bool {
	for _, k := range n.keys {
		if k == key {
			return true
		}
	}
	return false
}

func (n *nested) count(st any) int {
	if n.fixed >= 0 {
		return n.fixed
	}
	s := st.([]any)
	c := 0
	for i := range n.params {
		c += n.childCount(i, s[i])
	}
	return c
}

func (n *nested) mutate(r *rand.Rand, st any, k int, path string) (any, string) {
	s := st.([]any)
	for i, p := range n.params {
		c := n.childCount(i, s[i])
		if k >= c {
			k -= c
			continue
		}
		out := make([]any, len(s))
		copy(out, s)
		var desc string
		out[i], desc = p.mutate(r, s[i], k, joinKey(path, n.keys[i]))
		return out, desc
	}
	panic("space: mutation index out of range")
}

func (n *nested) stats() (int, *big.Int) {
	params, size := 0, big.NewInt(1)
	for _, p := range n.params {
		np, ns := p.stats()
		params += np
		size = sizeMul(size, ns)
	}
	return params, size
}

func (n *nested) width() float64 {
	w := 1.0
	for _, p := range n.params {
		w += p.width()
	}
	return w
}

func (n *nested) mutable() bool {
	for _, p := range n.params {
		if p.mutable() {
			return true
		}
	}
	return false
}
