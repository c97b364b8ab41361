package cli

import (
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/kws"
	"github.com/nascent-nas/nascent/local"
	"github.com/nascent-nas/nascent/space"
)

func TestParseOverride(t *testing.T) {
	for _, c := range []struct {
		name string
		arg  string
		path string
		want any
	}{
		{"int", "a=3", "a", int64(3)},
		{"negative int", "a=-12", "a", int64(-12)},
		{"underscores", "a=1_000", "a", int64(1000)},
		{"float", "dropout_prob=0.1", "dropout_prob", 0.1},
		{"exponent", "lr=1e-07", "lr", 1e-7},
		{"dot float", "a=.5", "a", 0.5},
		{"bool", "a=True", "a", true},
		{"null", "a=null", "a", nil},
		{"string", "act=relu", "act", "relu"},
		{"string with spaces", "a= hello world ", "a", "hello world"},
		{"empty", "a=", "a", ""},
		{"quoted number", "a='3'", "a", "3"},
		{"double quoted", `a="x, y"`, "a", "x, y"},
		{"escaped quote", `a='it\'s'`, "a", "it's"},
		{"backslash before quote", `a='a\\'`, "a", `a\`},
		{"literal backslash", `a='a\b'`, "a", `a\b`},
		{"escaped interpolation", `a='\${x}'`, "a", "${x}"},
		{"backslash, escaped interpolation", `a='\\\${x}'`, "a", `\${x}`},
		{"escaped comma", `a=x\,y`, "a", "x,y"},
		{"plus", "+a.b=1", "a.b", int64(1)},
		{"plus plus", "++a=1", "a", int64(1)},
		{"list", "a=[1, 2.5, x]", "a", []any{int64(1), 2.5, "x"}},
		{"empty list", "a=[]", "a", []any{}},
		{"mapping", "a={x: 1, y: [true]}", "a", map[string]any{"x": int64(1), "y": []any{true}}},
		{
			"hannah blocks",
			"model.major_blocks=[{output_channels: 16, stride: 2, minor_blocks: [{size: 3, parallel: false}]}]",
			"model.major_blocks",
			[]any{map[string]any{
				"output_channels": int64(16), "stride": int64(2),
				"minor_blocks": []any{map[string]any{"size": int64(3), "parallel": false}},
			}},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			o, err := parseOverride(c.arg)
			if err != nil {
				t.Fatalf("parseOverride(%q) = %v", c.arg, err)
			}
			if got := strings.Join(o.path, "."); got != c.path {
				t.Errorf("parseOverride(%q) path = %q, want %q", c.arg, got, c.path)
			}
			if !reflect.DeepEqual(o.value, c.want) {
				t.Errorf("parseOverride(%q) = %#v, want %#v", c.arg, o.value, c.want)
			}
		})
	}
}

func TestParseOverrideErrors(t *testing.T) {
	for _, c := range []struct {
		name, arg, want string
	}{
		{"no equals", "dropout_prob", "key=value"},
		{"bad key", "a..b=1", "dotted path"},
		{"empty key", "=1", "dotted path"},
		{"unclosed list", "a=[1, 2", "not closed"},
		{"unclosed mapping", "a={x: 1", "not closed"},
		{"unclosed string", "a='abc", "not closed"},
		{"missing colon", "a={x 1}", "want :"},
		{"repeated key", "a={x: 1, x: 2}", "repeated"},
		{"sweep", "a=choice(1,2)", "sweeps"},
		{"interpolation", "a=${b}", "interpolation"},
		{"quoted interpolation", "a='${b}'", "interpolation"},
		{"backslash then interpolation", `a='\\${b}'`, "interpolation"},
		{"trailing", "a=[1] 2", "unexpected"},
		{"deep", "a=" + strings.Repeat("[", 200), "deeper"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseOverride(c.arg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("parseOverride(%q) = %v, want an error containing %q", c.arg, err, c.want)
			}
			if !errors.Is(err, nascent.ErrInvalid) || !strings.Contains(err.Error(), strconv.Quote(c.arg)) {
				t.Errorf("parseOverride(%q) = %v, want ErrInvalid quoting the argument", c.arg, err)
			}
		})
	}
}

func TestApplyOverride(t *testing.T) {
	values := map[string]any{"model": map[string]any{"dropout_prob": 0.5}, "x": int64(1)}
	for _, arg := range []string{"model.dropout_prob=0.1", "model.extra.deep=1", "~x", "~missing.key"} {
		o, err := parseOverride(arg)
		if err != nil {
			t.Fatal(err)
		}
		if err := applyOverride(values, o); err != nil {
			t.Fatalf("applyOverride(%q) = %v", arg, err)
		}
	}
	want := map[string]any{"model": map[string]any{
		"dropout_prob": 0.1, "extra": map[string]any{"deep": int64(1)}}}
	if !reflect.DeepEqual(values, want) {
		t.Errorf("after overrides values = %v, want %v", values, want)
	}
	o, _ := parseOverride("model.dropout_prob.x=1")
	if err := applyOverride(values, o); err == nil {
		t.Errorf("override through a number = nil error, want one")
	}
}

// roundTrip writes values as local.Overrides does for a trial, reads the
// overrides back and returns the result.
func roundTrip(t testing.TB, values map[string]any) map[string]any {
	t.Helper()
	args, err := local.Overrides(values)
	if err != nil {
		t.Fatalf("local.Overrides(%v) = %v", values, err)
	}
	got := map[string]any{}
	for _, arg := range args {
		o, err := parseOverride(arg)
		if err != nil {
			t.Fatalf("parseOverride(%q), written by local.Overrides: %v", arg, err)
		}
		if err := applyOverride(got, o); err != nil {
			t.Fatal(err)
		}
	}
	return got
}

// TestOverridesRoundTrip checks that what the local launcher writes for a
// trial reads back as the same candidate.
func TestOverridesRoundTrip(t *testing.T) {
	for _, c := range []struct {
		name   string
		values map[string]any
	}{
		{"tc-resnet8", map[string]any{"model": kws.TCResNet8(16, 24, 32, 48)}},
		{"awkward strings", map[string]any{"s": []any{
			"it's", `back\`, `a\'b`, "${x}", `\${x}`, "true", "3", "a b", "", "x,y]", "null",
		}}},
		{"numbers", map[string]any{"f": []any{1e-7, 3.0, -0.5, 1e300}, "i": int64(-7)}},
		{"empty mapping", map[string]any{"m": map[string]any{}, "n": nil}},
	} {
		t.Run(c.name, func(t *testing.T) {
			want, err := space.Canonical(c.values)
			if err != nil {
				t.Fatal(err)
			}
			if got := roundTrip(t, c.values); !reflect.DeepEqual(got, want) {
				t.Errorf("round trip = %#v, want %#v", got, want)
			}
		})
	}
}

// FuzzParseOverride: any argument parses or fails with ErrInvalid, never
// panics; a finite value that parses survives a round trip through
// local.Overrides.
func FuzzParseOverride(f *testing.F) {
	for _, s := range []string{
		"a=1", "a.b=[1,{x: 'y'}]", `a='it\'s'`, "a={}", "~a", "+a=-1e5",
		"a=[[[]]]", `a="\\"`, "a=choice(1)", "a=x\\,y", "a=  b  c ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		o, err := parseOverride(arg)
		if err != nil {
			if !errors.Is(err, nascent.ErrInvalid) {
				t.Fatalf("parseOverride(%q) error %v does not wrap ErrInvalid", arg, err)
			}
			return
		}
		if o.delete {
			return
		}
		values := map[string]any{}
		if err := applyOverride(values, o); err != nil {
			t.Fatalf("applyOverride(%q) on empty values = %v", arg, err)
		}
		want, err := space.Canonical(values)
		if err != nil {
			return // non-finite numbers: not a candidate value
		}
		if !hasFinite(want) {
			return
		}
		if got := roundTrip(t, values); !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip of %q = %#v, want %#v", arg, got, want)
		}
	})
}

// hasFinite reports whether every float in v is finite (Canonical
// rejects non-finite ones, so this only guards the fuzz target).
func hasFinite(v any) bool {
	switch x := v.(type) {
	case float64:
		return !math.IsInf(x, 0) && !math.IsNaN(x)
	case []any:
		for _, e := range x {
			if !hasFinite(e) {
				return false
			}
		}
	case map[string]any:
		for _, e := range x {
			if !hasFinite(e) {
				return false
			}
		}
	}
	return true
}
