package evo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/nascent-nas/nascent"
)

// bits is the toy search space of Real et al. (AAAI 2019, section on the
// toy problem): bit strings of length n, mutated by flipping one bit. A
// candidate's Values hold the string under "bits"; its State is the same
// string.
type bits struct{ n int }

var _ nascent.Space = bits{}

func (b bits) Sample(r *rand.Rand) nascent.Candidate {
	var sb strings.Builder
	for range b.n {
		sb.WriteByte('0' + byte(r.IntN(2)))
	}
	return b.make(sb.String())
}

func (b bits) Mutate(r *rand.Rand, parent nascent.Candidate) (nascent.Candidate, string, error) {
	s, ok := parent.State.(string)
	if !ok || len(s) != b.n {
		return nascent.Candidate{}, "", fmt.Errorf("bits: parent %v is not from this space", parent.Values)
	}
	i := r.IntN(b.n)
	c := []byte(s)
	c[i] ^= 1 // '0' <-> '1'
	return b.make(string(c)), fmt.Sprintf("bits[%d]: %c -> %c", i, s[i], c[i]), nil
}

func (b bits) Decode(values map[string]any) (nascent.Candidate, error) {
	s, ok := values["bits"].(string)
	if !ok || len(s) != b.n || strings.Trim(s, "01") != "" {
		return nascent.Candidate{}, fmt.Errorf("bits: %w: %v", nascent.ErrInvalid, values)
	}
	return b.make(s), nil
}

func (bits) make(s string) nascent.Candidate {
	return nascent.Candidate{Values: map[string]any{"bits": s}, Hash: s, State: s}
}

// ones returns the fraction of ones in a toy candidate.
func ones(c nascent.Candidate) float64 {
	s := c.State.(string)
	return float64(strings.Count(s, "1")) / float64(len(s))
}
