package evo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nascent-nas/nascent"
)

func TestHypervolume(t *testing.T) {
	min2 := []nascent.Direction{nascent.Minimize, nascent.Minimize}
	min3 := []nascent.Direction{nascent.Minimize, nascent.Minimize, nascent.Minimize}
	tests := []struct {
		name   string
		points [][]float64
		dirs   []nascent.Direction
		ref    []float64
		want   float64
	}{
		{"empty", nil, min2, []float64{1, 1}, 0},
		{"one box", [][]float64{{1, 2}}, min2, []float64{4, 4}, 6},
		// Columns of the staircase: x in [1,2] -> 1, [2,3] -> 2, [3,4] -> 3.
		{"staircase", [][]float64{{1, 3}, {2, 2}, {3, 1}}, min2, []float64{4, 4}, 6},
		{"dominated point adds nothing",
			[][]float64{{1, 3}, {2, 2}, {3, 1}, {3, 3}}, min2, []float64{4, 4}, 6},
		{"point beyond the reference adds nothing", [][]float64{{1, 3}, {5, 0}}, min2, []float64{4, 4}, 3},
		{"point on the reference adds nothing", [][]float64{{4, 0}}, min2, []float64{4, 4}, 0},
		// Accuracy up, latency down: boxes [80,90]x[5,10] and [70,80]x[2,10].
		{"maximize and minimize", [][]float64{{90, 5}, {80, 2}}, accLat, []float64{70, 10}, 10*5 + 10*8},
		{"cube", [][]float64{{1, 1, 1}}, min3, []float64{2, 2, 2}, 1},
		// Two boxes of volume 2 overlapping in a unit cube.
		{"two boxes", [][]float64{{0, 1, 1}, {1, 0, 1}}, min3, []float64{2, 2, 2}, 3},
		// Inclusion-exclusion: 3 boxes of 6, pairwise overlaps of 2, a
		// triple overlap of 1: 18 - 6 + 1.
		{"three boxes", [][]float64{{1, 2, 3}, {2, 3, 1}, {3, 1, 2}}, min3, []float64{4, 4, 4}, 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Hypervolume(tt.points, tt.dirs, tt.ref); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("Hypervolume(%v, %v) = %g, want %g", tt.points, tt.ref, got, tt.want)
			}
		})
	}
}

// TestHypervolumeInclusionExclusion checks the slicing algorithm against
// the inclusion-exclusion formula
//
//	HV = sum over non-empty S of (-1)^(|S|+1) prod_k (r_k - max_{p in S} p_k)
//
// on random sets of up to 8 points in 2, 3 and 4 objectives.
func TestHypervolumeInclusionExclusion(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for d := 2; d <= 4; d++ {
		dirs := make([]nascent.Direction, d)
		ref := make([]float64, d)
		for k := range ref {
			ref[k] = 10
		}
		for range 100 {
			pts := make([][]float64, 1+r.IntN(8))
			for i := range pts {
				pts[i] = make([]float64, d)
				for k := range pts[i] {
					pts[i][k] = float64(r.IntN(10))
				}
			}
			got, want := Hypervolume(pts, dirs, ref), inclusionExclusion(pts, ref)
			if math.Abs(got-want) > 1e-9 {
				t.Fatalf("Hypervolume(%v) = %g, want %g", pts, got, want)
			}
		}
	}
}

func inclusionExclusion(pts [][]float64, ref []float64) float64 {
	var total float64
	for set := 1; set < 1<<len(pts); set++ {
		vol, sign := 1.0, -1.0
		for k := range ref {
			m := math.Inf(-1)
			for i := range pts {
				if set&(1<<i) != 0 {
					m = max(m, pts[i][k])
				}
			}
			vol *= max(0, ref[k]-m)
		}
		for s := set; s > 0; s &= s - 1 {
			sign = -sign
		}
		total += sign * vol
	}
	return total
}
