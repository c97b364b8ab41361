package space

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"sync"

	"github.com/goccy/go-yaml/ast"

	"github.com/nascent-nas/nascent"
)

// Space is a parsed search space. It is immutable, and safe for
// concurrent use; the random sources passed to it are not.
type Space struct {
	root   *nested
	params int
	size   *big.Int // nil when unbounded, tooLarge beyond maxSizeBits
}

var _ nascent.Space = (*Space)(nil)

// ParseFile reads and parses the search space in the file at path, as
// Parse does. A missing file is a nascent.ErrNotFound error.
func ParseFile(path string) (*Space, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("space: %w: %s", nascent.ErrNotFound, path)
	}
	if err != nil {
		return nil, fmt.Errorf("space: %w", err)
	}
	return parse(path, data, true)
}

// Parse parses a search space from YAML source. filename only labels
// errors. The space is, in order of preference, the value of a top-level
// key parametrization, of nas.parametrization (a hannah experiment
// config), of hydra.sweeper.parametrization (a hannah Hydra config), of
// a top-level key space (a nascent study file), or the whole document.
//
// A study file's space may be a mapping, read as ParseNode reads it, or
// the path of a space file. Parse reads no other file and reports such a
// path as an error; ParseFile follows it.
//
// On failure the error is an Errors holding every problem found, each
// with its line, column and key path; it wraps nascent.ErrInvalid.
func Parse(filename string, data []byte) (*Space, error) {
	return parse(filename, data, false)
}

// parse is Parse. With follow set, filename is the path data was read
// from, and a study file's space may name a space file relative to it.
func parse(filename string, data []byte, follow bool) (*Space, error) {
	errs := &errorList{file: filename}
	body := readFile(data, errs)
	if body == nil {
		return nil, errs.err()
	}
	node, path := locate(body, errs)
	if node == nil {
		return nil, errs.err()
	}
	if path == studyKey {
		return studySpace(filename, node, follow, errs)
	}

	// Only the space is read, so that the rest of a Hydra config may hold
	// what a space may not (.inf, Python tags, keys Hydra merges); anchors
	// outside it are read when the space uses them.
	r := newReader(errs)
	r.outside = ast.Filter(ast.AnchorType, body)
	y := r.node(node, path)
	if y == nil {
		return nil, errs.err()
	}
	return build(y, path, errs)
}

// ParseNode parses a search space embedded in a larger YAML document that
// the caller has parsed with github.com/goccy/go-yaml/parser, such as the
// value of a study file's space key. node is the space's mapping (the
// value, not the key-value pair); filename and keyPath, such as "space",
// label errors, whose lines and columns are those of the caller's
// document. Errors are as for Parse.
//
// Paths in mutation descriptions and in Decode errors are relative to the
// space, without keyPath, as for Parse.
//
// Anchors are looked up inside node only: an alias in the space that
// refers to an anchor elsewhere in the document is reported as undefined.
// The space is taken as given: no parametrization key is looked for.
func ParseNode(filename string, node ast.Node, keyPath string) (*Space, error) {
	errs := &errorList{file: filename}
	if node == nil {
		errs.add(pos{1, 1}, keyPath, "no search space")
		return nil, errs.err()
	}
	y := newReader(errs).node(node, keyPath)
	if y == nil {
		return nil, errs.err()
	}
	return build(y, keyPath, errs)
}

// locate finds the space in a parsed file and returns it with its path.
func locate(body ast.Node, errs *errorList) (ast.Node, string) {
	if p := astGet(body, "parametrization"); p != nil {
		return p, "parametrization"
	}
	if p := astGet(astGet(body, "nas"), "parametrization"); p != nil {
		return p, "nas.parametrization"
	}
	h := astGet(body, "hydra")
	if h == nil {
		if p := astGet(body, studyKey); p != nil {
			return p, studyKey
		}
		return body, ""
	}
	const path = "hydra.sweeper.parametrization"
	if p := astGet(astGet(h, "sweeper"), "parametrization"); p != nil {
		return p, path
	}
	errs.add(nodePos(body), "", "a Hydra config without %s: no search space found "+
		"(put the space there, under a top-level parametrization key, or at top level)", path)
	return nil, ""
}

// astGet returns the value of key in a mapping node, or nil when n is not
// a mapping or has no such key. An anchor or a tag on the mapping is
// looked through.
func astGet(n ast.Node, key string) ast.Node {
	switch v := n.(type) {
	case *ast.AnchorNode:
		return astGet(v.Value, key)
	case *ast.TagNode:
		return astGet(v.Value, key)
	case *ast.MappingValueNode:
		if tokenText(v.Key) == key {
			return orNull(v.Value, v.Key)
		}
	case *ast.MappingNode:
		for _, mv := range v.Values {
			if _, merge := mv.Key.(*ast.MergeKeyNode); !merge && tokenText(mv.Key) == key {
				return orNull(mv.Value, mv.Key)
			}
		}
	}
	return nil
}

// build checks and builds the space rooted at y.
func build(y *ynode, path string, errs *errorList) (*Space, error) {
	if y.kind != yMap {
		errs.add(y.pos, path, "a search space must be a mapping of keys to parameters, got %s",
			describeY(y))
		return nil, errs.err()
	}
	b := &builder{errs: errs}
	root, _ := b.nested(y, path).(*nested)
	if root == nil || len(errs.errs) > 0 {
		return nil, errs.err()
	}
	if w := root.width(); w > maxWidth {
		errs.add(y.pos, path, "a sample could hold up to %.3g values, more than the "+
			"%.0g allowed: lower the max of the choice lists", w, float64(maxWidth))
		return nil, errs.err()
	}
	if !root.mutable() {
		errs.add(y.pos, path, "the space offers no mutation: every parameter has a "+
			"single value, so evolution could never make a child")
		return nil, errs.err()
	}
	s := &Space{root: root}
	s.params, s.size = root.stats()
	return s, nil
}

// NumParams returns the number of parameters the space defines: every
// choice of more than one element, choice list of more than one length,
// interval, subset and partition of more than one point, including those
// inside the elements of choices. A parameter is counted once where it
// is defined, not once per sampled use; a part reached through two
// aliases counts twice.
func (s *Space) NumParams() int { return s.params }

// Size returns the number of points of the space, or nil when it is
// unbounded (a continuous interval) or too large to count exactly (more
// than about 2^4096 points); SizeString tells the two apart. Points are
// counted in the space's tree: two elements of a choice that give the
// same value count twice. The result is the caller's.
func (s *Space) Size() *big.Int {
	if s.size == nil || s.size == tooLarge {
		return nil
	}
	return new(big.Int).Set(s.size)
}

// SizeString returns Size in decimal, "unbounded", or "too large to
// count".
func (s *Space) SizeString() string {
	switch s.size {
	case nil:
		return "unbounded"
	case tooLarge:
		return "too large to count"
	}
	return s.size.String()
}

// state is the private State of a candidate made by a Space.
type state struct {
	space *Space
	root  []any
}

// Sample draws a candidate from the space's prior: each choice element,
// choice-list length and element, subset and partition uniformly; each
// interval uniformly, or log-uniformly when log is set.
func (s *Space) Sample(r *rand.Rand) nascent.Candidate {
	return s.candidate(s.root.sample(r).([]any))
}

// hashBufs holds buffers for the canonical encoding that a hash is taken
// of, so that making a candidate does not allocate one each time.
var hashBufs = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// candidate makes the candidate of a state: fresh Values, and the hash
// taken from the state directly, without the map sorting Hash needs.
//
// TODO(space): building the fresh Values maps is about half the cost of
// Mutate. A child could share the unchanged subtrees of its parent's
// Values, at the price of Values being read-only for everyone; not done
// while every candidate owning its Values is the simpler contract.
func (s *Space) candidate(st []any) nascent.Candidate {
	buf := hashBufs.Get().(*[]byte)
	*buf = s.root.hash((*buf)[:0], st)
	sum := sha256.Sum256(*buf)
	hashBufs.Put(buf)
	return nascent.Candidate{
		Values: s.root.value(st).(map[string]any),
		Hash:   hex.EncodeToString(sum[:16]),
		State:  &state{space: s, root: st},
	}
}

// Mutate returns a child of parent made by one mutation, drawn uniformly
// among all those the parent's sampled tree offers, and its description
// such as "model.blocks[1].size: 3 -> 5". A parent whose State this space
// did not make is decoded from its Values first. The child always differs
// from the parent.
func (s *Space) Mutate(r *rand.Rand, parent nascent.Candidate) (nascent.Candidate, string, error) {
	st, hash, err := s.stateOf(parent)
	if err != nil {
		return nascent.Candidate{}, "", err
	}
	n := s.root.count(st)
	if n == 0 {
		// Build refuses spaces without mutations, so this is a bug.
		return nascent.Candidate{}, "", fmt.Errorf("space: candidate %s offers no mutation", hash)
	}

	// A mutation changes the tree, but two trees may give equal values
	// (two choice elements with equal sub-spaces): draw again then.
	for range maxResample {
		next, desc := s.root.mutate(r, st, r.IntN(n), "")
		child := s.candidate(next.([]any))
		if child.Hash != hash {
			return child, desc, nil
		}
	}
	return nascent.Candidate{}, "", fmt.Errorf(
		"space: no child of %s differs from it after %d mutations", hash, maxResample)
}

// stateOf returns the parent's state and hash, decoding it if needed.
func (s *Space) stateOf(c nascent.Candidate) ([]any, string, error) {
	if st, ok := c.State.(*state); ok && st.space == s && c.Hash != "" {
		return st.root, c.Hash, nil
	}
	d, err := s.Decode(c.Values)
	if err != nil {
		return nil, "", err
	}
	return d.State.(*state).root, d.Hash, nil
}

// Decode rebuilds a candidate from stored values. The values may come
// straight from encoding/json or goccy/go-yaml: integral float64 or
// uint64 for integer parameters, []interface{} and the like are accepted,
// and the candidate's Values are canonical. It fails with an *Error that
// names the key path and wraps nascent.ErrInvalid when values are not a
// point of the space.
func (s *Space) Decode(values map[string]any) (nascent.Candidate, error) {
	c, err := canonical(values, "")
	if err != nil {
		return nascent.Candidate{}, err
	}
	st, err := s.root.decode(c, "")
	if err != nil {
		return nascent.Candidate{}, err
	}
	return s.candidate(st.([]any)), nil
}

// Normalize returns the canonical form of a point of the space given as
// decoded JSON or YAML (a map[string]any or map[any]any), as Decode does.
func (s *Space) Normalize(v any) (map[string]any, error) {
	c, err := canonical(v, "")
	if err != nil {
		return nil, err
	}
	m, ok := c.(map[string]any)
	if !ok {
		return nil, valueErrorf("", "got %s, want a mapping", format(c))
	}
	d, err := s.Decode(m)
	if err != nil {
		return nil, err
	}
	return d.Values, nil
}
