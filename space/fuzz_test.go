package space

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/nascent-nas/nascent"
)

// FuzzParse feeds arbitrary bytes to Parse. It must not panic; it returns
// either a space that samples, mutates and decodes its own points, or
// errors that all carry a file, a line and a column and wrap ErrInvalid.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/valid/*.yaml")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, src := range []string{
		"a: [1, 2, 3]",
		"a: &x\n  b: *x\n",
		"l: {min: -1, max: 3, choices: [a]}",
		"x: {lower: 1, upper: 0, log: true, step: 2}",
		"s: {choices: [a, b], size: 3}\np: {choices: [a], partitions: 2}",
		"a: [1, 2]\na: [3]\n",
		"hydra:\n  sweeper:\n    parametrization:\n      a: [x, y]\n",
		"b: &b {w: [1, 2]}\nd: {<<: *b}\n",
		"a: !!str 1\nb: [.nan]\n",
		"name: s\ntrial: {command: [a, \"1\"]}\nspace:\n  a: [4 6, 8, '1 2']\n",
		"space: ${X}/s.yaml\n",
	} {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("f.yaml", data)
		if err != nil {
			checkParseError(t, err)
			return
		}
		r := newRand(uint64(len(data)))
		c := s.Sample(r)
		if _, err := s.Decode(c.Values); err != nil {
			t.Fatalf("Decode(own sample %s) = %v", format(c.Values), err)
		}
		child, _, err := s.Mutate(r, c)
		if err != nil {
			t.Fatalf("Mutate(%s) = %v", format(c.Values), err)
		}
		if child.Hash == c.Hash {
			t.Fatalf("Mutate(%s) gave an equal child", format(c.Values))
		}
	})
}

func checkParseError(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, nascent.ErrInvalid) {
		t.Fatalf("Parse error %v does not wrap ErrInvalid", err)
	}
	var errs Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		t.Fatalf("Parse error %T is not a non-empty Errors", err)
	}
	for _, e := range errs {
		if e.File != "f.yaml" || e.Line < 1 || e.Column < 1 || e.Msg == "" {
			t.Fatalf("error without a position or message: %#v", e)
		}
	}
}

// FuzzDecode feeds arbitrary JSON to Normalize of a space with every kind
// of parameter. It must not panic, must reject with an ErrInvalid error,
// and what it accepts must be canonical and decode to itself.
func FuzzDecode(f *testing.F) {
	s, err := ParseFile("testdata/valid/all_types.yaml")
	if err != nil {
		f.Fatal(err)
	}
	r := newRand(1)
	for range 5 {
		j, _ := json.Marshal(s.Sample(r).Values)
		f.Add(j)
	}
	f.Add([]byte(`{"a": [1, 2.5, "x", null, true, {"b": {}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		if json.Unmarshal(data, &v) != nil {
			return
		}
		n, err := s.Normalize(v)
		if err != nil {
			if !errors.Is(err, nascent.ErrInvalid) {
				t.Fatalf("Normalize error %v does not wrap ErrInvalid", err)
			}
			return
		}
		d, err := s.Decode(n)
		if err != nil || d.Hash != Hash(n) {
			t.Fatalf("Decode(Normalize(%s)) = %v", data, err)
		}
	})
}
