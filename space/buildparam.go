package space

import (
	"math"
)

// interval reads lower, upper, integer (alias int), log and step.
func (b *builder) interval(y *ynode, path string) param {
	ok := b.checkKeys(y, path, "an interval", "lower", "upper", "integer", "int", "log", "step")
	iv := &interval{}
	lo := b.require(y, path, "lower", "an interval needs lower and upper")
	up := b.require(y, path, "upper", "an interval needs lower and upper")
	if lo == nil || up == nil {
		return nil
	}
	var okLo, okUp bool
	iv.lower, okLo = b.number(lo, joinKey(path, "lower"))
	iv.upper, okUp = b.number(up, joinKey(path, "upper"))
	if !okLo || !okUp || !b.intervalFlags(y, path, iv) {
		return nil
	}
	if !b.intervalBounds(y, path, iv) || !ok {
		return nil
	}
	return iv
}

// intervalFlags reads integer (or int), log and step.
func (b *builder) intervalFlags(y *ynode, path string, iv *interval) bool {
	ok := true
	ie, hasInteger := y.entry("integer")
	_, hasInt := y.entry("int")
	switch {
	case hasInteger && hasInt:
		b.errs.add(ie.pos, joinKey(path, "integer"), "integer and its alias int both given; keep one")
		ok = false
	case hasInteger || hasInt:
		key := "integer"
		if hasInt {
			key = "int"
		}
		var good bool
		iv.integer, good = b.boolean(y.get(key), joinKey(path, key))
		ok = ok && good
	}
	if v := y.get("log"); v != nil {
		var good bool
		iv.log, good = b.boolean(v, joinKey(path, "log"))
		ok = ok && good
	}
	if v := y.get("step"); v != nil {
		var good bool
		iv.step, good = b.number(v, joinKey(path, "step"))
		ok = ok && good
	}
	return ok
}

// intervalBounds checks the bounds against each other and the flags, and
// sets the grid size of a discrete interval.
func (b *builder) intervalBounds(y *ynode, path string, iv *interval) bool {
	lo, up := y.get("lower").pos, y.get("upper").pos
	lpath, upath := joinKey(path, "lower"), joinKey(path, "upper")
	ok := true
	if iv.integer {
		if !exact(iv.lower) {
			b.errs.add(lo, lpath, "must be an integer of at most 2^53 "+
				"when integer is true, got %g", iv.lower)
			ok = false
		}
		if !exact(iv.upper) {
			b.errs.add(up, upath, "must be an integer of at most 2^53 "+
				"when integer is true, got %g", iv.upper)
			ok = false
		}
	}
	if iv.upper <= iv.lower {
		b.errs.add(up, upath, "must be greater than lower %g, got %g: the interval is [lower, upper)",
			iv.lower, iv.upper)
		return false
	}
	if math.IsInf(iv.upper-iv.lower, 0) {
		b.errs.add(up, upath, "the range [%g, %g) is wider than a float64 holds", iv.lower, iv.upper)
		return false
	}
	if iv.log && iv.lower <= 0 {
		b.errs.add(lo, lpath, "must be > 0 when log is true, got %g", iv.lower)
		ok = false
	}
	if !ok {
		return false
	}
	return b.intervalGrid(y, path, iv)
}

// intervalGrid checks step and counts the grid points lower + k*step
// below upper.
func (b *builder) intervalGrid(y *ynode, path string, iv *interval) bool {
	width := iv.upper - iv.lower
	if iv.step == 0 && y.get("step") == nil {
		if iv.integer {
			iv.n = int64(width)
		} else if math.Nextafter(iv.lower, math.Inf(1)) >= iv.upper {
			b.errs.add(y.get("upper").pos, joinKey(path, "upper"),
				"the interval [%g, %g) holds a single number", iv.lower, iv.upper)
			return false
		}
		return true
	}
	sp, spath := y.get("step").pos, joinKey(path, "step")
	switch {
	case iv.log:
		b.errs.add(sp, spath, "step cannot be combined with log: a grid is linear")
		return false
	case iv.step <= 0:
		b.errs.add(sp, spath, "must be > 0, got %g", iv.step)
		return false
	case iv.integer && !exact(iv.step):
		b.errs.add(sp, spath, "must be an integer when integer is true, got %g", iv.step)
		return false
	case iv.step >= width:
		b.errs.add(sp, spath, "step %g does not fit the range [%g, %g): want step < upper - lower = %g",
			iv.step, iv.lower, iv.upper, width)
		return false
	case width/iv.step > maxExact:
		b.errs.add(sp, spath, "step %g makes more than 2^53 grid points", iv.step)
		return false
	}
	iv.n = int64(math.Ceil(width / iv.step))
	iv.tidy = !iv.integer && iv.step > 1e-12*math.Max(math.Abs(iv.lower), math.Abs(iv.upper))
	for iv.n > 1 && toFloat(iv.at(iv.n-1)) >= iv.upper {
		iv.n-- // rounding put the last point on or past upper
	}
	return true
}

// choiceList reads min, max and choices: a list of length in [min, max).
func (b *builder) choiceList(y *ynode, path string) param {
	ok := b.checkKeys(y, path, "a choice list", "min", "max", "choices")
	const what = "a choice list needs min, max and choices"
	minY, maxY := b.require(y, path, "min", what), b.require(y, path, "max", what)
	ok = b.lengthBounds(minY, maxY, path) && ok
	elem := b.choicesOf(y, path)
	if !ok || elem == nil {
		return nil
	}
	lo, _ := b.integer(minY, "")
	hi, _ := b.integer(maxY, "")
	return &choiceList{min: int(lo), max: int(hi), elem: elem}
}

// lengthBounds checks the min and max of a choice list, either of which
// may be missing (nil, already reported).
func (b *builder) lengthBounds(minY, maxY *ynode, path string) bool {
	var lo, hi int64
	okLo, okHi := minY != nil, maxY != nil
	if okLo {
		lo, okLo = b.integer(minY, joinKey(path, "min"))
	}
	if okHi {
		hi, okHi = b.integer(maxY, joinKey(path, "max"))
	}
	if okLo && lo < 0 {
		b.errs.add(minY.pos, joinKey(path, "min"), "must be >= 0, got %d", lo)
		return false
	}
	if !okLo || !okHi {
		return false
	}
	switch {
	case hi <= lo:
		b.errs.add(maxY.pos, joinKey(path, "max"),
			"must be greater than min %d, got %d: the length is drawn from [min, max)", lo, hi)
		return false
	case hi > maxListLen:
		b.errs.add(maxY.pos, joinKey(path, "max"), "must be at most %d, got %d", maxListLen, hi)
		return false
	}
	return true
}

// choicesOf reads the choices of a choice list, each element a space.
func (b *builder) choicesOf(y *ynode, path string) *choice {
	cy := y.get("choices")
	cpath := joinKey(path, "choices")
	if cy.kind != ySeq {
		b.errs.add(cy.pos, cpath, "must be a list, got %s", describeY(cy))
		return nil
	}
	c, _ := b.choice(cy, cpath).(*choice)
	return c
}

// literalChoices reads the choices of a subset or a partition: a
// non-empty list of distinct values, taken literally.
func (b *builder) literalChoices(y *ynode, path string) []any {
	cy := y.get("choices")
	cpath := joinKey(path, "choices")
	if cy.kind != ySeq || len(cy.items) == 0 {
		b.errs.add(cy.pos, cpath, "must be a non-empty list, got %s", describeY(cy))
		return nil
	}
	vals := make([]any, len(cy.items))
	ok := true
	for i, it := range cy.items {
		vals[i] = literal(it)
		if j := indexOf(vals[:i], vals[i]); j >= 0 {
			b.errs.add(it.pos, indexPath(cpath, i), "duplicate choice %s (also at [%d])",
				format(vals[i]), j)
			ok = false
		}
	}
	ok = b.missingCommas(cy.items, cpath) && ok
	if !ok {
		return nil
	}
	return vals
}

// subset reads choices and size.
func (b *builder) subset(y *ynode, path string) param {
	ok := b.checkKeys(y, path, "a subset", "choices", "size")
	choices := b.literalChoices(y, path)
	sy := y.get("size")
	size, okSize := b.integer(sy, joinKey(path, "size"))
	if !ok || !okSize || choices == nil {
		return nil
	}
	if size < 0 || size > int64(len(choices)) {
		b.errs.add(sy.pos, joinKey(path, "size"),
			"must be between 0 and the number of choices %d, got %d", len(choices), size)
		return nil
	}
	return &subset{choices: choices, enc: encodeAll(choices), size: int(size)}
}

// partition reads choices and partitions (alias partition).
func (b *builder) partition(y *ynode, path string) param {
	ok := b.checkKeys(y, path, "a partition", "choices", "partitions", "partition")
	key := "partitions"
	if y.get("partition") != nil {
		key = "partition"
		if e, both := y.entry("partitions"); both {
			b.errs.add(e.pos, joinKey(path, "partitions"),
				"partitions and its alias partition both given; keep one")
			ok = false
		}
	}
	choices := b.literalChoices(y, path)
	ky := y.get(key)
	k, okK := b.integer(ky, joinKey(path, key))
	if !ok || !okK || choices == nil {
		return nil
	}
	if k < 1 || k > int64(len(choices)) {
		b.errs.add(ky.pos, joinKey(path, key),
			"must be between 1 and the number of choices %d, got %d", len(choices), k)
		return nil
	}
	return &partition{choices: choices, enc: encodeAll(choices), k: int(k)}
}
