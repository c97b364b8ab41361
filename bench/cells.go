package bench

import (
	_ "embed"
	"fmt"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/space"
)

//go:embed nb201.yaml
var cellYAML []byte

// CellYAML returns the search space file of the NAS-Bench-201 cell.
func CellYAML() []byte { return append([]byte(nil), cellYAML...) }

// CellSpace returns the NAS-Bench-201 cell as an ordinary nascent search
// space, parsed from CellYAML: six keys edge_I_J (the edge from node I to
// node J), each a categorical choice of the five operations of Ops.
func CellSpace() (*space.Space, error) {
	return space.Parse("nb201.yaml", cellYAML)
}

// edgeKeys are the keys of the cell space, one per edge in Arch order;
// "edge_I_J" is the edge from node I to node J.
var edgeKeys = [Edges]string{"edge_0_1", "edge_0_2", "edge_1_2", "edge_0_3", "edge_1_3", "edge_2_3"}

// ArchValues returns the canonical values of a in the cell space: one
// operation name per edge key.
func ArchValues(a Arch) map[string]any {
	v := make(map[string]any, Edges)
	for k, op := range a {
		v[edgeKeys[k]] = Ops[op]
	}
	return v
}

// NB201 pairs the NAS-Bench-201 table with the cell space, so that a
// candidate of the space is looked up by its values. It is safe for
// concurrent use.
type NB201 struct {
	Table *Table
	Space nascent.Space

	// rows maps an architecture's code (its operations read as a base-5
	// number, edge 0->1 first) to its table row. An array indexed by a
	// code computed from the candidate's six values costs a fraction of a
	// map look-up by hash string, which took a sixth of a benchmark.
	rows []int32
}

// NewNB201 checks that the table holds every cell once and that the space
// decodes every architecture of the table to the values of ArchValues,
// with distinct hashes (as CellSpace does), and indexes the rows.
func NewNB201(t *Table, s nascent.Space) (*NB201, error) {
	b := &NB201{Table: t, Space: s, rows: make([]int32, archCount)}
	for i := range b.rows {
		b.rows[i] = -1
	}
	hashes := make(map[string]Arch, len(t.Archs))
	for i, a := range t.Archs {
		want := ArchValues(a)
		c, err := s.Decode(want)
		if err != nil {
			return nil, fmt.Errorf("nb201: architecture %s: %w", a, err)
		}
		for _, k := range edgeKeys {
			if c.Values[k] != want[k] {
				return nil, fmt.Errorf("nb201: architecture %s decodes to %v, want %v",
					a, c.Values, want)
			}
		}
		if other, dup := hashes[c.Hash]; dup {
			return nil, fmt.Errorf("nb201: architectures %s and %s have the same hash %s",
				other, a, c.Hash)
		}
		hashes[c.Hash] = a
		b.rows[a.code()] = int32(i)
	}
	for code, row := range b.rows {
		if row < 0 {
			return nil, fmt.Errorf("nb201: %w: the table lacks architecture %s",
				nascent.ErrInvalid, fromCode(code))
		}
	}
	return b, nil
}

// archCount is the number of cells, 5^6.
const archCount = 15625

// code returns a read as a base-5 number, edge 0->1 the leading digit.
func (a Arch) code() int {
	c := 0
	for _, op := range a {
		c = c*len(Ops) + int(op)
	}
	return c
}

func fromCode(c int) Arch {
	var a Arch
	for e := Edges - 1; e >= 0; e-- {
		a[e] = uint8(c % len(Ops))
		c /= len(Ops)
	}
	return a
}

// Row returns the table row of a candidate of the cell space.
func (b *NB201) Row(c nascent.Candidate) (int, error) {
	// Six look-ups cost half of one pass over the map.
	code := 0
	for _, k := range edgeKeys {
		op, _ := c.Values[k].(string)
		i := opIndex(op)
		if i < 0 {
			return 0, fmt.Errorf("nb201: candidate %v is not a cell: %s = %v", c.Values, k, c.Values[k])
		}
		code = code*len(Ops) + i
	}
	return int(b.rows[code]), nil
}

// opIndex returns the index of op in Ops, or -1.
func opIndex(op string) int {
	switch op {
	case "none":
		return 0
	case "skip_connect":
		return 1
	case "nor_conv_1x1":
		return 2
	case "nor_conv_3x3":
		return 3
	case "avg_pool_3x3":
		return 4
	}
	return -1
}
