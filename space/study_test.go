package space

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestParseFileStudy checks that a study file gives the space under its
// space key, inline or in the file that key names, and never the rest of
// the study (whose lists would otherwise read as choices).
func TestParseFileStudy(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const study = "name: s\ntrial:\n  command: [run, \"30\"]\nobjectives:\n" +
		"  - {name: err, direction: minimize}\n"
	space := write("spaces/space.yaml", "a: [1, 2, 3]\nb: [x, y]\n")
	write("spaces/bad.yaml", "a: []\n")
	t.Setenv("NASCENT_TEST_SPACES", filepath.Dir(space))

	tests := []struct {
		name   string
		file   string
		params int
		size   string
		keys   []string // keys of a sample, sorted
		err    string   // fragment of the error; "" for none
	}{
		{name: "kws example", file: "../examples/kws-fsdd/study.yaml",
			params: 10, keys: []string{"dropout_prob", "major_blocks"},
			size: "58673971112513741271403097259470881096502277696000"},
		{name: "inline", file: write("inline.yaml", study+"space:\n  a: [1, 2]\n"),
			params: 1, size: "2", keys: []string{"a"}},
		{name: "relative path", file: write("rel.yaml", study+"space: spaces/space.yaml\n"),
			params: 2, size: "6", keys: []string{"a", "b"}},
		{name: "relative to the study's directory",
			file:   write("sub/up.yaml", study+"space: ../spaces/space.yaml\n"),
			params: 2, size: "6", keys: []string{"a", "b"}},
		{name: "absolute path", file: write("abs.yaml", study+"space: "+space+"\n"),
			params: 2, size: "6", keys: []string{"a", "b"}},
		{name: "environment", file: write("env.yaml",
			study+"space: ${NASCENT_TEST_SPACES}/space.yaml\n"),
			params: 2, size: "6", keys: []string{"a", "b"}},
		{name: "unset variable", file: write("unset.yaml",
			study+"space: ${NASCENT_TEST_UNSET_VAR}/space.yaml\n"),
			err: "unset.yaml:6:8: space: environment variable NASCENT_TEST_UNSET_VAR is not set"},
		{name: "missing space file", file: write("missing.yaml", study+"space: nope.yaml\n"),
			err: "missing.yaml:6:8: space: space file " + filepath.Join(dir, "nope.yaml") +
				" does not exist"},
		{name: "error in the space file", file: write("bad.yaml", study+"space: spaces/bad.yaml\n"),
			err: filepath.Join(dir, "spaces/bad.yaml") + ":1:4: a: empty list"},
		{name: "space file naming another",
			file: write("chain.yaml", study+"space: chain2.yaml\n"),
			err:  "chain2.yaml:1:8: space: space file \"spaces/space.yaml\" is not read here"},
	}
	write("chain2.yaml", "space: spaces/space.yaml\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseFile(tt.file)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("ParseFile(%s) = %v, want an error containing %q",
						tt.file, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseFile(%s) = %v", tt.file, err)
			}
			if got := s.NumParams(); got != tt.params {
				t.Errorf("NumParams() = %d, want %d", got, tt.params)
			}
			if got := s.SizeString(); got != tt.size {
				t.Errorf("SizeString() = %s, want %s", got, tt.size)
			}
			var keys []string
			for k := range s.Sample(newRand(1)).Values {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if !slices.Equal(keys, tt.keys) {
				t.Errorf("sample keys = %v, want %v", keys, tt.keys)
			}
		})
	}
}
