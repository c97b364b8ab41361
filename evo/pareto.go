package evo

import (
	"math"
	"slices"

	"github.com/nascent-nas/nascent"
)

// A point is a vector of objective values, one per direction; the
// functions below panic when a point's length differs from len(dirs), which
// is a programmer's mistake.

// Dominates reports whether point a Pareto-dominates point b: a is at least
// as good as b in every objective and strictly better in one.
func Dominates(a, b []float64, dirs []nascent.Direction) bool {
	return dominates(losses(a, dirs), losses(b, dirs))
}

// ParetoFront returns the indices, in increasing order, of the points that
// no other point dominates. Equal points are all kept.
func ParetoFront(points [][]float64, dirs []nascent.Direction) []int {
	return front(toLosses(points, dirs))
}

// ParetoRanks returns the non-dominated rank of each point: 0 for the
// Pareto front, 1 for the front of what remains without it, and so on.
func ParetoRanks(points [][]float64, dirs []nascent.Direction) []int {
	return ranks(toLosses(points, dirs), nil)
}

// CrowdingDistances returns the NSGA-II crowding distance of each point
// within its front (the points of equal rank): the sum over objectives of
// the gap between its two neighbours along that objective, divided by the
// front's range on it. The extreme points of a front on any objective get
// +Inf. Directions do not matter for it.
func CrowdingDistances(points [][]float64, ranks []int) []float64 {
	return crowding(points, ranks, nil)
}

// losses returns p turned into minimised values.
func losses(p []float64, dirs []nascent.Direction) []float64 {
	if len(p) != len(dirs) {
		panic("evo: point and directions differ in length")
	}
	l := make([]float64, len(p))
	for i, v := range p {
		if dirs[i] == nascent.Maximize {
			v = -v
		}
		l[i] = v
	}
	return l
}

func toLosses(points [][]float64, dirs []nascent.Direction) [][]float64 {
	out := make([][]float64, len(points))
	for i, p := range points {
		out[i] = losses(p, dirs)
	}
	return out
}

// dominates reports whether loss vector a dominates b.
func dominates(a, b []float64) bool {
	strict := false
	for i := range a {
		if a[i] > b[i] {
			return false
		}
		if a[i] < b[i] {
			strict = true
		}
	}
	return strict
}

// front returns the indices of the non-dominated loss vectors. In
// lexicographic order every dominator of a point comes before it, and a
// dominated dominator is itself dominated by a front member, so a point
// need only be checked against the front found so far.
func front(pts [][]float64) []int {
	order := make([]int, len(pts))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return slices.Compare(pts[a], pts[b]) })
	var out []int
	for _, i := range order {
		if !slices.ContainsFunc(out, func(j int) bool { return dominates(pts[j], pts[i]) }) {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out
}

// ranks computes non-dominated ranks of loss vectors by the fast
// non-dominated sort of NSGA-II (O(M N^2)), reusing dst.
func ranks(pts [][]float64, dst []int) []int {
	n := len(pts)
	dst = slices.Grow(dst[:0], n)[:n]
	count := make([]int, n) // how many points dominate i
	for i := range n {
		for j := i + 1; j < n; j++ {
			switch {
			case dominates(pts[i], pts[j]):
				count[j]++
			case dominates(pts[j], pts[i]):
				count[i]++
			}
		}
	}

	// Peel fronts: a point whose dominators are all ranked joins the next
	// front.
	var cur, next []int
	for i := range n {
		if count[i] == 0 {
			cur = append(cur, i)
		}
	}
	for r := 0; len(cur) > 0; r++ {
		next = next[:0]
		for _, i := range cur {
			dst[i] = r
			for j := range n {
				if dominates(pts[i], pts[j]) {
					if count[j]--; count[j] == 0 {
						next = append(next, j)
					}
				}
			}
		}
		cur, next = next, cur
	}
	return dst
}

// crowding computes the crowding distance of each point within its front,
// reusing dst.
func crowding(pts [][]float64, rank []int, dst []float64) []float64 {
	n := len(pts)
	dst = slices.Grow(dst[:0], n)[:n]
	clear(dst)
	if n == 0 {
		return dst
	}
	byRank := make(map[int][]int)
	for i, r := range rank {
		byRank[r] = append(byRank[r], i)
	}
	for _, f := range byRank {
		for m := range pts[0] {
			slices.SortFunc(f, func(a, b int) int { return cmpFloat(pts[a][m], pts[b][m]) })
			lo, hi := pts[f[0]][m], pts[f[len(f)-1]][m]
			dst[f[0]], dst[f[len(f)-1]] = math.Inf(1), math.Inf(1)
			if hi == lo {
				continue
			}
			for k := 1; k < len(f)-1; k++ {
				dst[f[k]] += (pts[f[k+1]][m] - pts[f[k-1]][m]) / (hi - lo)
			}
		}
	}
	return dst
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
