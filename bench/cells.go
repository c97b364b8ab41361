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
var edgeKeys = [Edges]string{
	"edge_0_1", "edge_0_2", "edge_1_2", "edge_0_3", "edge_1_3", "edge_2_3",
}

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

	// slots is an open-addressing hash table from hashKey(candidate
	// hash) to table row, with linear probing. Over 4,096 candidates it
	// took 2.5 times less time than six look-ups in each candidate's
	// values; a Go map keyed by the hash strings had cost a sixth of a
	// whole benchmark.
	slots []slot
}

// slot is one entry of NB201.slots; key 0 marks an empty slot.
type slot struct {
	key uint64
	row int32
}

// slotBits sizes the table at twice the number of cells.
const slotBits = 15

// NewNB201 checks that the space decodes every architecture of the table
// to the values of ArchValues, with distinct hashes (as CellSpace does),
// and indexes the rows by hash.
func NewNB201(t *Table, s nascent.Space) (*NB201, error) {
	if len(t.Archs) > 1<<(slotBits-1) {
		return nil, fmt.Errorf("nb201: %w: %d rows, want at most %d", nascent.ErrInvalid,
			len(t.Archs), 1<<(slotBits-1))
	}
	b := &NB201{Table: t, Space: s, slots: make([]slot, 1<<slotBits)}
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
		if j := b.find(c.Hash); j >= 0 {
			// Equal hashes, or 64-bit keys of distinct hashes that
			// collide (odds about 1e-11): either way, say so.
			return nil, fmt.Errorf("nb201: architectures %s and %s: hash keys collide",
				t.Archs[j], a)
		}
		b.insert(c.Hash, int32(i))
	}
	return b, nil
}

// hashKey is the 64-bit FNV-1a hash of the first 16 bytes of a candidate
// hash (64 bits of a hex SHA-256 are plenty for 15,625 cells, and
// NewNB201 checks), with the low bit set so that no key is 0.
func hashKey(h string) uint64 {
	k := uint64(14695981039346656037)
	for i := 0; i < len(h) && i < 16; i++ {
		k = (k ^ uint64(h[i])) * 1099511628211
	}
	return k | 1
}

func (b *NB201) insert(hash string, row int32) {
	k := hashKey(hash)
	mask := uint64(len(b.slots) - 1)
	j := k & mask
	for b.slots[j].key != 0 {
		j = (j + 1) & mask
	}
	b.slots[j] = slot{k, row}
}

// find returns the row of a hash, or -1.
func (b *NB201) find(hash string) int {
	k := hashKey(hash)
	mask := uint64(len(b.slots) - 1)
	for j := k & mask; b.slots[j].key != 0; j = (j + 1) & mask {
		if b.slots[j].key == k {
			return int(b.slots[j].row)
		}
	}
	return -1
}

// Row returns the table row of a candidate of the cell space.
func (b *NB201) Row(c nascent.Candidate) (int, error) {
	i := b.find(c.Hash)
	if i < 0 {
		return 0, fmt.Errorf("nb201: candidate %v is not in the table", c.Values)
	}
	return i, nil
}
