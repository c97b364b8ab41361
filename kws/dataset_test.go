package kws

import (
	"context"
	"testing"
	"time"
)

// TestLoadFSDD loads the real FSDD twice, computing then from the cache,
// and checks the split sizes, labels and that both loads agree.
func TestLoadFSDD(t *testing.T) {
	dir := fsddDir(t)
	opt := LoadOptions{CacheDir: t.TempDir(), Raw: true}
	start := time.Now()
	first, err := LoadFSDD(context.Background(), dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	computed := time.Since(start)
	start = time.Now()
	second, err := LoadFSDD(context.Background(), dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	cached := time.Since(start)
	t.Logf("FSDD load: computed %v, cached %v", computed, cached)

	// 6 speakers x 10 digits x 50 takes: takes 0-4 test, 5-9 validation.
	for _, c := range []struct {
		name string
		s    Split
		want int
	}{
		{"train", first.Train, 2400},
		{"val", first.Val, 300},
		{"test", first.Test, 300},
	} {
		if c.s.Len() != c.want || len(c.s.X) != c.want*NumCoeffs*NumFrames {
			t.Errorf("%s: %d examples, %d features; want %d examples",
				c.name, c.s.Len(), len(c.s.X), c.want)
		}
	}
	if len(first.Classes) != 10 || first.Classes[0] != "0" || first.Classes[9] != "9" {
		t.Errorf("Classes = %q, want \"0\"..\"9\"", first.Classes)
	}
	perClass := make([]int, 10)
	for _, y := range first.Test.Y {
		perClass[y]++
	}
	for d, n := range perClass {
		if n != 30 {
			t.Errorf("test examples of digit %d = %d, want 30", d, n)
		}
	}
	if !sameDataset(first, second) {
		t.Errorf("cached load differs from computed load")
	}
}

func sameDataset(a, b *Dataset) bool {
	if len(a.Classes) != len(b.Classes) {
		return false
	}
	pairs := [][2]Split{{a.Train, b.Train}, {a.Val, b.Val}, {a.Test, b.Test}}
	for _, p := range pairs {
		if len(p[0].X) != len(p[1].X) || len(p[0].Y) != len(p[1].Y) {
			return false
		}
		for i := range p[0].X {
			if p[0].X[i] != p[1].X[i] {
				return false
			}
		}
		for i := range p[0].Y {
			if p[0].Y[i] != p[1].Y[i] {
				return false
			}
		}
	}
	return true
}
