package space

import (
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/nascent-nas/nascent"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		params int
		size   string // "" for unbounded
	}{
		{"choice", "a: [1, 2, 3]", 1, "3"},
		{"constants only beside a choice", "a: [x, y]\nb: 1\nc: {d: e}", 1, "2"},
		{"choice of one space", "a: [{b: [1, 2]}]", 1, "2"},
		{"choice of spaces", "a: [{b: [1, 2]}, {c: [1, 2, 3]}, z]", 3, "6"},
		{"choice list", "l: {min: 1, max: 3, choices: [a, b]}", 2, "6"},
		{"choice list fixed length", "l: {min: 2, max: 3, choices: [a, b]}", 1, "4"},
		{"choice list of spaces", "l: {min: 0, max: 2, choices: [{k: [1, 2]}]}", 2, "3"},
		{"interval", "x: {lower: 0.0, upper: 1.0}", 1, ""},
		{"interval int", "x: {lower: 0, upper: 10, int: true}", 1, "10"},
		{"interval integer", "x: {lower: -3, upper: 3, integer: true}", 1, "6"},
		{"interval integer single value beside choice", "x: {lower: 3, upper: 4, int: true}\ny: [a, b]", 1, "2"},
		{"interval int false", "x: {lower: 0, upper: 10, int: false}", 1, ""},
		{"interval log", "x: {lower: 1.0e-4, upper: 1.0, log: true}", 1, ""},
		{"interval step", "x: {lower: 0.0, upper: 1.0, step: 0.3}", 1, "4"},
		{"interval int step", "x: {lower: 0, upper: 10, int: true, step: 3}", 1, "4"},
		{"subset", "s: {choices: [a, b, c, d], size: 2}", 1, "6"},
		{"subset of all", "s: {choices: [a, b], size: 2}\nt: [1, 2]", 1, "2"},
		{"partition", "p: {choices: [a, b, c], partitions: 2}", 1, "6"},
		{"partition alias", "p: {choices: [a, b, c, d], partition: 3}", 1, "36"},
		{"partition of singletons", "p: {choices: [a, b, c], partitions: 3}", 1, "6"},
		{"partition of one group", "p: {choices: [a, b, c], partitions: 1}\nq: [1, 2]", 1, "2"},
		{"underscore key literal", "_target_: [1, 2]\na: [1, 2]", 1, "2"},
		{"min max without choices are constants", "clip: {min: 0, max: 1}\na: [1, 2]", 1, "2"},
		{"a key near choices alone is a constant", "choice: [a, b]\nlow: 3", 1, "2"},
		{"anchor and alias", "a: &x [1, 2]\nb: *x", 2, "4"},
		{"merge key", "base: &b {w: [1, 2], k: 3}\nd: {<<: *b, k: 4}", 2, "4"},
		{"tags", "a: !!str 12\nb: !!seq [1, 2]", 1, "2"},
		{"parametrization key", "other: 1\nparametrization:\n  a: [1, 2]", 1, "2"},
		{"hydra config", "hydra:\n  sweeper:\n    parametrization:\n      a: [1, 2, 3]\nmodel: {x: 1}", 1, "3"},
		{"study file", "name: s\ntrial:\n  command: [run, --epochs, \"30\"]\n" +
			"objectives:\n  - {name: err, direction: minimize}\nspace:\n  a: [1, 2, 3]", 1, "3"},
		{"study file anchored space", "name: s\nspace: &s\n  a: [1, 2]\n  b: [x, y]", 2, "4"},
		{"parametrization before study space", "parametrization: {a: [1, 2]}\nspace: {b: [1, 2, 3]}", 1, "2"},
		{"mixed choices", "a: [relu, none]\nb: [1, auto]\nc: [null, 3]\nd: [1, 2 x]", 4, "16"},
		{"quoted number run is meant", "a: [\"4 6\", 8]\nb: ['1 2']", 1, "2"},
		{"number run beside a space", "a: [4 6, {b: [1, 2]}]", 2, "3"},
		{"number-like words", "a: [1, e e, inf nan, 0x1 2]", 1, "4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("t.yaml", []byte(tt.src))
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tt.src, err)
			}
			if got := s.NumParams(); got != tt.params {
				t.Errorf("NumParams() = %d, want %d", got, tt.params)
			}
			if got := sizeString(s.Size()); got != tt.size {
				t.Errorf("Size() = %q, want %q", got, tt.size)
			}
			if tt.size == "" && s.SizeString() != "unbounded" {
				t.Errorf("SizeString() = %q, want unbounded", s.SizeString())
			}
		})
	}
}

func TestSizeTooLarge(t *testing.T) {
	s := mustParse(t, "l: {min: 0, max: 900, choices: [{m: {min: 0, max: 900, choices: [a, b]}}]}")
	if s.Size() != nil || s.SizeString() != "too large to count" {
		t.Errorf("Size() = %v, SizeString() = %q, want nil and too large to count",
			s.Size(), s.SizeString())
	}
	// 16^999 = 2^3996 points are still counted exactly.
	s = mustParse(t, "l: {min: 999, max: 1000, choices: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p]}")
	want := new(big.Int).Lsh(big.NewInt(1), 3996)
	if got := s.Size(); got == nil || got.Cmp(want) != 0 {
		t.Errorf("Size() = %v, want 2^3996", got)
	}
}

func sizeString(n *big.Int) string {
	if n == nil {
		return ""
	}
	return n.String()
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name string
		src  string
		// want is "line:col: path: message fragment" of one error.
		want string
	}{
		{"yaml syntax", "a: [1, 2\n", "1:4: : YAML syntax"},
		{"empty file", "# nothing\n", "1:1: : empty file"},
		{"two documents", "a: [1, 2]\n---\nb: [1, 2]\n", "3:1: : more than one YAML document"},
		{"top-level list", "- 1\n- 2\n", "1:1: : a search space must be a mapping of keys to parameters, got a list"},
		{"hydra without space", "hydra:\n  run: {dir: x}\n", "1:1: : a Hydra config without hydra.sweeper.parametrization"},
		{"duplicate key", "a: [1, 2]\nb: 1\na: [3]\n", "3:1: a: duplicate key \"a\" (first at line 1, column 1)"},
		{"alias loop", "a: &x\n  b: *x\n", "2:6: a.b: alias *x is inside the node its anchor &x names"},
		{"undefined alias", "a: *nope\n", "1:4: a: alias *nope has no anchor"},
		{"empty choice", "a: []\n", "1:4: a: empty list"},
		{"duplicate choice", "a: [1, 2, 1]\n", "1:11: a[2]: duplicate choice 1 (also at [0])"},
		{"duplicate numeric choice", "a: [1, 1.0]\n", "1:8: a[1]: duplicate choice 1 (also at [0])"},
		{"choices alone", "a: {choices: [1, 2]}\n", "1:5: a: choices needs min and max"},
		{"choice list min negative", "m:\n  l: {min: -1, max: 3, choices: [a]}\n", "2:12: m.l.min: must be >= 0, got -1"},
		{"choice list min >= max", "l: {min: 3, max: 3, choices: [a]}\n", "1:18: l.max: must be greater than min 3, got 3"},
		{"choice list missing max", "l: {min: 1, choices: [a, b]}\n", "1:5: l: missing key max"},
		{"choice list unknown key", "l: {min: 1, max: 3, choices: [a], mx: 2}\n", "1:35: l.mx: unknown key in a choice list (did you mean max?)"},
		{"choice list float min", "l: {min: 1.5, max: 3, choices: [a]}\n", "1:10: l.min: must be an integer, got 1.5"},
		{"choice list choices not list", "l: {min: 1, max: 3, choices: a}\n", "1:30: l.choices: must be a list"},
		{"choice list huge max", "l: {min: 0, max: 100000, choices: [a, b]}\n", "1:18: l.max: must be at most 1000"},
		{"nested error path", "model:\n  major_blocks:\n    min: 1\n    max: 3\n    choices:\n      - minor_blocks: {min: -1, max: 2, choices: [c]}\n",
			"6:29: model.major_blocks.choices[0].minor_blocks.min: must be >= 0, got -1"},
		{"interval lower >= upper", "x: {lower: 2, upper: 1}\n", "1:22: x.upper: must be greater than lower 2, got 1"},
		{"interval lower == upper", "x: {lower: 1, upper: 1}\n", "1:22: x.upper: must be greater than lower 1"},
		{"interval missing upper", "x: {lower: 1}\n", "1:5: x: missing key upper"},
		{"interval unknown key", "x: {lower: 1, upper: 2, integr: true}\n", "1:25: x.integr: unknown key in an interval (did you mean integer?)"},
		{"interval int typo hannah fell for", "x: {lower: 1, upper: 5, in: true}\n", "1:25: x.in: unknown key in an interval (did you mean int?)"},
		{"interval both aliases", "x: {lower: 1, upper: 5, int: true, integer: true}\n", "1:36: x.integer: integer and its alias int both given"},
		{"interval string bound", "x: {lower: a, upper: 1}\n", "1:12: x.lower: must be a number, got the string \"a\""},
		{"interval 1e-3 is a string", "x: {lower: 1e-3, upper: 1.0}\n", "1:12: x.lower: must be a number, got the string \"1e-3\" (YAML reads a number without a dot as a string; write 0.001)"},
		{"interval bool flag", "x: {lower: 1, upper: 2, log: yes}\n", "1:30: x.log: must be true or false, got the string \"yes\""},
		{"interval log lower zero", "x: {lower: 0, upper: 1, log: true}\n", "1:12: x.lower: must be > 0 when log is true, got 0"},
		{"interval log lower negative", "x: {lower: -1, upper: 1, log: true}\n", "1:12: x.lower: must be > 0 when log is true, got -1"},
		{"interval int fractional", "x: {lower: 0.5, upper: 3, int: true}\n", "1:12: x.lower: must be an integer"},
		{"interval step too big", "x: {lower: 0, upper: 1, step: 1}\n", "1:31: x.step: step 1 does not fit the range [0, 1)"},
		{"interval step zero", "x: {lower: 0, upper: 1, step: 0}\n", "1:31: x.step: must be > 0, got 0"},
		{"interval step negative", "x: {lower: 0, upper: 1, step: -0.1}\n", "1:31: x.step: must be > 0, got -0.1"},
		{"interval int step fractional", "x: {lower: 0, upper: 10, int: true, step: 0.5}\n", "1:43: x.step: must be an integer when integer is true"},
		{"interval step with log", "x: {lower: 1, upper: 10, log: true, step: 1}\n", "1:43: x.step: step cannot be combined with log"},
		{"interval too wide", "x: {lower: -1.0e308, upper: 1.0e308}\n", "1:29: x.upper: the range [-1e+308, 1e+308) is wider than a float64 holds"},
		{"interval tiny", "x: {lower: 1.0, upper: 1.0000000000000002}\n", "1:24: x.upper: the interval [1, 1.0000000000000002) holds a single number"},
		{"subset size too big", "s: {choices: [a, b], size: 3}\n", "1:28: s.size: must be between 0 and the number of choices 2, got 3"},
		{"subset size negative", "s: {choices: [a, b], size: -1}\n", "1:28: s.size: must be between 0"},
		{"subset empty choices", "s: {choices: [], size: 0}\n", "1:14: s.choices: must be a non-empty list"},
		{"subset duplicate", "s: {choices: [a, b, a], size: 1}\n", "1:21: s.choices[2]: duplicate choice a (also at [0])"},
		{"partition zero", "p: {choices: [a, b], partitions: 0}\n", "1:34: p.partitions: must be between 1 and the number of choices 2, got 0"},
		{"partition too many", "p: {choices: [a, b], partition: 3}\n", "1:33: p.partition: must be between 1 and the number of choices 2, got 3"},
		{"partition both aliases", "p: {choices: [a, b, c], partition: 2, partitions: 2}\n", "1:39: p.partitions: partitions and its alias partition both given"},
		{"subset and partition keys", "p: {choices: [a, b, c], size: 1, partitions: 2}\n", "1:34: p.partitions: unknown key in a subset"},
		{"sample too wide", "l: {min: 0, max: 1000, choices: [{m: {min: 0, max: 1000, choices: [a, b]}}]}\n",
			"1:1: : a sample could hold up to 1e+06 values"},
		{"misspelt choices", "l: {min: 1, max: 3, choice: [a, b]}\n", "1:21: l.choice: unknown key beside parameter keys (did you mean choices?)"},
		{"misspelt lower and upper", "x: {lowr: 1, uper: 2}\n", "1:5: x.lowr: unknown key beside parameter keys (did you mean lower?)"},
		{"no mutation", "a: 1\nb: [x]\nc: {lower: 1, upper: 2, int: true}\n", "1:1: : the space offers no mutation"},
		{"no mutation empty", "{}\n", "1:1: : the space offers no mutation"},
		{"no mutation choice list", "l: {min: 0, max: 1, choices: [a, b]}\n", "1:1: : the space offers no mutation"},
		{"non-finite", "a: [1, .inf]\n", "1:8: a[1]: non-finite number .inf"},
		{"int out of range", "a: [1, 18446744073709551615]\n", "1:8: a[1]: integer 18446744073709551615 is out of range"},
		{"unknown tag", "a: !foo [1, 2]\n", "1:4: a: unsupported YAML tag !foo"},
		{"complex key", "? [a, b]\n: 1\nc: [1, 2]\n", "2:1: : YAML syntax"},
		{"merge non-mapping", "a: &x [1]\nb: {<<: *x, c: [1, 2]}\n", "1:8: b: merge key << needs a mapping"},
		{"missing comma", "output_channels: [4 6, 8, 12]\n",
			"1:19: output_channels[0]: \"4 6\" looks like numbers missing a comma between them; write 4, 6"},
		{"missing comma last", "a: [4, 8, 12 16]\n", "1:11: a[2]: \"12 16\" looks like numbers missing a comma"},
		{"missing commas only", "a: [4 6 8]\n", "1:5: a[0]: \"4 6 8\" looks like numbers missing a comma between them; write 4, 6, 8"},
		{"missing comma signs and floats", "a: [0.5, -1 +2.5e-3]\n", "1:10: a[1]: \"-1 +2.5e-3\" looks like numbers missing a comma between them; write -1, +2.5e-3"},
		{"missing comma block list", "a:\n  - 1\n  - 2  3\n", "3:5: a[1]: \"2  3\" looks like numbers missing a comma between them; write 2, 3"},
		{"missing comma in choice list", "l: {min: 1, max: 3, choices: [1 2, 3]}\n", "1:31: l.choices[0]: \"1 2\" looks like numbers"},
		{"missing comma in nested choice", "m:\n  - {k: [3, 5 7]}\n", "2:13: m[0].k[1]: \"5 7\" looks like numbers"},
		{"missing comma in subset", "s: {choices: [1, 2 3], size: 1}\n", "1:18: s.choices[1]: \"2 3\" looks like numbers"},
		{"missing comma in partition", "p: {choices: [1 2, 3, 4], partitions: 2}\n", "1:15: p.choices[0]: \"1 2\" looks like numbers"},
		{"study space a list", "name: s\nspace: [1, 2]\n", "2:8: space: want a mapping or the path of a space file, not a list"},
		{"study space null", "name: s\nspace:\n", "2:8: space: want a mapping or the path of a space file, not null"},
		{"study space path not read by Parse", "name: s\nspace: space.yaml\n", "2:8: space: space file \"space.yaml\" is not read here"},
		{"study space error position", "name: s\nspace:\n  a: []\n", "3:6: space.a: empty list"},
		{"study space alias outside", "w: &w [1, 2]\nspace:\n  a: *w\n", "3:6: space.a: alias *w has no anchor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tt.src))
			if err == nil {
				t.Fatalf("Parse(%q) = nil error, want %q", tt.src, tt.want)
			}
			if !errors.Is(err, nascent.ErrInvalid) {
				t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
			}
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("Parse error %T is not a non-empty Errors", err)
			}
			for _, e := range errs {
				if e.File != "t.yaml" || e.Line < 1 || e.Column < 1 {
					t.Errorf("error without a position: %#v", e)
				}
				got := strings.TrimPrefix(e.Error(), "t.yaml:")
				if e.Path == "" {
					// Compare as "line:col: : msg" so the table reads alike.
					got = strings.Replace(got, ": ", ": : ", 1)
				}
				if strings.HasPrefix(got, tt.want) {
					return
				}
			}
			t.Errorf("Parse(%q) errors:\n%v\nwant one starting %q", tt.src, err, tt.want)
		})
	}
}

// TestParseReportsAllErrors checks that one run reports every problem of
// a file, in the order of the file.
func TestParseReportsAllErrors(t *testing.T) {
	src := `model:
  major_blocks:
    min: -1
    max: 5
    choices:
      - size: {lower: 5, upper: 3}
        kind: []
        act: [relu, relu]
  lr: {lower: 0, upper: 1, log: true, stepp: 2}
  x: {choices: [a, b]}
  d: 1
  d: 2
`
	_, err := Parse("study.yaml", []byte(src))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Parse = %v, want Errors", err)
	}
	want := []string{
		"study.yaml:3:10: model.major_blocks.min: must be >= 0, got -1",
		"study.yaml:6:33: model.major_blocks.choices[0].size.upper: must be greater than lower 5",
		"study.yaml:7:15: model.major_blocks.choices[0].kind: empty list",
		"study.yaml:8:21: model.major_blocks.choices[0].act[1]: duplicate choice relu",
		"study.yaml:9:15: model.lr.lower: must be > 0 when log is true, got 0",
		"study.yaml:9:39: model.lr.stepp: unknown key in an interval (did you mean step?)",
		"study.yaml:10:7: model.x: choices needs min and max",
		"study.yaml:12:3: model.d: duplicate key \"d\" (first at line 11, column 3)",
	}
	if len(errs) != len(want) {
		t.Fatalf("Parse gave %d errors, want %d:\n%v", len(errs), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i].Error(), w) {
			t.Errorf("error %d = %q, want prefix %q", i, errs[i].Error(), w)
		}
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{File: "study.yaml", Line: 12, Column: 7,
		Path: "model.major_blocks.choices[0].minor_blocks.min", Msg: "must be >= 0, got -1"}
	want := "study.yaml:12:7: model.major_blocks.choices[0].minor_blocks.min: must be >= 0, got -1"
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, nascent.ErrInvalid) {
		t.Error("errors.Is(*Error, ErrInvalid) = false")
	}
	v := valueErrorf("a.b[1]", "bad")
	if got := v.Error(); got != "a.b[1]: bad" {
		t.Errorf("value error = %q, want %q", got, "a.b[1]: bad")
	}
}

func TestParseFile(t *testing.T) {
	files, err := filepath.Glob("testdata/valid/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		if _, err := ParseFile(f); err != nil {
			t.Errorf("ParseFile(%s) = %v", f, err)
		}
	}
	_, err = ParseFile("testdata/no-such-file.yaml")
	if !errors.Is(err, nascent.ErrNotFound) {
		t.Errorf("ParseFile(missing) = %v, want ErrNotFound", err)
	}
}

// TestHydraConfigMatchesStandalone checks that a space found under
// hydra.sweeper.parametrization is the same space as written alone.
func TestHydraConfigMatchesStandalone(t *testing.T) {
	alone := "a: [1, 2, 3]\nb: {lower: 0, upper: 4, int: true}\n"
	hydra := "hydra:\n  sweeper:\n    parametrization:\n" + indent(alone, "      ")
	param := "parametrization:\n" + indent(alone, "  ")
	want := sampleHashes(t, alone)
	for _, src := range []string{hydra, param} {
		if got := sampleHashes(t, src); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("samples of\n%s = %v, want %v", src, got, want)
		}
	}
}

func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "")
}

// TestParseReadsOnlyTheSpace checks that the rest of a Hydra config may
// hold what a space may not, and that the space may use its anchors.
func TestParseReadsOnlyTheSpace(t *testing.T) {
	src := `trainer:
  max_epochs: .inf
  max_epochs: 3
  loader: !!python/name:torch.utils.data.DataLoader ''
widths: &widths [16, 32, 64]
hydra:
  sweeper:
    parametrization:
      model:
        width: *widths
        depth: [1, 2]
`
	s, err := Parse("config.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse = %v", err)
	}
	if got := s.SizeString(); got != "6" {
		t.Errorf("SizeString() = %s, want 6", got)
	}

	later := "parametrization:\n  a: *late\nlate: &late [1, 2]\n"
	_, err = Parse("t.yaml", []byte(later))
	if err == nil || !strings.Contains(err.Error(), "t.yaml:2:6: parametrization.a: alias *late has no anchor &late before it") {
		t.Errorf("Parse(alias before its anchor) = %v", err)
	}
}

func TestParseNode(t *testing.T) {
	src := "name: demo\nseed: 3\nspace:\n  a: [1, 2]\n  b: {lower: 5, upper: 1}\n"
	f, err := parser.ParseBytes([]byte(src), 0)
	if err != nil {
		t.Fatal(err)
	}
	var node ast.Node
	for _, mv := range f.Docs[0].Body.(*ast.MappingNode).Values {
		if mv.Key.GetToken().Value == "space" {
			node = mv.Value
		}
	}
	_, err = ParseNode("study.yaml", node, "space")
	want := "study.yaml:5:24: space.b.upper: must be greater than lower 5, got 1"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("ParseNode = %v, want %q", err, want)
	}

	// The same document with the error fixed gives a working space.
	fixed := strings.Replace(src, "upper: 1}", "upper: 9}", 1)
	f, _ = parser.ParseBytes([]byte(fixed), 0)
	node = f.Docs[0].Body.(*ast.MappingNode).Values[2].Value
	s, err := ParseNode("study.yaml", node, "space")
	if err != nil {
		t.Fatalf("ParseNode(fixed) = %v", err)
	}
	if got := s.NumParams(); got != 2 {
		t.Errorf("NumParams() = %d, want 2", got)
	}
	if _, err := ParseNode("study.yaml", nil, "space"); err == nil {
		t.Error("ParseNode(nil) = nil error")
	}
}

func mustParse(t testing.TB, src string) *Space {
	t.Helper()
	s, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse(%q) = %v", src, err)
	}
	return s
}

func mustParseFile(t testing.TB, path string) *Space {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAliasBomb checks that aliases nested to expand into 4^30 nodes are
// refused quickly rather than expanded.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, y]\n")
	for i := 1; i < 30; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1)
	}
	_, err := Parse("bomb.yaml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "space too large") {
		t.Errorf("Parse(alias bomb) = %v, want space too large", err)
	}
}
