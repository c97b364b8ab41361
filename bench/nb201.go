package bench

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/nascent-nas/nascent"
)

// Ops are NAS-Bench-201's five operations, in the order the benchmark
// numbers them.
var Ops = []string{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"}

// Edges is the number of edges of a NAS-Bench-201 cell.
const Edges = 6

// Arch is a NAS-Bench-201 cell: the index in Ops of the operation on each
// edge, in the order of the architecture string: edge 0->1, 0->2, 1->2,
// 0->3, 1->3, 2->3.
type Arch [Edges]uint8

// String returns the architecture string of the benchmark, e.g.
// "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|...~0|...~1|...~2|".
func (a Arch) String() string {
	var b strings.Builder
	k := 0
	for node := 1; node <= 3; node++ {
		if node > 1 {
			b.WriteByte('+')
		}
		b.WriteByte('|')
		for from := range node {
			fmt.Fprintf(&b, "%s~%d|", Ops[a[k]], from)
			k++
		}
	}
	return b.String()
}

// ParseArch parses an architecture string.
func ParseArch(s string) (Arch, error) {
	var a Arch
	nodes := strings.Split(s, "+")
	if len(nodes) != 3 {
		return a, fmt.Errorf("architecture %q: %d nodes, want 3", s, len(nodes))
	}
	k := 0
	for node, text := range nodes {
		edges := strings.Split(strings.Trim(text, "|"), "|")
		if len(edges) != node+1 {
			return a, fmt.Errorf("architecture %q: node %d has %d inputs, want %d",
				s, node+1, len(edges), node+1)
		}
		for from, e := range edges {
			op, in, ok := strings.Cut(e, "~")
			i := indexOf(Ops, op)
			if !ok || i < 0 || in != strconv.Itoa(from) {
				return a, fmt.Errorf("architecture %q: edge %q: want OP~%d with OP one of %s",
					s, e, from, strings.Join(Ops, ", "))
			}
			a[k] = uint8(i)
			k++
		}
	}
	return a, nil
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// Table is the NAS-Bench-201 table: one architecture per row, and numeric
// columns by name (see shared/data/README.md for their meaning).
type Table struct {
	Archs   []Arch
	columns map[string][]float64
	names   []string
}

// Column returns the values of the named column, one per row, or false
// when there is no such column. The slice is shared: do not modify it.
func (t *Table) Column(name string) ([]float64, bool) {
	c, ok := t.columns[name]
	return c, ok
}

// Columns returns the names of the numeric columns in file order.
func (t *Table) Columns() []string { return append([]string(nil), t.names...) }

// ReadTable reads the table in CSV form: a header with an "arch_str"
// column, then one row per architecture. Every other column must hold
// numbers, except "index", which is ignored. Errors wrap nascent.ErrInvalid
// and name the line and column; name labels them (a file name).
func ReadTable(name string, r io.Reader) (*Table, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, tableError(name, 1, "header: %v", err)
	}
	header = slices.Clone(header) // the reader reuses its record

	t := &Table{columns: map[string][]float64{}}
	archCol, cols := -1, make([]int, 0, len(header))
	for i, h := range header {
		switch h {
		case "arch_str":
			archCol = i
		case "index":
		default:
			cols = append(cols, i)
			t.names = append(t.names, h)
		}
	}
	if archCol < 0 {
		return nil, tableError(name, 1, "no arch_str column")
	}
	data := make([][]float64, len(cols))
	seen := make(map[Arch]int)
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, tableError(name, line, "%v", err)
		}
		a, err := ParseArch(rec[archCol])
		if err != nil {
			return nil, tableError(name, line, "%v", err)
		}
		if first, dup := seen[a]; dup {
			return nil, tableError(name, line, "architecture %s repeats line %d", a, first)
		}
		seen[a] = line
		t.Archs = append(t.Archs, a)
		for k, i := range cols {
			v, err := strconv.ParseFloat(rec[i], 64)
			if err != nil {
				return nil, tableError(name, line, "column %s: %q is not a number",
					header[i], rec[i])
			}
			data[k] = append(data[k], v)
		}
	}
	if len(t.Archs) == 0 {
		return nil, tableError(name, 2, "no rows")
	}
	for k, n := range t.names {
		t.columns[n] = data[k]
	}
	return t, nil
}

// LoadTable reads the table from a CSV file. A missing file is an error
// wrapping nascent.ErrNotFound.
func LoadTable(path string) (*Table, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("nb201 table %s: %w", path, nascent.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("nb201 table: %w", err)
	}
	defer f.Close()
	return ReadTable(path, f)
}

func tableError(name string, line int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %w: %s", name, line, nascent.ErrInvalid, fmt.Sprintf(format, args...))
}
