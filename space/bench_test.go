package space

import (
	"testing"

	"github.com/nascent-nas/nascent"
)

// benchSpace is a nested block space of about 30 parameters.
const benchSpace = "testdata/valid/bench_blocks.yaml"

// BenchmarkSampleMutateHash measures one Sample and one Mutate of a
// nested block space of about 30 parameters; both hash their candidate.
// candidates/s counts the two candidates each iteration makes.
func BenchmarkSampleMutateHash(b *testing.B) {
	s := mustParseFile(b, benchSpace)
	r := newRand(1)
	b.ReportAllocs()
	for b.Loop() {
		c := s.Sample(r)
		if _, _, err := s.Mutate(r, c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(2*float64(b.N)/b.Elapsed().Seconds(), "candidates/s")
}

// BenchmarkSample measures Sample alone, hash included.
func BenchmarkSample(b *testing.B) {
	s := mustParseFile(b, benchSpace)
	r := newRand(1)
	b.ReportAllocs()
	for b.Loop() {
		s.Sample(r)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "candidates/s")
}

// BenchmarkMutate measures the step of evolution alone: a hashed child
// of one of a population of sampled parents.
func BenchmarkMutate(b *testing.B) {
	s := mustParseFile(b, benchSpace)
	r := newRand(1)
	parents := make([]nascent.Candidate, 100)
	for i := range parents {
		parents[i] = s.Sample(r)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, _, err := s.Mutate(r, parents[i%len(parents)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "candidates/s")
}

// BenchmarkHash measures Hash of sampled values, as Decode and
// duplicate checks of stored candidates pay it.
func BenchmarkHash(b *testing.B) {
	s := mustParseFile(b, benchSpace)
	c := s.Sample(newRand(1))
	b.ReportAllocs()
	for b.Loop() {
		Hash(c.Values)
	}
}

// BenchmarkDecode measures rebuilding a candidate from stored values.
func BenchmarkDecode(b *testing.B) {
	s := mustParseFile(b, benchSpace)
	c := s.Sample(newRand(1))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Decode(c.Values); err != nil {
			b.Fatal(err)
		}
	}
}
