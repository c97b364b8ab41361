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

	// rows maps hashKey of a candidate's hash to its row, and hashes
	// holds each row's full hash to confirm a match: a map keyed by the
	// 32-digit hash strings cost a sixth of a whole benchmark.
	rows   map[uint64]int32
	hashes []string
}

// NewNB201 decodes every architecture of t in s and indexes the rows by
// candidate hash. s must be a space whose canonical values are those of
// ArchValues, such as CellSpace; every architecture must decode to a
// distinct hash.
func NewNB201(t *Table, s nascent.Space) (*NB201, error) {
	b := &NB201{
		Table:  t,
		Space:  s,
		rows:   make(map[uint64]int32, len(t.Archs)),
		hashes: make([]string, len(t.Archs)),
	}
	for i, a := range t.Archs {
		c, err := s.Decode(ArchValues(a))
		if err != nil {
			return nil, fmt.Errorf("nb201: architecture %s: %w", a, err)
		}
		key := hashKey(c.Hash)
		if j, dup := b.rows[key]; dup {
			return nil, fmt.Errorf("nb201: architectures %s and %s: hashes %s and %s collide in 64 bits",
				t.Archs[j], a, b.hashes[j], c.Hash)
		}
		b.rows[key], b.hashes[i] = int32(i), c.Hash
	}
	return b, nil
}

// hashKey is the 64-bit FNV-1a hash of a candidate hash. Two of the
// 15,625 cells share a key with probability about 1e-11, and NewNB201
// would say so.
func hashKey(h string) uint64 {
	k := uint64(14695981039346656037)
	for i := 0; i < len(h); i++ {
		k = (k ^ uint64(h[i])) * 1099511628211
	}
	return k
}

// Row returns the table row of a candidate of the space.
func (b *NB201) Row(c nascent.Candidate) (int, error) {
	i, ok := b.rows[hashKey(c.Hash)]
	if !ok || b.hashes[i] != c.Hash {
		return 0, fmt.Errorf("nb201: candidate %v is not in the table", c.Values)
	}
	return int(i), nil
}
