package bench

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nascent-nas/nascent"
)

// tablePath finds the shared NAS-Bench-201 table: $NASCENT_NB201, or
// shared/data/nasbench201/nb201.csv in the working directory or one of its
// parents (the project lives beside shared/, so from bench/ that is
// ../../shared/...).
func tablePath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("NASCENT_NB201"); p != "" {
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "data", "nasbench201", "nb201.csv")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("NAS-Bench-201 table not found: no shared/data/nasbench201/nb201.csv above " +
				"the working directory and NASCENT_NB201 unset")
		}
		dir = parent
	}
}

var (
	loadOnce  sync.Once
	loadedB   *NB201
	loadedErr error
)

// loadNB201 loads the table and cell space once for all tests.
func loadNB201(t testing.TB) *NB201 {
	t.Helper()
	path := tablePath(t)
	loadOnce.Do(func() {
		var table *Table
		if table, loadedErr = LoadTable(path); loadedErr != nil {
			return
		}
		cells, err := CellSpace()
		if err != nil {
			loadedErr = err
			return
		}
		loadedB, loadedErr = NewNB201(table, cells)
	})
	if loadedErr != nil {
		t.Fatal(loadedErr)
	}
	return loadedB
}

func TestLoadTable(t *testing.T) {
	b := loadNB201(t)
	if n := len(b.Table.Archs); n != 15625 {
		t.Errorf("table has %d rows, want 15625", n)
	}
	for _, a := range b.Table.Archs {
		back, err := ParseArch(a.String())
		if err != nil || back != a {
			t.Fatalf("ParseArch(%q) = %v, %v; want %v", a.String(), back, err, a)
		}
	}
	for _, ds := range Datasets {
		for _, col := range []string{ds.Fitness, ds.Report} {
			if _, ok := b.Table.Column(col); !ok {
				t.Errorf("no column %q", col)
			}
		}
	}
}

func TestReadTableErrors(t *testing.T) {
	const good = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
	tests := []struct {
		name, csv, want string
	}{
		{"empty", "", "t.csv:1"},
		{"no arch column", "index,acc\n0,1\n", "no arch_str column"},
		{"no rows", "arch_str,acc\n", "no rows"},
		{"bad op", "arch_str,acc\n|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|,1\n", "t.csv:2"},
		{"bad node", "arch_str,acc\n|none~0|+|none~0|+|none~0|none~1|none~2|,1\n", "node 2 has 1 inputs"},
		{"bad number", "arch_str,acc\n" + good + ",x\n", `column acc: "x" is not a number`},
		{"repeated arch", "arch_str,acc\n" + good + ",1\n" + good + ",2\n", "repeats line 2"},
		{"short row", "arch_str,acc\n" + good + "\n", "t.csv:2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadTable("t.csv", strings.NewReader(tt.csv))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, nascent.ErrInvalid) {
				t.Errorf("ReadTable(%q) error = %v, want ErrInvalid containing %q", tt.csv, err, tt.want)
			}
		})
	}
}

func TestLoadTableMissing(t *testing.T) {
	_, err := LoadTable(filepath.Join(t.TempDir(), "none.csv"))
	if !errors.Is(err, nascent.ErrNotFound) {
		t.Errorf("LoadTable(missing) error = %v, want ErrNotFound", err)
	}
}

// TestRow checks the look-up of every architecture through the space and
// that a candidate from elsewhere is refused.
func TestRow(t *testing.T) {
	b := loadNB201(t)
	for i, a := range b.Table.Archs {
		c, err := b.Space.Decode(ArchValues(a))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := b.Row(c); got != i || err != nil {
			t.Fatalf("Row(%s) = %d, %v; want %d", a, got, err, i)
		}
	}
	if _, err := b.Row(nascent.Candidate{Hash: "elsewhere"}); err == nil {
		t.Error("Row of a candidate from another space: no error")
	}
}

// FuzzReadTable checks that no input panics the table reader and that
// every error it returns is an ErrInvalid naming the file.
func FuzzReadTable(f *testing.F) {
	f.Add("arch_str,acc\n|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,1\n")
	f.Add("index,arch_str\n0,|x~0|\n")
	f.Add("arch_str\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, data string) {
		tab, err := ReadTable("f.csv", strings.NewReader(data))
		if err != nil {
			if !errors.Is(err, nascent.ErrInvalid) || !strings.HasPrefix(err.Error(), "f.csv:") {
				t.Errorf("ReadTable error %q: want ErrInvalid starting with the file name", err)
			}
			return
		}
		for _, name := range tab.Columns() {
			if c, _ := tab.Column(name); len(c) != len(tab.Archs) {
				t.Errorf("column %s has %d values for %d rows", name, len(c), len(tab.Archs))
			}
		}
	})
}
