package space

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden pins, for every space in testdata/valid and a fixed seed, the
// first samples and a chain of mutations. A change of sampling or
// mutation shows up here as a diff; run go test -update to accept it.
func TestGolden(t *testing.T) {
	spaces := validSpaces(t)
	names := make([]string, 0, len(spaces))
	for n := range spaces {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			got := goldenText(t, spaces[name])
			path := filepath.Join("testdata", "golden", strings.TrimSuffix(name, ".yaml")+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("samples differ from %s (run go test -update to accept):\ngot:\n%s\nwant:\n%s",
					path, got, want)
			}
		})
	}
}

// goldenText renders three samples of seed 1 and five mutations of the
// first one, one JSON line each.
func goldenText(t *testing.T, s *Space) []byte {
	t.Helper()
	var b bytes.Buffer
	r := newRand(1)
	line := func(kind string, v any) {
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s\n", kind, j)
	}
	first := s.Sample(r)
	line("sample "+first.Hash, first.Values)
	for range 2 {
		c := s.Sample(r)
		line("sample "+c.Hash, c.Values)
	}
	c := first
	for range 5 {
		child, desc, err := s.Mutate(r, c)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "mutate %s\n", desc)
		line("child "+child.Hash, child.Values)
		c = child
	}
	return b.Bytes()
}

// TestInvalidFiles checks the errors reported for each file in
// testdata/invalid against its .errors golden file, one error a line.
func TestInvalidFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, err := ParseFile(f)
			if err == nil {
				t.Fatalf("ParseFile(%s) = nil error", f)
			}
			got := []byte(err.Error() + "\n")
			path := strings.TrimSuffix(f, ".yaml") + ".errors"
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("errors of %s:\n%s\nwant (%s):\n%s", f, got, path, want)
			}
		})
	}
}
