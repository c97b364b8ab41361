package space

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Canonical returns v with the Go types of decoded JSON or YAML turned
// into the canonical ones of nascent.Candidate.Values: map[string]any,
// []any, string, int64, float64, bool and nil. Other integer types become
// int64 and float32 becomes float64; a json.Number becomes an int64 when
// it is an integer and a float64 otherwise. It does not know the space,
// so an integral float64 stays a float64: use Space.Normalize for that.
//
// It fails with an ErrInvalid error on other types, on non-string map
// keys, on unsigned integers above math.MaxInt64 and on non-finite
// numbers. v is not modified; the result shares no maps or slices with it.
func Canonical(v any) (any, error) {
	return canonical(v, "")
}

func canonical(v any, path string) (any, error) {
	switch x := v.(type) {
	case nil, string, bool, int64:
		return x, nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, valueErrorf(path, "non-finite number %v", x)
		}
		return x, nil
	case float32:
		return canonical(float64(x), path)
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint:
		return canonicalUint(uint64(x), path)
	case uint64:
		return canonicalUint(x, path)
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i, nil
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return nil, valueErrorf(path, "bad number %q", string(x))
		}
		return canonical(f, path)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			c, err := canonical(e, indexPath(path, i))
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			c, err := canonical(e, joinKey(path, k))
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			ks, ok := k.(string)
			if !ok {
				return nil, valueErrorf(path, "map key %v is a %T, not a string", k, k)
			}
			c, err := canonical(e, joinKey(path, ks))
			if err != nil {
				return nil, err
			}
			out[ks] = c
		}
		return out, nil
	}
	return nil, valueErrorf(path, "unsupported value type %T", v)
}

func canonicalUint(u uint64, path string) (any, error) {
	if u > math.MaxInt64 {
		return nil, valueErrorf(path, "integer %d is out of range", u)
	}
	return int64(u), nil
}

// fresh returns v, with lists and maps copied: every candidate owns its
// Values, so a caller that edits one cannot change another, or the space.
func fresh(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fresh(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = fresh(e)
		}
		return out
	}
	return v
}

// Hash returns the stable hash of canonical values: the hex form of the
// first 16 bytes of the SHA-256 of their canonical byte encoding. The
// encoding sorts map keys and tells int64 from float64, so 3 and 3.0 hash
// differently; -0.0 hashes as 0.0. Values must be canonical (see
// Canonical); other types make Hash panic.
func Hash(values map[string]any) string {
	buf := appendCanon(make([]byte, 0, 512), values)
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:16])
}

// Type tags of the canonical byte encoding. They are part of the hash
// format: changing them changes every stored hash.
const (
	tagNull   = 'n'
	tagFalse  = 'f'
	tagTrue   = 't'
	tagInt    = 'i'
	tagFloat  = 'd'
	tagString = 's'
	tagList   = 'l'
	tagMap    = 'm'
)

// appendCanon appends the canonical encoding of v: a type tag, then for
// numbers 8 big-endian bytes, for strings a length and the bytes, for
// lists a length and the items, for maps a length and the entries sorted
// by key. Lengths make the encoding prefix-free, so that no two values
// share an encoding.
func appendCanon(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, tagNull)
	case bool:
		if x {
			return append(b, tagTrue)
		}
		return append(b, tagFalse)
	case int64:
		b = append(b, tagInt)
		return binary.BigEndian.AppendUint64(b, uint64(x))
	case float64:
		if x == 0 {
			x = 0 // fold -0.0 into 0.0
		}
		b = append(b, tagFloat)
		return binary.BigEndian.AppendUint64(b, math.Float64bits(x))
	case string:
		return appendString(append(b, tagString), x)
	case []any:
		b = binary.AppendUvarint(append(b, tagList), uint64(len(x)))
		for _, e := range x {
			b = appendCanon(b, e)
		}
		return b
	case map[string]any:
		return appendMap(b, x)
	}
	panic(fmt.Sprintf("space: Hash of non-canonical type %T", v))
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendMap(b []byte, m map[string]any) []byte {
	b = binary.AppendUvarint(append(b, tagMap), uint64(len(m)))
	var small [16]string
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b = appendString(b, k)
		b = appendCanon(b, m[k])
	}
	return b
}

// number returns v as a float64 and whether it is a number at all. Bools
// are not numbers.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// equalValue reports whether the canonical values a and b are the same
// point. Numbers compare by value, so that 3 and 3.0 are equal: a value
// that went through JSON may have lost the difference.
func equalValue(a, b any) bool {
	switch x := a.(type) {
	case int64:
		switch y := b.(type) {
		case int64:
			return x == y
		case float64:
			return float64(x) == y && y == math.Trunc(y)
		}
		return false
	case float64:
		switch y := b.(type) {
		case float64:
			return x == y
		case int64:
			return equalValue(y, x)
		}
		return false
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !equalValue(xv, yv) {
				return false
			}
		}
		return true
	}
	return a == b
}

// format renders a canonical value for a human: scalars plainly, lists
// and maps as compact JSON with sorted keys.
func format(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if needsQuotes(x) {
			return string(appendJSONString(nil, x))
		}
		return x
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return string(appendJSON(nil, v))
}

// appendJSON appends v as compact JSON with sorted keys. It is
// encoding/json's output for canonical values, written without
// reflection because mutation descriptions are made in the hot loop.
func appendJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		return appendJSONFloat(b, x)
	case string:
		return appendJSONString(b, x)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e)
		}
		return append(b, ']')
	case map[string]any:
		var small [16]string
		keys := small[:0]
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSON(b, x[k])
		}
		return append(b, '}')
	}
	return fmt.Appendf(b, "%v", v)
}

// appendJSONFloat formats a float as encoding/json does.
func appendJSONFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		b = strconv.AppendFloat(b, f, 'e', -1, 64)
		// Go writes a two-digit exponent, e-07; JSON's writer drops the 0.
		if n := len(b); n >= 4 && string(b[n-4:n-1]) == "e-0" {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
		return b
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// appendJSONString quotes s as JSON: plain printable ASCII directly, the
// rest through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// needsQuotes reports whether a string would read as something else, or
// run into its neighbours, if written bare.
func needsQuotes(s string) bool {
	switch strings.ToLower(s) {
	case "", "true", "false", "null", "~", "yes", "no", "on", "off":
		return true
	}
	if mayBeNumber(s) {
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return true
		}
	}
	for i := 0; i < len(s); i++ {
		if quoteBytes[s[i]] {
			return true
		}
	}
	return false
}

// quoteBytes marks the bytes that make a bare string run into its
// neighbours. A table read beats strings.ContainsAny, which builds its
// set on every call (added by the evo/bench engineer).
var quoteBytes = func() (t [256]bool) {
	for _, c := range []byte(" ,:[]{}\"'#&*!|>%@`") {
		t[c] = true
	}
	return t
}()

// mayBeNumber reports whether strconv.ParseFloat could accept s: every
// number it reads is an optional sign and then a digit, a point, or inf,
// infinity or nan in any case. A failed ParseFloat allocates its error,
// which made up a tenth of the NAS-Bench-201 benchmark's time (added by
// the evo/bench engineer).
func mayBeNumber(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	if c := s[0]; c >= '0' && c <= '9' || c == '.' {
		return true
	}
	return strings.EqualFold(s, "inf") || strings.EqualFold(s, "infinity") ||
		strings.EqualFold(s, "nan")
}
