package local

import (
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nascent-nas/nascent"
)

func TestOverrides(t *testing.T) {
	values := map[string]any{
		"model": map[string]any{
			"major_blocks": []any{
				map[string]any{"size": int64(3), "act": true, "name": "conv 1"},
				map[string]any{"size": int64(5), "act": false, "name": "plain"},
			},
			"dropout": 0.25,
			"width":   2.0,
		},
		"optimizer":  "adamw",
		"empty":      map[string]any{},
		"tricky":     []any{"it's", `back\`, "true", "3", "${oc.env:HOME}", "", nil, "a,b", "[x]"},
		"scientific": 1e-7,
	}
	got, err := Overrides(values)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"empty={}",
		"model.dropout=0.25",
		"model.major_blocks=[{act:true,name:'conv 1',size:3},{act:false,name:plain,size:5}]",
		"model.width=2.0",
		"optimizer=adamw",
		"scientific=1e-07",
		`tricky=['it\'s','back\\','true','3','\${oc.env:HOME}','',null,'a,b','[x]']`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Overrides() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestOverridesRejectsKeysHydraCannotRead(t *testing.T) {
	for _, key := range []string{"a b", "a.b", "x=y", ""} {
		_, err := Overrides(map[string]any{key: int64(1)})
		if !errors.Is(err, nascent.ErrInvalid) {
			t.Errorf("Overrides(%q: 1) = %v, want an ErrInvalid error", key, err)
		}
	}
}

func TestHydraFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{3, "3.0"}, {0.1, "0.1"}, {-2.5e-10, "-2.5e-10"}, {1e21, "1e+21"},
		{math.Inf(1), "inf"}, {math.NaN(), "nan"},
	}
	for _, tt := range tests {
		if got := hydraFloat(tt.in); got != tt.want {
			t.Errorf("hydraFloat(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// unquoteHydra reads back a value written by hydraString the way Hydra's
// override grammar does: a plain word is itself; in a single-quoted
// string \' is a quote, \${ is a literal ${, and a run of backslashes
// before a quote, ${ or the end is halved.
func unquoteHydra(s string) (string, bool) {
	if !strings.HasPrefix(s, "'") {
		return s, true
	}
	if len(s) < 2 || !strings.HasSuffix(s, "'") {
		return "", false
	}
	body := s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			if body[i] == '\'' {
				return "", false // an unescaped quote ends the string early
			}
			b.WriteByte(body[i])
			continue
		}
		j := i
		for j < len(body) && body[j] == '\\' {
			j++
		}
		run := j - i
		switch {
		case j == len(body):
			b.WriteString(strings.Repeat(`\`, run/2))
		case body[j] == '\'' || strings.HasPrefix(body[j:], "${"):
			if run%2 == 0 {
				return "", false // an end quote or an interpolation
			}
			b.WriteString(strings.Repeat(`\`, run/2))
			if body[j] == '\'' {
				b.WriteByte('\'')
				j++
			} else {
				b.WriteString("${")
				j += 2
			}
		default:
			b.WriteString(body[i:j])
		}
		i = j - 1
	}
	return b.String(), true
}

func FuzzHydraString(f *testing.F) {
	for _, s := range []string{"", "plain", "it's", `a\`, `a\'b`, "${x}", `\${x}`, "true", "1.5", "a b,c", `\\'`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		q := hydraString(s)
		back, ok := unquoteHydra(q)
		if !ok || back != s {
			t.Errorf("hydraString(%q) = %s, which reads back as %q (ok %v)", s, q, back, ok)
		}
		if !strings.HasPrefix(q, "'") && reservedWord(q) {
			t.Errorf("hydraString(%q) = %s, unquoted but reserved", s, q)
		}
	})
}
