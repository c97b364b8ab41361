package study

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// maxDepth bounds the nesting of a study file, so that a hostile file
// cannot exhaust the stack.
const maxDepth = 200

// node is a YAML value with where it was written: the reader's view of a
// study file. Scalars hold string, int64, float64, bool or nil.
type node struct {
	kind   kind
	line   int
	col    int
	path   string
	keys   []entry // kind == mapKind, in file order
	items  []*node // kind == seqKind
	scalar any     // kind == scalarKind
	ast    ast.Node
}

type kind int

const (
	scalarKind kind = iota
	mapKind
	seqKind
)

type entry struct {
	key  string
	line int
	col  int
	val  *node
}

func (k kind) String() string {
	switch k {
	case mapKind:
		return "a mapping"
	case seqKind:
		return "a list"
	}
	return "a scalar"
}

// get returns the value of key in a mapping, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != mapKind {
		return nil
	}
	for _, e := range n.keys {
		if e.key == key {
			return e.val
		}
	}
	return nil
}

// value returns n as a plain Go value: map[string]any, []any or a scalar.
func (n *node) value() any {
	switch n.kind {
	case mapKind:
		m := make(map[string]any, len(n.keys))
		for _, e := range n.keys {
			m[e.key] = e.val.value()
		}
		return m
	case seqKind:
		s := make([]any, len(n.items))
		for i, it := range n.items {
			s[i] = it.value()
		}
		return s
	}
	return n.scalar
}

// yamlReader turns a goccy/go-yaml AST into nodes, resolving anchors and
// aliases, and collects errors.
type yamlReader struct {
	file    string
	errs    *errorList
	anchors map[string]*node
	depth   int
}

// parseYAML reads the single document of data. It returns nil, with
// errors recorded, when data is not valid YAML.
func parseYAML(file string, data []byte, errs *errorList) (root *node) {
	// The YAML parser is third-party code fed with user input: a crash in
	// it becomes an error, not a crash of nascent.
	defer func() {
		if p := recover(); p != nil {
			errs.add(file, 1, 1, "", "YAML parser failed: %v", p)
			root = nil
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		line, col, msg := 1, 1, err.Error()
		var yerr yaml.Error
		if errors.As(err, &yerr) {
			msg = yerr.GetMessage()
			if tk := yerr.GetToken(); tk != nil && tk.Position != nil {
				line, col = max(tk.Position.Line, 1), max(tk.Position.Column, 1)
			}
		}
		errs.add(file, line, col, "", "YAML syntax: %s", msg)
		return nil
	}
	var bodies []ast.Node
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			bodies = append(bodies, d.Body)
		}
	}
	if len(bodies) != 1 {
		errs.add(file, 1, 1, "", "want exactly one YAML document, found %d", len(bodies))
		return nil
	}
	r := &yamlReader{file: file, errs: errs, anchors: map[string]*node{}}
	return r.read(bodies[0], "")
}

func position(n ast.Node) (int, int) {
	tk := n.GetToken()
	if m, ok := n.(*ast.MappingNode); ok && len(m.Values) > 0 {
		tk = m.Values[0].Key.GetToken()
	}
	if mv, ok := n.(*ast.MappingValueNode); ok {
		tk = mv.Key.GetToken()
	}
	if tk == nil || tk.Position == nil {
		return 1, 1
	}
	return max(tk.Position.Line, 1), max(tk.Position.Column, 1)
}

func (r *yamlReader) read(n ast.Node, path string) *node {
	if n == nil {
		return &node{kind: scalarKind, line: 1, col: 1, path: path}
	}
	line, col := position(n)
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > maxDepth {
		r.errs.add(r.file, line, col, path, "nested more than %d levels deep", maxDepth)
		return nil
	}
	switch v := n.(type) {
	case *ast.MappingNode:
		return r.mapping(n, v.Values, path)
	case *ast.MappingValueNode:
		return r.mapping(n, []*ast.MappingValueNode{v}, path)
	case *ast.SequenceNode:
		out := &node{kind: seqKind, line: line, col: col, path: path, ast: n}
		for i, it := range v.Values {
			if c := r.read(it, fmt.Sprintf("%s[%d]", path, i)); c != nil {
				out.items = append(out.items, c)
			}
		}
		return out
	case *ast.AnchorNode:
		out := r.read(v.Value, path)
		if out != nil {
			r.anchors[v.Name.String()] = out
		}
		return out
	case *ast.AliasNode:
		name := v.Value.String()
		a, ok := r.anchors[name]
		if !ok {
			r.errs.add(r.file, line, col, path, "alias *%s names no anchor defined before it", name)
			return nil
		}
		return a
	case *ast.TagNode:
		return r.read(v.Value, path)
	case *ast.CommentNode:
		return &node{kind: scalarKind, line: line, col: col, path: path, ast: n}
	}
	return r.scalar(n, line, col, path)
}

func (r *yamlReader) mapping(n ast.Node, values []*ast.MappingValueNode, path string) *node {
	line, col := position(n)
	out := &node{kind: mapKind, line: line, col: col, path: path, ast: n}
	seen := map[string]bool{}
	for _, mv := range values {
		if _, ok := mv.Key.(*ast.MergeKeyNode); ok {
			src := r.read(mv.Value, path)
			r.merge(out, src, seen, path)
			continue
		}
		kl, kc := position(mv.Key)
		kn := r.read(mv.Key, path)
		if kn == nil {
			continue
		}
		if kn.kind != scalarKind {
			r.errs.add(r.file, kl, kc, path, "a mapping key must be a scalar, not %s", kn.kind)
			continue
		}
		key := fmt.Sprint(kn.scalar)
		if kn.scalar == nil {
			key = "null"
		}
		kpath := joinPath(path, key)
		if seen[key] {
			r.errs.add(r.file, kl, kc, kpath, "duplicate key %q", key)
			continue
		}
		seen[key] = true
		if v := r.read(mv.Value, kpath); v != nil {
			out.keys = append(out.keys, entry{key: key, line: kl, col: kc, val: v})
		}
	}
	return out
}

// merge adds the keys of a merge source (<<: *anchor) not already set.
func (r *yamlReader) merge(dst, src *node, seen map[string]bool, path string) {
	if src == nil {
		return
	}
	srcs := []*node{src}
	if src.kind == seqKind {
		srcs = src.items
	}
	for _, s := range srcs {
		if s.kind != mapKind {
			r.errs.add(r.file, s.line, s.col, path, "merge key << needs a mapping or a list of mappings")
			continue
		}
		for _, e := range s.keys {
			if !seen[e.key] {
				seen[e.key] = true
				dst.keys = append(dst.keys, e)
			}
		}
	}
}

func (r *yamlReader) scalar(n ast.Node, line, col int, path string) *node {
	out := &node{kind: scalarKind, line: line, col: col, path: path, ast: n}
	switch v := n.(type) {
	case *ast.NullNode:
	case *ast.BoolNode:
		out.scalar = v.Value
	case *ast.IntegerNode:
		switch x := v.Value.(type) {
		case int64:
			out.scalar = x
		case uint64:
			if x > math.MaxInt64 {
				r.errs.add(r.file, line, col, path, "integer %d is too large", x)
				return nil
			}
			out.scalar = int64(x)
		default:
			i, err := strconv.ParseInt(v.String(), 0, 64)
			if err != nil {
				r.errs.add(r.file, line, col, path, "integer %s: %v", v.String(), err)
				return nil
			}
			out.scalar = i
		}
	case *ast.FloatNode:
		out.scalar = v.Value
	case *ast.InfinityNode:
		out.scalar = v.Value
	case *ast.NanNode:
		out.scalar = math.NaN()
	case *ast.StringNode:
		out.scalar = v.Value
	case *ast.LiteralNode:
		out.scalar = v.Value.Value
	case ast.ScalarNode:
		out.scalar = fmt.Sprint(v.GetValue())
	default:
		r.errs.add(r.file, line, col, path, "unsupported YAML node %s", n.Type())
		return nil
	}
	return out
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	if strings.ContainsAny(key, ".[]") {
		return fmt.Sprintf("%s[%q]", path, key)
	}
	return path + "." + key
}
