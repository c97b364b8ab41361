package cli

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/nascent-nas/nascent"
)

// Hydra-style overrides, as hannah's trainer takes a candidate and as
// local.Overrides writes one:
//
//	model.major_blocks=[{output_channels: 16, stride: 2, minor_blocks: [{size: 3}]}]
//	dropout_prob=0.1  +extra=1  ++extra=2  ~unwanted
//
// A key path is dot-separated names. "+" and "++" prefixes are accepted
// and mean the same as none: the candidate may start empty, so nascent
// does not insist, as Hydra does, that a plain key exists already. "~"
// deletes the key. Values follow Hydra's override grammar, which is YAML
// flow style for the parts used here: null, true/false, integers and
// floats (with inf and nan), unquoted strings, 'single' or "double"
// quoted strings with backslash escapes, [lists] and {mappings}. Hydra's
// sweeps (choice(...), range(...)) and ${interpolations} are refused
// rather than passed on as strings.
//
// The grammar is parsed here, not by a YAML library, because Hydra's
// quoting differs from YAML's (a quote is escaped as \' inside '...',
// not as ''), and local.Overrides writes Hydra's form.

// override is one parsed command-line override.
type override struct {
	path   []string
	value  any
	delete bool
}

// overrideKey matches one name of a key path, as Hydra accepts unquoted.
var overrideKey = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$\-]*$`)

// parseOverride reads one "path=value" argument. Errors wrap
// nascent.ErrInvalid and quote the argument.
func parseOverride(arg string) (override, error) {
	o, err := parseOverrideArg(arg)
	if err != nil {
		return override{}, fmt.Errorf("%w: override %q: %v", nascent.ErrInvalid, arg, err)
	}
	return o, nil
}

func parseOverrideArg(arg string) (override, error) {
	var o override
	key, text, hasValue := strings.Cut(arg, "=")
	switch {
	case strings.HasPrefix(key, "~"):
		o.delete, key = true, key[1:]
	case strings.HasPrefix(key, "++"):
		key = key[2:]
	case strings.HasPrefix(key, "+"):
		key = key[1:]
	}
	o.path = strings.Split(key, ".")
	for _, k := range o.path {
		if !overrideKey.MatchString(k) {
			return override{}, fmt.Errorf("key %q is not a dotted path of names", key)
		}
	}
	if o.delete {
		return o, nil // Hydra allows ~key=value, deleting only on a match; any value deletes here
	}
	if !hasValue {
		return override{}, fmt.Errorf("want key=value")
	}
	p := &valueParser{s: text}
	v, err := p.element(0)
	if err != nil {
		return override{}, err
	}
	p.space()
	if p.i != len(p.s) {
		return override{}, p.errorf("unexpected %q", p.s[p.i:])
	}
	o.value = v
	return o, nil
}

// applyOverride sets or deletes o's path in values, creating mappings
// along the way. It fails when the path runs through a value that is not
// a mapping.
func applyOverride(values map[string]any, o override) error {
	m := values
	for i, k := range o.path[:len(o.path)-1] {
		next, ok := m[k]
		if !ok {
			if o.delete {
				return nil
			}
			sub := map[string]any{}
			m[k] = sub
			m = sub
			continue
		}
		if m, ok = next.(map[string]any); !ok {
			return fmt.Errorf("%w: override of %s: %s is not a mapping",
				nascent.ErrInvalid, strings.Join(o.path, "."), strings.Join(o.path[:i+1], "."))
		}
	}
	last := o.path[len(o.path)-1]
	if o.delete {
		delete(m, last)
	} else {
		m[last] = o.value
	}
	return nil
}

// maxValueDepth bounds the nesting of lists and mappings, so that a
// hostile argument cannot exhaust the stack.
const maxValueDepth = 100

// valueParser reads one value in Hydra's override grammar.
type valueParser struct {
	s string
	i int
}

func (p *valueParser) errorf(format string, args ...any) error {
	return fmt.Errorf("at column %d of the value: %s", p.i+1, fmt.Sprintf(format, args...))
}

func (p *valueParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// element reads a list, a mapping, a quoted string or a primitive.
func (p *valueParser) element(depth int) (any, error) {
	if depth > maxValueDepth {
		return nil, p.errorf("nested deeper than %d", maxValueDepth)
	}
	p.space()
	if p.i == len(p.s) {
		return "", nil // Hydra reads key= as the empty string
	}
	switch p.s[p.i] {
	case '[':
		return p.list(depth)
	case '{':
		return p.mapping(depth)
	case '\'', '"':
		return p.quoted()
	}
	return p.primitive()
}

func (p *valueParser) list(depth int) (any, error) {
	p.i++ // '['
	out := []any{}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return out, nil
	}
	for {
		v, err := p.element(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		p.space()
		if p.i == len(p.s) {
			return nil, p.errorf("list not closed with ]")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return out, nil
		default:
			return nil, p.errorf("want , or ] in a list, got %q", p.s[p.i])
		}
	}
}

func (p *valueParser) mapping(depth int) (any, error) {
	p.i++ // '{'
	out := map[string]any{}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return out, nil
	}
	for {
		p.space()
		start := p.i
		for p.i < len(p.s) && isKeyChar(p.s[p.i]) {
			p.i++
		}
		key := p.s[start:p.i]
		if !overrideKey.MatchString(key) {
			return nil, p.errorf("mapping key %q is not a name", key)
		}
		p.space()
		if p.i == len(p.s) || p.s[p.i] != ':' {
			return nil, p.errorf("want : after mapping key %q", key)
		}
		p.i++
		v, err := p.element(depth + 1)
		if err != nil {
			return nil, err
		}
		if _, dup := out[key]; dup {
			return nil, p.errorf("mapping key %q repeated", key)
		}
		out[key] = v
		p.space()
		if p.i == len(p.s) {
			return nil, p.errorf("mapping not closed with }")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return out, nil
		default:
			return nil, p.errorf("want , or } in a mapping, got %q", p.s[p.i])
		}
	}
}

func isKeyChar(c byte) bool {
	return c == '_' || c == '$' || c == '-' || c >= '0' && c <= '9' ||
		c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// quoted reads a '...' or "..." string. A run of backslashes before the
// quote or before ${ stands for half as many backslashes, and when the
// run is odd the quote or the ${ is escaped, hence literal (Hydra would
// interpolate an unescaped ${). Other backslashes are literal.
func (p *valueParser) quoted() (any, error) {
	q := p.s[p.i]
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '\\':
			j := p.i
			for j < len(p.s) && p.s[j] == '\\' {
				j++
			}
			run := j - p.i
			switch {
			case j < len(p.s) && p.s[j] == q:
				b.WriteString(strings.Repeat(`\`, run/2))
				p.i = j
				if run%2 == 1 {
					b.WriteByte(q)
					p.i++
				}
			case strings.HasPrefix(p.s[j:], "${"):
				b.WriteString(strings.Repeat(`\`, run/2))
				p.i = j
				if run%2 == 1 {
					b.WriteString("${") // escaped: literal
					p.i += 2
				}
			default:
				b.WriteString(p.s[p.i:j])
				p.i = j
			}
		case c == q:
			p.i++
			return b.String(), nil
		case c == '$' && strings.HasPrefix(p.s[p.i:], "${"):
			return nil, p.errorf("${...} interpolation is not supported")
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return nil, p.errorf("string not closed with %c", q)
}

// primitive reads unquoted text up to a grammar character and types it:
// null, a bool, an integer, a float, or else a string (whitespace at the
// ends trimmed). A backslash escapes the next grammar character.
func (p *valueParser) primitive() (any, error) {
	var b strings.Builder
	escaped := false
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '\\' && p.i+1 < len(p.s) && strings.IndexByte(`\()[]{}:=, '"`, p.s[p.i+1]) >= 0 {
			b.WriteByte(p.s[p.i+1])
			p.i += 2
			escaped = true
			continue
		}
		if strings.IndexByte(",]}[{'\"", c) >= 0 {
			break
		}
		if c == '(' || c == ')' {
			return nil, p.errorf("sweeps and function calls such as choice(...) are not supported")
		}
		if c == '=' {
			return nil, p.errorf("unexpected = (quote the value)")
		}
		if c == '$' && strings.HasPrefix(p.s[p.i:], "${") {
			return nil, p.errorf("${...} interpolation is not supported")
		}
		if c < 0x20 && c != '\t' {
			return nil, p.errorf("control character %q", c)
		}
		b.WriteByte(c)
		p.i++
	}
	text := strings.Trim(b.String(), " \t")
	if escaped {
		return text, nil
	}
	return typedPrimitive(text), nil
}

// Hydra's numeric forms: underscores between digits, leading zeros only
// for zero itself, floats with a dot or an exponent, inf and nan.
var (
	hydraInt   = regexp.MustCompile(`^[+-]?(0|[1-9](_?[0-9])*)$`)
	hydraFloat = regexp.MustCompile(`^[+-]?` +
		`(([0-9](_?[0-9])*)?\.[0-9](_?[0-9])*|[0-9](_?[0-9])*\.?)` + // mantissa
		`([eE][+-]?[0-9](_?[0-9])*)?$`) // exponent
)

// typedPrimitive types unquoted text the way Hydra does.
func typedPrimitive(text string) any {
	switch strings.ToLower(text) {
	case "null":
		return nil
	case "true":
		return true
	case "false":
		return false
	case "inf", "+inf":
		return math.Inf(1)
	case "-inf":
		return math.Inf(-1)
	case "nan", "+nan", "-nan":
		return math.NaN()
	}
	clean := strings.ReplaceAll(text, "_", "")
	if hydraInt.MatchString(text) {
		if i, err := strconv.ParseInt(clean, 10, 64); err == nil {
			return i
		}
		// Too large for int64: Hydra keeps Python's big int; a float is
		// the nearest a candidate can hold.
	}
	if hydraInt.MatchString(text) || hydraFloat.MatchString(text) {
		if f, err := strconv.ParseFloat(clean, 64); err == nil || math.IsInf(f, 0) {
			return f
		}
	}
	return text
}
