package space

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// studyKey is the key of a nascent study file (docs/study-file.md) that
// holds its space. A document with this key at top level is taken for a
// study file: a space whose own top-level parameter is called space must
// be put under a parametrization key.
const studyKey = "space"

// studySpace reads the space of a study file: the mapping under its space
// key, or, with follow set, the space file whose path that key holds,
// relative to the study file as the study package reads it.
func studySpace(filename string, node ast.Node, follow bool, errs *errorList) (*Space, error) {
	// Anchors outside the space are not looked up, as in ParseNode: the
	// study reads its space that way, and check must agree with search.
	y := newReader(errs).node(node, studyKey)
	if y == nil {
		return nil, errs.err()
	}
	if y.kind == yMap {
		return build(y, studyKey, errs)
	}
	s, ok := y.val.(string)
	if y.kind != yScalar || !ok || s == "" {
		errs.add(y.pos, studyKey,
			"want a mapping or the path of a space file, not %s", describeY(y))
		return nil, errs.err()
	}
	if !follow {
		errs.add(y.pos, studyKey, "space file %q is not read here: a path is "+
			"followed only from a study file opened by its own path, one level deep", s)
		return nil, errs.err()
	}
	return followSpace(filename, s, y.pos, errs)
}

// followSpace parses the space file at path, written in the study file
// filename at p. ${VAR} references are expanded from the environment and
// a relative path is taken from the study file's directory, as in the
// study package. Errors in the space file carry that file's name.
func followSpace(filename, path string, p pos, errs *errorList) (*Space, error) {
	path, err := expandEnv(path)
	if err != nil {
		errs.add(p, studyKey, "%v", err)
		return nil, errs.err()
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(filename), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			err = fmt.Errorf("space file %s does not exist", path)
		}
		errs.add(p, studyKey, "%v", err)
		return nil, errs.err()
	}
	return parse(path, data, false)
}

// expandEnv replaces ${VAR} references in s from the environment; "$$"
// writes a literal "$". It follows the study package's rules, so that a
// path means the same to nascent space as to nascent search.
func expandEnv(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '$' && strings.HasPrefix(s[i+1:], "$"):
			b.WriteByte('$')
			i++
		case c == '$' && strings.HasPrefix(s[i+1:], "{"):
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", fmt.Errorf("unclosed ${ in %q", s)
			}
			name := s[i+2 : i+2+end]
			val, ok := os.LookupEnv(name)
			if !ok {
				return "", fmt.Errorf("environment variable %s is not set (it is used in %q)",
					name, s)
			}
			b.WriteString(val)
			i += end + 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}
