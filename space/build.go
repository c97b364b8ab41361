package space

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Limits on what a space may hold. They keep sampling and counting cheap
// and a hostile file from exhausting memory; real spaces are far below.
const (
	maxNodes   = 100_000 // parameters and constants after alias expansion
	maxListLen = 1_000   // the exclusive max of a choice list
	maxWidth   = 1e6     // values in one sample
	maxExact   = 1 << 53 // integer bounds beyond this lose float64 precision
)

// builder turns ynodes into params, checking them and recording every
// problem it finds. Its methods return nil for a node that has errors,
// after checking as much of it as they can.
type builder struct {
	errs  *errorList
	nodes int
}

// param reads the value y at key path as a search space: lists are
// choices, mappings are parameters or nested spaces by their keys, and
// scalars are constants.
func (b *builder) param(y *ynode, path string) param {
	b.nodes++
	if b.nodes == maxNodes+1 {
		b.errs.add(y.pos, path,
			"space too large: more than %d nodes once aliases are expanded", maxNodes)
	}
	if b.nodes > maxNodes {
		return nil
	}
	switch y.kind {
	case ySeq:
		return b.choice(y, path)
	case yMap:
		return b.mapping(y, path)
	}
	return newConstant(y.val)
}

// mapping tells a parameter from a nested space by its keys. Keys lower
// and upper, or choices, make a parameter; hannah silently read a
// misspelt parameter as nested constants, so here any other key beside
// them is an error.
func (b *builder) mapping(y *ynode, path string) param {
	has := func(k string) bool { return y.get(k) != nil }
	switch {
	case has("lower") || has("upper"):
		return b.interval(y, path)
	case !has("choices"):
		if b.misspelt(y, path) {
			return nil
		}
		return b.nested(y, path)
	case has("min") || has("max"):
		return b.choiceList(y, path)
	case has("size"):
		return b.subset(y, path)
	case has("partitions") || has("partition"):
		return b.partition(y, path)
	}
	e, _ := y.entry("choices")
	b.errs.add(e.pos, path, "choices needs min and max (a choice list), "+
		"size (a subset) or partitions (a partition) beside it")
	return nil
}

// paramKeys are the keys of parameter mappings.
var paramKeys = []string{"choices", "min", "max", "size", "partitions", "partition",
	"lower", "upper", "integer", "int", "log", "step"}

// misspelt reports a mapping that looks like a parameter whose trigger
// key, choices, lower or upper, is misspelt, such as {min: 1, max: 3,
// choice: [a, b]}: hannah read such a mapping as constants. It takes a
// key near a trigger beside another parameter key as the sign, so that
// ordinary nested mappings, such as {min: 0, max: 1}, stay valid.
func (b *builder) misspelt(y *ynode, path string) bool {
	var near []yentry
	others := 0
	for _, e := range y.keys {
		switch {
		case contains(paramKeys, e.key):
			others++
		case closest(e.key, []string{"choices", "lower", "upper"}) != "":
			near = append(near, e)
		}
	}
	if len(near) == 0 || others+len(near) < 2 {
		return false
	}
	for _, e := range near {
		want := closest(e.key, []string{"choices", "lower", "upper"})
		b.errs.add(e.pos, joinKey(path, e.key),
			"unknown key beside parameter keys (did you mean %s?)", want)
	}
	return true
}

// nested reads a mapping whose keys are sampled independently. Keys that
// start and end with an underscore, such as _target_, are constants taken
// literally, whatever their value.
func (b *builder) nested(y *ynode, path string) param {
	n := &nested{}
	ok := true
	for _, e := range y.keys {
		var p param
		if isLiteralKey(e.key) {
			p = newConstant(literal(e.val))
		} else {
			p = b.param(e.val, joinKey(path, e.key))
		}
		if p == nil {
			ok = false
			continue
		}
		n.keys = append(n.keys, e.key)
		n.params = append(n.params, p)
	}
	if !ok {
		return nil
	}
	return n.index()
}

// isLiteralKey reports whether key is of the form _name_.
func isLiteralKey(key string) bool {
	return len(key) >= 2 && strings.HasPrefix(key, "_") && strings.HasSuffix(key, "_")
}

// literal returns the canonical value of y taken as plain data.
func literal(y *ynode) any {
	switch y.kind {
	case yMap:
		m := make(map[string]any, len(y.keys))
		for _, e := range y.keys {
			m[e.key] = literal(e.val)
		}
		return m
	case ySeq:
		l := make([]any, len(y.items))
		for i, it := range y.items {
			l[i] = literal(it)
		}
		return l
	}
	return y.val
}

// choice reads a list as a choice among its elements, each a space.
func (b *builder) choice(y *ynode, path string) param {
	if len(y.items) == 0 {
		b.errs.add(y.pos, path, "empty list: a choice needs at least one element")
		return nil
	}
	opts := make([]param, len(y.items))
	ok := true
	for i, it := range y.items {
		opts[i] = b.param(it, indexPath(path, i))
		ok = ok && opts[i] != nil
	}
	b.distinctConstants(y.items, opts, path)
	ok = b.missingCommas(y.items, path) && ok
	if !ok {
		return nil
	}
	return newChoice(opts)
}

// distinctConstants reports constant options that repeat an earlier one:
// a choice between equal values has no neighbour to move to.
func (b *builder) distinctConstants(items []*ynode, opts []param, path string) {
	for i, o := range opts {
		ci, ok := o.(*constant)
		if !ok {
			continue
		}
		for j := range i {
			if cj, ok := opts[j].(*constant); ok && equalValue(ci.v, cj.v) {
				b.errs.add(items[i].pos, indexPath(path, i),
					"duplicate choice %s (also at [%d])", format(ci.v), j)
				break
			}
		}
	}
}

// missingCommas reports the elements of a list of numbers that YAML read
// as strings because a comma was left out: [4 6, 8] is the choice between
// "4 6" and 8. Only a list whose other elements are all numbers is
// suspect, so that [relu, none] or [1, auto] stay valid; a quoted string
// is taken as meant.
func (b *builder) missingCommas(items []*ynode, path string) bool {
	var bad []int
	for i, it := range items {
		if it.kind != yScalar {
			return true
		}
		if _, ok := number(it.val); ok {
			continue
		}
		if numberRun(it) == nil {
			return true
		}
		bad = append(bad, i)
	}
	for _, i := range bad {
		fields := numberRun(items[i])
		b.errs.add(items[i].pos, indexPath(path, i),
			"%q looks like numbers missing a comma between them; write %s",
			items[i].val, strings.Join(fields, ", "))
	}
	return len(bad) == 0
}

// numberRun returns the numbers of an unquoted string that holds two or
// more numbers separated by blanks, such as "4 6", or nil.
func numberRun(y *ynode) []string {
	s, ok := y.val.(string)
	if !ok || !y.plain {
		return nil
	}
	fields := strings.Fields(s)
	if len(fields) < 2 {
		return nil
	}
	for _, f := range fields {
		// ParseFloat also takes inf, nan and hex; a number here is
		// written with decimal digits.
		if _, err := strconv.ParseFloat(f, 64); err != nil ||
			strings.Trim(f, "+-.0123456789eE") != "" ||
			strings.IndexAny(f, "0123456789") < 0 {
			return nil
		}
	}
	return fields
}

// checkKeys reports keys of a parameter mapping outside allowed.
func (b *builder) checkKeys(y *ynode, path, what string, allowed ...string) bool {
	ok := true
	for _, e := range y.keys {
		if contains(allowed, e.key) {
			continue
		}
		ok = false
		hint := ""
		if s := closest(e.key, allowed); s != "" {
			hint = fmt.Sprintf(" (did you mean %s?)", s)
		}
		b.errs.add(e.pos, joinKey(path, e.key), "unknown key in %s%s; allowed keys: %s",
			what, hint, strings.Join(allowed, ", "))
	}
	return ok
}

// require reports a missing key and returns the value of a present one.
func (b *builder) require(y *ynode, path, key, what string) *ynode {
	v := y.get(key)
	if v == nil {
		b.errs.add(y.pos, path, "missing key %s: %s", key, what)
	}
	return v
}

// number reads a numeric value; YAML reads 1e-3, without a dot, as a
// string, which deserves a precise hint.
func (b *builder) number(y *ynode, path string) (float64, bool) {
	if f, ok := number(y.val); ok && y.kind == yScalar {
		return f, true
	}
	if s, ok := y.val.(string); ok && y.kind == yScalar {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			b.errs.add(y.pos, path, "must be a number, got the string %q "+
				"(YAML reads a number without a dot as a string; write %s)", s, floatText(f))
			return 0, false
		}
	}
	b.errs.add(y.pos, path, "must be a number, got %s", describeY(y))
	return 0, false
}

// integer reads an integer value.
func (b *builder) integer(y *ynode, path string) (int64, bool) {
	if i, ok := y.val.(int64); ok && y.kind == yScalar {
		return i, true
	}
	b.errs.add(y.pos, path, "must be an integer, got %s", describeY(y))
	return 0, false
}

// boolean reads a bool value.
func (b *builder) boolean(y *ynode, path string) (bool, bool) {
	if v, ok := y.val.(bool); ok && y.kind == yScalar {
		return v, true
	}
	b.errs.add(y.pos, path, "must be true or false, got %s", describeY(y))
	return false, false
}

// describeY renders a YAML value for an error message.
func describeY(y *ynode) string {
	switch y.kind {
	case yMap:
		return "a mapping"
	case ySeq:
		return "a list"
	}
	switch v := y.val.(type) {
	case string:
		return "the string " + strconv.Quote(v)
	case nil:
		return "null"
	}
	return format(y.val)
}

// floatText formats f so that YAML reads it back as a float.
func floatText(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if strings.ContainsAny(s, ".n") { // n: NaN and Inf, never valid here
		return s
	}
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		return s[:i] + ".0" + s[i:]
	}
	return s + ".0"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// closest returns the element of candidates within edit distance 2 of s,
// or "" when there is none.
func closest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// exact reports whether f is an integer that float64 holds exactly.
func exact(f float64) bool { return f == math.Trunc(f) && math.Abs(f) <= maxExact }
