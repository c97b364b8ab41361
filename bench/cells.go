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
// candidate of the space is looked up by its hash. It is safe for
// concurrent use.
type NB201 struct {
	Table *Table
	Space nascent.Space
	rows  map[string]int32 // candidate hash -> row
}

// NewNB201 decodes every architecture of t in s and indexes the rows by
// candidate hash. s must be a space whose canonical values are those of
// ArchValues, such as CellSpace; every architecture must decode to a
// distinct hash.
func NewNB201(t *Table, s nascent.Space) (*NB201, error) {
	b := &NB201{Table: t, Space: s, rows: make(map[string]int32, len(t.Archs))}
	for i, a := range t.Archs {
		c, err := s.Decode(ArchValues(a))
		if err != nil {
			return nil, fmt.Errorf("nb201: architecture %s: %w", a, err)
		}
		if j, dup := b.rows[c.Hash]; dup {
			return nil, fmt.Errorf("nb201: architectures %s and %s have the same hash %s", t.Archs[j], a, c.Hash)
		}
		b.rows[c.Hash] = int32(i)
	}
	return b, nil
}

// Row returns the table row of a candidate of the space.
func (b *NB201) Row(c nascent.Candidate) (int, error) {
	i, ok := b.rows[c.Hash]
	if !ok {
		return 0, fmt.Errorf("nb201: candidate %v is not in the table", c.Values)
	}
	return int(i), nil
}
