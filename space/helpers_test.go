package space

import (
	"math/rand/v2"
	"testing"
)

// newRand returns a seeded source for tests.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// sampleHashes returns the hashes of the first samples of a space.
func sampleHashes(t *testing.T, src string) []string {
	t.Helper()
	s := mustParse(t, src)
	r := newRand(1)
	var hs []string
	for range 5 {
		hs = append(hs, s.Sample(r).Hash)
	}
	return hs
}
