package local

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/nascent-nas/nascent"
)

// Overrides formats a candidate's values as Hydra command-line overrides,
// one argument per leaf path: nested mappings are flattened with dots
// (model.major_blocks=[...]) down to the first value that is not a
// mapping, and lists and mappings inside lists are written in Hydra's
// flow syntax. Arguments come sorted by path. Strings are quoted whenever
// Hydra would otherwise read them as something else (a number, a bool,
// null, or text with grammar characters).
func Overrides(values map[string]any) ([]string, error) {
	var out []string
	if err := appendOverrides(&out, "", values); err != nil {
		return nil, err
	}
	return out, nil
}

func appendOverrides(out *[]string, prefix string, m map[string]any) error {
	for _, k := range sortedKeys(m) {
		if !hydraKey.MatchString(k) {
			return fmt.Errorf("overrides: %w: key %q at %q cannot be written as a Hydra override",
				nascent.ErrInvalid, k, prefix)
		}
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		if sub, ok := m[k].(map[string]any); ok && len(sub) > 0 {
			if err := appendOverrides(out, path, sub); err != nil {
				return err
			}
			continue
		}
		v, err := hydraValue(m[k], path)
		if err != nil {
			return err
		}
		*out = append(*out, path+"="+v)
	}
	return nil
}

// hydraKey matches keys that Hydra's override grammar accepts unquoted.
var hydraKey = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$\-]*$`)

// plainString matches strings that Hydra reads back as the same string
// without quotes; anything else is quoted.
var plainString = regexp.MustCompile(`^[A-Za-z_/][A-Za-z0-9_/\-.]*$`)

// hydraValue writes one value in Hydra's override grammar.
func hydraValue(v any, path string) (string, error) {
	switch x := v.(type) {
	case nil:
		return "null", nil
	case bool:
		return strconv.FormatBool(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case int:
		return strconv.Itoa(x), nil
	case float64:
		return hydraFloat(x), nil
	case string:
		return hydraString(x), nil
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			s, err := hydraValue(e, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "[" + strings.Join(parts, ",") + "]", nil
	case map[string]any:
		parts := make([]string, 0, len(x))
		for _, k := range sortedKeys(x) {
			if !hydraKey.MatchString(k) {
				return "", fmt.Errorf("overrides: %w: key %q at %q cannot be written as a Hydra override",
					nascent.ErrInvalid, k, path)
			}
			s, err := hydraValue(x[k], path+"."+k)
			if err != nil {
				return "", err
			}
			parts = append(parts, k+":"+s)
		}
		return "{" + strings.Join(parts, ",") + "}", nil
	}
	return "", fmt.Errorf("overrides: %w: %s: type %T is not canonical", nascent.ErrInvalid, path, v)
}

func hydraFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return "nan"
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(x, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// hydraString quotes s unless Hydra reads it back unchanged as a string.
// Quoted strings use single quotes, with backslash escapes for quotes, for
// "${" (which Hydra would otherwise resolve as an interpolation, even in
// quotes) and for backslashes that precede either or end the string,
// which is how Hydra's grammar unescapes them.
func hydraString(s string) string {
	if plainString.MatchString(s) && !reservedWord(s) {
		return s
	}
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			b.WriteString(`\'`)
		case c == '$' && i+1 < len(s) && s[i+1] == '{':
			// Hydra resolves ${...} even inside quotes unless escaped.
			b.WriteString(`\$`)
		case c == '\\':
			// A run of backslashes is literal unless a quote or the
			// end of the string follows it; then each is doubled.
			j := i
			for j < len(s) && s[j] == '\\' {
				j++
			}
			run := s[i:j]
			if j == len(s) || s[j] == '\'' || strings.HasPrefix(s[j:], "${") {
				run += run
			}
			b.WriteString(run)
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// reservedWord reports whether Hydra would read s as something other than
// a string: a bool, null, or a special float.
func reservedWord(s string) bool {
	switch strings.ToLower(s) {
	case "true", "false", "null", "inf", "nan":
		return true
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
