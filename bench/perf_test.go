package bench

import (
	"context"
	"math/rand/v2"
	"testing"
)

// The benchmarks below split the cost of one evaluation of the
// NAS-Bench-201 benchmark: the space's sampling and mutation, the row
// look-up, and a whole search.

func BenchmarkCellSample(b *testing.B) {
	s, err := CellSpace()
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for b.Loop() {
		s.Sample(r)
	}
}

func BenchmarkCellMutate(b *testing.B) {
	s, err := CellSpace()
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	c := s.Sample(r)
	b.ReportAllocs()
	for b.Loop() {
		if c, _, err = s.Mutate(r, c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRow(b *testing.B) {
	nb := loadNB201(b)
	c := nb.Space.Sample(rand.New(rand.NewPCG(1, 2)))
	for b.Loop() {
		if _, err := nb.Row(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch runs one literature-protocol search of 200 evaluations
// per iteration, on one goroutine.
func BenchmarkSearch(b *testing.B) {
	nb := loadNB201(b)
	ds := Datasets[0]
	opt := Options{Runs: 1, Workers: 1}
	b.ReportAllocs()
	for b.Loop() {
		_, err := nb.Single(context.Background(), literature, ds.Fitness, ds.Report, 200, opt)
		if err != nil {
			b.Fatal(err)
		}
		opt.Seed++
	}
}
