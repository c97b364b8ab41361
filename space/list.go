package space

import (
	"encoding/binary"
	"math/big"
	"math/rand/v2"
	"strconv"
)

// choiceList is a list whose length is drawn uniformly from [min, max)
// and whose elements are each an independent pick of elem.
type choiceList struct {
	min, max int // length in [min, max), as in hannah
	elem     *choice
}

// listState is a sampled choice list: one choice state per element.
type listState []any

func (l *choiceList) sample(r *rand.Rand) any {
	n := l.min + r.IntN(l.max-l.min)
	st := make(listState, n)
	for i := range st {
		st[i] = l.elem.sample(r)
	}
	return st
}

func (l *choiceList) value(st any) any {
	s := st.(listState)
	out := make([]any, len(s))
	for i, e := range s {
		out[i] = l.elem.value(e)
	}
	return out
}

func (l *choiceList) hash(b []byte, st any) []byte {
	s := st.(listState)
	b = binary.AppendUvarint(append(b, tagList), uint64(len(s)))
	for _, e := range s {
		b = l.elem.hash(b, e)
	}
	return b
}

func (l *choiceList) json(b []byte, st any) []byte {
	b = append(b, '[')
	for i, e := range st.(listState) {
		if i > 0 {
			b = append(b, ',')
		}
		b = l.elem.json(b, e)
	}
	return append(b, ']')
}

func (l *choiceList) decode(v any, path string) (any, error) {
	vs, ok := v.([]any)
	if !ok {
		return nil, valueErrorf(path, "got %s, want a list", format(v))
	}
	if len(vs) < l.min || len(vs) >= l.max {
		return nil, valueErrorf(path, "list of length %d, want a length in [%d, %d)",
			len(vs), l.min, l.max)
	}
	st := make(listState, len(vs))
	for i, e := range vs {
		s, err := l.elem.decode(e, indexPath(path, i))
		if err != nil {
			return nil, err
		}
		st[i] = s
	}
	return st, nil
}

// canInsert and canDrop report whether a list of length n may grow or
// shrink by one and stay within [min, max).
func (l *choiceList) canInsert(n int) bool { return n+1 < l.max }
func (l *choiceList) canDrop(n int) bool   { return n > l.min }

// count offers, in this order: inserting a fresh element, dropping one,
// and the mutations of each element.
func (l *choiceList) count(st any) int {
	s := st.(listState)
	c := 0
	if l.canInsert(len(s)) {
		c++
	}
	if l.canDrop(len(s)) {
		c++
	}
	for _, e := range s {
		c += l.elem.count(e)
	}
	return c
}

func (l *choiceList) mutate(r *rand.Rand, st any, k int, path string) (any, string) {
	s := st.(listState)
	if l.canInsert(len(s)) {
		if k == 0 {
			return l.insert(r, s, path)
		}
		k--
	}
	if l.canDrop(len(s)) {
		if k == 0 {
			return l.drop(r, s, path)
		}
		k--
	}
	for i, e := range s {
		c := l.elem.count(e)
		if k >= c {
			k -= c
			continue
		}
		out := make(listState, len(s))
		copy(out, s)
		var desc string
		out[i], desc = l.elem.mutate(r, e, k, indexPath(path, i))
		return out, desc
	}
	panic("space: mutation index out of range")
}

// insert puts a freshly sampled element at a uniformly drawn position.
func (l *choiceList) insert(r *rand.Rand, s listState, path string) (any, string) {
	at := r.IntN(len(s) + 1)
	out := make(listState, 0, len(s)+1)
	out = append(out, s[:at]...)
	out = append(out, l.elem.sample(r))
	out = append(out, s[at:]...)
	return out, l.lengthChange(path, len(s), "insert", at, out[at])
}

// drop removes a uniformly drawn element.
func (l *choiceList) drop(r *rand.Rand, s listState, path string) (any, string) {
	at := r.IntN(len(s))
	out := make(listState, 0, len(s)-1)
	out = append(out, s[:at]...)
	out = append(out, s[at+1:]...)
	return out, l.lengthChange(path, len(s), "drop", at, s[at])
}

// lengthChange describes an insert or a drop of the element with state
// elem as "path: length 3 -> 4, insert [1] {...}".
func (l *choiceList) lengthChange(path string, n int, op string, at int, elem any) string {
	m := n + 1
	if op == "drop" {
		m = n - 1
	}
	if path == "" {
		path = "(top level)"
	}
	b := make([]byte, 0, 64)
	b = append(b, path...)
	b = append(b, ": length "...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, " -> "...)
	b = strconv.AppendInt(b, int64(m), 10)
	b = append(b, ", "...)
	b = append(b, op...)
	b = append(b, " ["...)
	b = strconv.AppendInt(b, int64(at), 10)
	b = append(b, "] "...)
	return string(appendHuman(b, l.elem, elem))
}

// stats counts the list's length as one parameter beside those of its
// elements. The size is the sum over lengths n in [min, max) of
// size(elem)^n.
func (l *choiceList) stats() (int, *big.Int) {
	params, es := l.elem.stats()
	if l.max-l.min > 1 {
		params++
	}
	size := new(big.Int)
	for n := l.min; n < l.max; n++ {
		size = sizeAdd(size, sizePow(es, n))
	}
	return params, size
}

func (l *choiceList) width() float64 { return 1 + float64(l.max-1)*l.elem.width() }

// mutable holds when the length can change, or when elements always
// exist and can always change.
func (l *choiceList) mutable() bool {
	return l.max-l.min > 1 || (l.min > 0 && l.elem.mutable())
}
