package space

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// maxDepth bounds the nesting of a YAML file, so that a hostile file
// cannot exhaust the stack. Real spaces nest a dozen levels at most.
const maxDepth = 200

// ykind is the shape of a YAML node.
type ykind int

const (
	yScalar ykind = iota
	yMap
	ySeq
)

// ynode is a YAML node with aliases resolved and merge keys applied: a
// mapping, a sequence or a scalar, with the place it was written. The
// subtree of an alias is shared with its anchor, not copied, so that an
// alias bomb costs no memory here (the space builder bounds the work).
type ynode struct {
	kind  ykind
	pos   pos
	keys  []yentry // mapping entries in file order, merged entries last
	items []*ynode // sequence items
	val   any      // scalar: string, int64, float64, bool or nil
	plain bool     // scalar: written without quotes
}

// yentry is one key of a mapping.
type yentry struct {
	key string
	pos pos // where the key is written
	val *ynode
}

// get returns the value of key in a mapping, or nil.
func (y *ynode) get(key string) *ynode {
	for _, e := range y.keys {
		if e.key == key {
			return e.val
		}
	}
	return nil
}

// entry returns the entry of key in a mapping.
func (y *ynode) entry(key string) (yentry, bool) {
	for _, e := range y.keys {
		if e.key == key {
			return e, true
		}
	}
	return yentry{}, false
}

// readFile parses YAML source into the body of its single document. It
// returns nil, with errors recorded, when the source is not valid YAML.
func readFile(data []byte, errs *errorList) (body ast.Node) {
	// The YAML parser is third-party code fed with user input: turn a
	// crash in it into an error rather than taking the caller down.
	defer func() {
		if p := recover(); p != nil {
			errs.add(pos{1, 1}, "", "YAML parser failed: %v", p)
			body = nil
		}
	}()

	// Duplicate keys are allowed here and reported by the reader, so that
	// one run shows all of them and the other errors of the file too.
	f, err := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		addYAMLError(errs, err)
		return nil
	}
	var docs []ast.Node
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d.Body)
		}
	}
	switch {
	case len(docs) == 0:
		errs.add(pos{1, 1}, "", "empty file: no search space")
		return nil
	case len(docs) > 1:
		errs.add(nodePos(docs[1]), "",
			"more than one YAML document: a space file holds one")
		return nil
	}
	return docs[0]
}

// addYAMLError records a syntax error of the YAML parser at its position.
func addYAMLError(errs *errorList, err error) {
	var yerr yaml.Error
	p := pos{1, 1}
	msg := err.Error()
	if errors.As(err, &yerr) {
		msg = yerr.GetMessage()
		if tk := yerr.GetToken(); tk != nil && tk.Position != nil {
			p = pos{max(tk.Position.Line, 1), max(tk.Position.Column, 1)}
		}
	}
	errs.add(p, "", "YAML syntax: %s", msg)
}

// nodePos returns where n is written. A block mapping's own token is its
// first colon, so its position is taken from its first key instead.
func nodePos(n ast.Node) pos {
	tk := n.GetToken()
	if m, ok := n.(*ast.MappingNode); ok && len(m.Values) > 0 {
		tk = m.Values[0].Key.GetToken()
	}
	if tk == nil || tk.Position == nil {
		return pos{1, 1}
	}
	return pos{max(tk.Position.Line, 1), max(tk.Position.Column, 1)}
}

// reader turns a goccy/go-yaml AST into ynodes, resolving anchors and
// aliases in document order as YAML defines them.
type reader struct {
	errs     *errorList
	anchors  map[string]*ynode
	defining map[string]bool // anchors whose node is being read
	depth    int

	// outside holds the anchors of the whole document, in document
	// order, for aliases to anchors outside the part being read.
	outside []ast.Node
}

func newReader(errs *errorList) *reader {
	return &reader{
		errs:     errs,
		anchors:  make(map[string]*ynode),
		defining: make(map[string]bool),
	}
}

// node reads n found at key path path. It returns nil, with an error
// recorded, when n cannot be read.
func (r *reader) node(n ast.Node, path string) *ynode {
	if n == nil {
		// Callers pass a null node at a known place instead; this is the
		// last resort, and still a valid position.
		return &ynode{kind: yScalar, pos: pos{1, 1}}
	}
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > maxDepth {
		r.errs.add(nodePos(n), path, "nested more than %d levels deep", maxDepth)
		return nil
	}

	switch v := n.(type) {
	case *ast.MappingNode:
		return r.mapping(nodePos(n), v.Values, path)
	case *ast.MappingValueNode:
		return r.mapping(nodePos(n), []*ast.MappingValueNode{v}, path)
	case *ast.SequenceNode:
		return r.sequence(v, path)
	case *ast.AnchorNode:
		return r.anchor(v, path)
	case *ast.AliasNode:
		return r.alias(v, path)
	case *ast.TagNode:
		return r.tag(v, path)
	}
	return r.scalar(n, path)
}

func (r *reader) mapping(p pos, values []*ast.MappingValueNode, path string) *ynode {
	y := &ynode{kind: yMap, pos: p}
	seen := make(map[string]pos)
	var merged []*ynode
	for _, mv := range values {
		if _, ok := mv.Key.(*ast.MergeKeyNode); ok {
			merged = append(merged, r.mergeSources(orNull(mv.Value, mv.Key), path)...)
			continue
		}
		key, kp, ok := r.key(mv.Key, path)
		if !ok {
			continue
		}
		kpath := joinKey(path, key)
		if first, dup := seen[key]; dup {
			r.errs.add(kp, kpath, "duplicate key %q (first at line %d, column %d)",
				key, first.line, first.col)
			continue
		}
		seen[key] = kp
		if v := r.node(orNull(mv.Value, mv.Key), kpath); v != nil {
			y.keys = append(y.keys, yentry{key: key, pos: kp, val: v})
		}
	}

	// Keys written in the mapping win over merged ones, and earlier merge
	// sources over later ones, as the YAML merge key type defines.
	for _, src := range merged {
		for _, e := range src.keys {
			if _, dup := seen[e.key]; !dup {
				seen[e.key] = e.pos
				y.keys = append(y.keys, e)
			}
		}
	}
	if y.pos == (pos{}) {
		y.pos = pos{1, 1}
	}
	return y
}

// mergeSources reads the value of a "<<" merge key: a mapping or a list
// of mappings, usually aliases.
func (r *reader) mergeSources(n ast.Node, path string) []*ynode {
	y := r.node(n, path)
	if y == nil {
		return nil
	}
	srcs := []*ynode{y}
	if y.kind == ySeq {
		srcs = y.items
	}
	var maps []*ynode
	for _, s := range srcs {
		if s.kind != yMap {
			r.errs.add(s.pos, path, "merge key << needs a mapping or a list of mappings")
			continue
		}
		maps = append(maps, s)
	}
	return maps
}

// key returns the text of a mapping key.
func (r *reader) key(k ast.MapKeyNode, path string) (string, pos, bool) {
	p := nodePos(k)
	var n ast.Node = k
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		n = mk.Value
	}
	y := r.node(n, path)
	if y == nil {
		return "", p, false
	}
	if y.kind != yScalar {
		r.errs.add(p, path, "mapping key must be a scalar, not a %s", y.kindName())
		return "", p, false
	}
	switch v := y.val.(type) {
	case string:
		return v, p, true
	case nil:
		return "null", p, true
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), p, true
	}
	return fmt.Sprint(y.val), p, true
}

func (r *reader) sequence(s *ast.SequenceNode, path string) *ynode {
	y := &ynode{kind: ySeq, pos: nodePos(s)}
	for i, item := range s.Values {
		item = orNull(item, s)
		if v := r.node(item, indexPath(path, i)); v != nil {
			y.items = append(y.items, v)
		} else {
			// Keep indexes of later items right in error paths.
			y.items = append(y.items, &ynode{kind: yScalar, pos: nodePos(item)})
		}
	}
	return y
}

func (r *reader) anchor(a *ast.AnchorNode, path string) *ynode {
	name := tokenText(a.Name)
	was := r.defining[name]
	r.defining[name] = true
	y := r.node(orNull(a.Value, a), path)
	r.defining[name] = was
	if y != nil {
		r.anchors[name] = y
	}
	return y
}

func (r *reader) alias(a *ast.AliasNode, path string) *ynode {
	name := tokenText(a.Value)
	if r.defining[name] {
		r.errs.add(nodePos(a), path,
			"alias *%s is inside the node its anchor &%s names: a loop", name, name)
		return nil
	}
	if y, ok := r.anchors[name]; ok {
		return y
	}
	if an := r.anchorBefore(name, a); an != nil {
		return r.anchor(an, path)
	}
	r.errs.add(nodePos(a), path, "alias *%s has no anchor &%s before it", name, name)
	return nil
}

// anchorBefore returns the last anchor named name of the whole document
// that comes before the alias a, or nil.
func (r *reader) anchorBefore(name string, a *ast.AliasNode) *ast.AnchorNode {
	at := a.GetToken().Position
	if at == nil {
		return nil
	}
	var found *ast.AnchorNode
	for _, n := range r.outside {
		an, ok := n.(*ast.AnchorNode)
		if !ok || tokenText(an.Name) != name {
			continue
		}
		p := an.GetToken().Position
		if p == nil || p.Line > at.Line || (p.Line == at.Line && p.Column >= at.Column) {
			break
		}
		found = an
	}
	return found
}

// tag reads a tagged node. Only the YAML core schema tags are known; a
// local tag such as !foo means something to some other program, so it is
// refused rather than silently dropped.
func (r *reader) tag(t *ast.TagNode, path string) *ynode {
	tag := ""
	if t.Start != nil {
		tag = t.Start.Value
	}
	switch tag {
	case "!!str":
		y := r.node(orNull(t.Value, t), path)
		if y != nil && y.kind == yScalar {
			y = &ynode{kind: yScalar, pos: y.pos, val: tokenText(t.Value)}
		}
		return y
	case "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq":
		return r.node(orNull(t.Value, t), path)
	}
	r.errs.add(nodePos(t), path, "unsupported YAML tag %s", tag)
	return nil
}

func (r *reader) scalar(n ast.Node, path string) *ynode {
	y := &ynode{kind: yScalar, pos: nodePos(n)}
	switch v := n.(type) {
	case *ast.NullNode:
	case *ast.BoolNode:
		y.val = v.Value
	case *ast.StringNode:
		y.val = v.Value
		y.plain = v.Token == nil || v.Token.Type == token.StringType
	case *ast.LiteralNode:
		y.val = ""
		if v.Value != nil {
			y.val = v.Value.Value
		}
	case *ast.FloatNode:
		y.val = v.Value
	case *ast.IntegerNode:
		switch i := v.Value.(type) {
		case int64:
			y.val = i
		case uint64:
			if i > math.MaxInt64 {
				r.errs.add(y.pos, path, "integer %d is out of range (at most %d)",
					i, int64(math.MaxInt64))
				return nil
			}
			y.val = int64(i)
		default:
			r.errs.add(y.pos, path, "unreadable integer %q", tokenText(n))
			return nil
		}
	case *ast.InfinityNode, *ast.NanNode:
		r.errs.add(y.pos, path,
			"non-finite number %s: candidates are stored as JSON, which has none",
			tokenText(n))
		return nil
	default:
		r.errs.add(y.pos, path, "unsupported YAML node %s", n.Type())
		return nil
	}
	return y
}

// orNull returns n, or a null node at the place of at when n is missing,
// as for a key written without a value.
func orNull(n, at ast.Node) ast.Node {
	if n != nil {
		return n
	}
	return ast.Null(at.GetToken())
}

// tokenText returns the source text of a node's token.
func tokenText(n ast.Node) string {
	if n == nil {
		return ""
	}
	if tk := n.GetToken(); tk != nil {
		return tk.Value
	}
	return ""
}

func (y *ynode) kindName() string {
	switch y.kind {
	case yMap:
		return "mapping"
	case ySeq:
		return "list"
	}
	return "scalar"
}

// joinKey appends a mapping key to a key path.
func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// indexPath appends a list index to a key path.
func indexPath(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}
