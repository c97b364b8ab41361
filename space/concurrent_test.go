package space

import (
	"sync"
	"testing"
)

// TestConcurrentUse samples, mutates and decodes from one Space in
// several goroutines, each with its own random source; run with -race.
func TestConcurrentUse(t *testing.T) {
	s := mustParseFile(t, "testdata/valid/kws_blocks.yaml")
	shared := s.Sample(newRand(99))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			r := newRand(uint64(g))
			for range 300 {
				c := s.Sample(r)
				if _, _, err := s.Mutate(r, shared); err != nil {
					t.Error(err)
					return
				}
				if _, err := s.Decode(c.Values); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
