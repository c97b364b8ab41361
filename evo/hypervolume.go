package evo

import (
	"slices"

	"github.com/nascent-nas/nascent"
)

// Hypervolume returns the hypervolume indicator of points with respect to
// the reference point ref (Zitzler and Thiele, 1998): the Lebesgue measure
// of the region that the points dominate and that dominates ref,
//
//	HV(P, r) = vol( union over p in P of the box between p and r ).
//
// Points that do not strictly beat ref in every objective add nothing. The
// result is exact. In two objectives it is a sweep in O(n log n); in d > 2
// objectives the space is cut into slabs along the last objective, each
// measured by the (d-1)-objective hypervolume of the points below it
// (hypervolume by slicing objectives, While et al. 2006), O(n^(d-1) log n):
// fine for the fronts of a search, slow for thousands of points in four
// or more objectives.
//
// It panics when a point or ref has a length other than len(dirs).
func Hypervolume(points [][]float64, dirs []nascent.Direction, ref []float64) float64 {
	r := losses(ref, dirs)
	var pts [][]float64
	for _, p := range points {
		l := losses(p, dirs)
		if beats(l, r) {
			pts = append(pts, l)
		}
	}
	if len(pts) == 0 {
		return 0
	}
	return hv(pts, r)
}

// beats reports whether loss vector p is strictly below r everywhere.
func beats(p, r []float64) bool {
	for i := range p {
		if !(p[i] < r[i]) {
			return false
		}
	}
	return true
}

// hv measures the union of boxes [p, r] for loss vectors pts that all beat
// r. It reorders pts.
func hv(pts [][]float64, r []float64) float64 {
	d := len(r)
	switch d {
	case 1:
		m := r[0]
		for _, p := range pts {
			m = min(m, p[0])
		}
		return r[0] - m
	case 2:
		return hv2(pts, r)
	}

	// Slice along the last objective: between consecutive values z_i and
	// z_{i+1}, the dominated cross-section is the (d-1)-dimensional
	// hypervolume of the points with last value <= z_i.
	slices.SortFunc(pts, func(a, b []float64) int { return cmpFloat(a[d-1], b[d-1]) })
	var total float64
	below := make([][]float64, 0, len(pts))
	for i, p := range pts {
		below = append(below, p[:d-1])
		top := r[d-1]
		if i+1 < len(pts) {
			top = pts[i+1][d-1]
		}
		if top > p[d-1] {
			total += hv(slices.Clone(below), r[:d-1]) * (top - p[d-1])
		}
	}
	return total
}

// hv2 is the two-objective sweep: in order of the first objective, each
// point that lowers the best second objective so far adds the strip
// (r_0 - x) * (best - y).
func hv2(pts [][]float64, r []float64) float64 {
	slices.SortFunc(pts, func(a, b []float64) int {
		if c := cmpFloat(a[0], b[0]); c != 0 {
			return c
		}
		return cmpFloat(a[1], b[1])
	})
	var area float64
	best := r[1]
	for _, p := range pts {
		if p[1] < best {
			area += (r[0] - p[0]) * (best - p[1])
			best = p[1]
		}
	}
	return area
}
