package space

import (
	"testing"
	"time"

	"github.com/nascent-nas/nascent"
)

// reportRate reports candidates per second of wall time and, where it
// can be measured, per second of CPU time since cpu0.
func reportRate(b *testing.B, candidates float64, cpu0 time.Duration) {
	b.ReportMetric(candidates/b.Elapsed().Seconds(), "candidates/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(candidates/cpu.Seconds(), "candidates/cpu-s")
	}
}

// benchSpace is a nested block space of about 30 parameters.
const benchSpace = "testdata/valid/bench_blocks.yaml"

// BenchmarkSampleMutateHash measures one Sample and one Mutate of a
// nested block space of about 30 parameters; both hash their candidate.
// candidates/s counts the two candidates each iteration makes.
func BenchmarkSampleMutateHash(b *testing.B) {
	s := mustParseFile(b, benchSpace)
	r := newRand(1)
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		c := s.Sample(r)
		if _, _, err := s.Mutate(r, c); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, 2*float64(b.N), cpu0)
}

// BenchmarkSample measures Sample alone, hash included.
func BenchmarkSample(b *testing.B) {
	s := mustParseFile(b, benchSpace)
	r := newRand(1)
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		s.Sample(r)
	}
	reportRate(b, float64(b.N), cpu0)
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
	cpu0 := cpuTime()
	i := 0
	for b.Loop() {
		if _, _, err := s.Mutate(r, parents[i%len(parents)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	reportRate(b, float64(b.N), cpu0)
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
