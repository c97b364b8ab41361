package space

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/nascent-nas/nascent"
)

// TestHashFormat pins the hash of a fixed value: stored studies compare
// hashes across versions, so a change here breaks them and must be
// deliberate. The wanted hash was computed apart from this code, by
// encoding the value by hand as appendCanon documents it and taking
// SHA-256 with Python's hashlib.
func TestHashFormat(t *testing.T) {
	v := map[string]any{
		"b": []any{int64(1), 2.5, "x", true, nil},
		"a": map[string]any{"z": int64(-3), "y": false},
	}
	const want = "a5313c84e66097bbde0c289b0997bca1"
	if got := Hash(v); got != want {
		t.Errorf("Hash(%s) = %s, want %s", format(v), got, want)
	}
}

func TestHashDistinguishes(t *testing.T) {
	tests := []struct {
		name string
		a, b map[string]any
		same bool
	}{
		{"int and float", map[string]any{"x": int64(3)}, map[string]any{"x": 3.0}, false},
		{"string and int", map[string]any{"x": "3"}, map[string]any{"x": int64(3)}, false},
		{"nil and false", map[string]any{"x": nil}, map[string]any{"x": false}, false},
		{"list boundaries", map[string]any{"x": []any{"ab", "c"}}, map[string]any{"x": []any{"a", "bc"}}, false},
		{"nesting", map[string]any{"x": []any{[]any{}}}, map[string]any{"x": []any{}}, false},
		{"key and value", map[string]any{"ab": "c"}, map[string]any{"a": "bc"}, false},
		{"negative zero", map[string]any{"x": math.Copysign(0, -1)}, map[string]any{"x": 0.0}, true},
		{"key order", map[string]any{"a": int64(1), "b": int64(2)}, map[string]any{"b": int64(2), "a": int64(1)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Hash(tt.a) == Hash(tt.b); got != tt.same {
				t.Errorf("Hash(%s) == Hash(%s) is %v, want %v", format(tt.a), format(tt.b), got, tt.same)
			}
		})
	}
}

// TestRoundTrip checks that sampled candidates come back unchanged from
// JSON and from YAML, through Decode and Normalize.
func TestRoundTrip(t *testing.T) {
	for name, s := range validSpaces(t) {
		t.Run(name, func(t *testing.T) {
			r := newRand(12)
			for range 500 {
				c := s.Sample(r)

				j, err := json.Marshal(c.Values)
				if err != nil {
					t.Fatal(err)
				}
				var fromJSON map[string]any
				if err := json.Unmarshal(j, &fromJSON); err != nil {
					t.Fatal(err)
				}
				d, err := s.Decode(fromJSON)
				if err != nil || d.Hash != c.Hash {
					t.Fatalf("Decode(JSON %s) = %v, %v; want hash %s", j, d.Hash, err, c.Hash)
				}

				y, err := MarshalYAML(c.Values)
				if err != nil {
					t.Fatal(err)
				}
				var fromYAML any
				if err := yaml.Unmarshal(y, &fromYAML); err != nil {
					t.Fatal(err)
				}
				n, err := s.Normalize(fromYAML)
				if err != nil || Hash(n) != c.Hash {
					t.Fatalf("Normalize(YAML\n%s) = %v; want hash %s", y, err, c.Hash)
				}
			}
		})
	}
}

func TestCanonical(t *testing.T) {
	in := map[any]any{
		"i": 3, "u": uint64(4), "f": float32(0.5), "n": json.Number("7"),
		"nf": json.Number("7.5"), "l": []any{int8(1), uint16(2)},
	}
	got, err := Canonical(in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"i": int64(3), "u": int64(4), "f": 0.5, "n": int64(7),
		"nf": 7.5, "l": []any{int64(1), int64(2)}}
	if Hash(got.(map[string]any)) != Hash(want) {
		t.Errorf("Canonical(%v) = %s, want %s", in, format(got), format(want))
	}
	for _, bad := range []any{
		map[any]any{1: "x"}, uint64(math.MaxUint64), math.NaN(), math.Inf(1),
		struct{}{}, map[string]any{"a": []any{make(chan int)}},
	} {
		if _, err := Canonical(bad); !errors.Is(err, nascent.ErrInvalid) {
			t.Errorf("Canonical(%#v) = %v, want an ErrInvalid error", bad, err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	s := mustParse(t, `
a: [1, 2, 3]
b: {lower: 0, upper: 10, int: true}
c: {lower: 0.0, upper: 1.0, step: 0.25}
l: {min: 1, max: 3, choices: [{k: [x, y]}, z]}
s: {choices: [p, q, r], size: 2}
p: {choices: [p, q, r], partitions: 2}
_t_: fixed
`)
	good := map[string]any{
		"a": 2.0, "b": 3.0, "c": 0.5, "l": []any{map[string]any{"k": "x"}, "z"},
		"s": []any{"r", "p"}, "p": []any{[]any{"q"}, []any{"p", "r"}}, "_t_": "fixed",
	}
	d, err := s.Decode(good)
	if err != nil {
		t.Fatalf("Decode(%s) = %v", format(good), err)
	}
	if d.Values["b"] != int64(3) || d.Values["a"] != int64(2) {
		t.Errorf("Decode made %#v, %#v; want int64", d.Values["a"], d.Values["b"])
	}
	if got := format(d.Values["s"]); got != `["p","r"]` {
		t.Errorf("subset decoded as %s, want choices order [p r]", got)
	}

	tests := []struct {
		key  string
		val  any
		want string // prefix of the error
	}{
		{"a", int64(4), "a: 4 is none of the 3 choices"},
		{"b", 3.5, "b: 3.5 is not an integer"},
		{"b", int64(10), "b: 10 is outside [0, 10)"},
		{"b", "3", "b: got \"3\", want a number"},
		{"c", 0.3, "c: 0.3 is not on the grid 0 + k*0.25"},
		{"l", []any{}, "l: list of length 0, want a length in [1, 3)"},
		{"l", []any{map[string]any{"k": "w"}}, "l[0]: {\"k\":\"w\"} is none of the 2 choices"},
		{"l", "z", "l: got z, want a list"},
		{"s", []any{"p", "p"}, "s: p appears twice"},
		{"s", []any{"p", "w"}, "s[1]: w is not one of the choices"},
		{"s", []any{"p"}, "s: got [\"p\"], want a list of 2"},
		{"p", []any{[]any{"q"}, []any{}}, "p[1]: got [], want a non-empty list"},
		{"p", []any{[]any{"q"}, []any{"p"}}, "p: r is in no group"},
		{"p", []any{[]any{"q", "p"}, []any{"p", "r"}}, "p[1][0]: p appears twice"},
		{"_t_", "other", "_t_: got other, want the constant fixed"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			v := make(map[string]any)
			for k, x := range good {
				v[k] = x
			}
			v[tt.key] = tt.val
			_, err := s.Decode(v)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Decode with %s = %v = %v, want %q", tt.key, format(tt.val), err, tt.want)
			}
			if !errors.Is(err, nascent.ErrInvalid) {
				t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
			}
		})
	}

	extra := map[string]any{"zz": int64(1)}
	for k, x := range good {
		extra[k] = x
	}
	if _, err := s.Decode(extra); err == nil || !strings.HasPrefix(err.Error(), "zz: not a key") {
		t.Errorf("Decode with an extra key = %v", err)
	}
	delete(extra, "zz")
	delete(extra, "a")
	if _, err := s.Decode(extra); err == nil || !strings.HasPrefix(err.Error(), "a: missing") {
		t.Errorf("Decode without a = %v", err)
	}
}

func TestMarshalYAMLFloats(t *testing.T) {
	v := map[string]any{"a": 3.0, "b": 1e-7, "c": int64(3), "d": "1.0", "e": 1e300}
	y, err := MarshalYAML(v)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := yaml.Unmarshal(y, &back); err != nil {
		t.Fatal(err)
	}
	c, err := Canonical(back)
	if err != nil {
		t.Fatal(err)
	}
	if Hash(c.(map[string]any)) != Hash(v) {
		t.Errorf("YAML round trip of %s gave %s via\n%s", format(v), format(c), y)
	}
}

// TestFormatMatchesJSON checks the hand-written JSON of descriptions
// against encoding/json.
func TestFormatMatchesJSON(t *testing.T) {
	for name, s := range validSpaces(t) {
		r := newRand(2)
		for range 200 {
			v := s.Sample(r).Values
			want, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if got := format(v); got != string(want) {
				t.Fatalf("%s: format = %s, want %s", name, got, want)
			}
		}
	}
	odd := []any{"a\"b", "tab\t", "é", "<x>", 1e-7, 1e21, 123456789.0, -0.5, int64(-3), []any{}, map[string]any{}}
	want, _ := json.Marshal(odd)
	if got := format(odd); got != string(want) {
		t.Errorf("format = %s, want %s", got, want)
	}
}
