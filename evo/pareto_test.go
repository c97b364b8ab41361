package evo

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/nascent-nas/nascent"
)

var accLat = []nascent.Direction{nascent.Maximize, nascent.Minimize}

func TestParetoFront(t *testing.T) {
	tests := []struct {
		name   string
		points [][]float64
		want   []int
	}{
		{"empty", nil, nil},
		{"one", [][]float64{{90, 5}}, []int{0}},
		{
			name: "accuracy against latency",
			// 2 is beaten by 0 (more accurate, as fast); 4 by 1.
			points: [][]float64{{90, 5}, {80, 2}, {85, 5}, {95, 9}, {79, 3}},
			want:   []int{0, 1, 3},
		},
		{"equal points all kept", [][]float64{{90, 5}, {90, 5}, {80, 6}}, []int{0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParetoFront(tt.points, accLat); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParetoFront(%v) = %v, want %v", tt.points, got, tt.want)
			}
		})
	}
}

func TestParetoRanksAndCrowding(t *testing.T) {
	// Minimise both: front 0 = {0, 1, 2}, front 1 = {3, 4}, front 2 = {5}.
	points := [][]float64{{1, 5}, {2, 3}, {4, 1}, {3, 4}, {5, 2}, {6, 6}}
	dirs := []nascent.Direction{nascent.Minimize, nascent.Minimize}
	ranks := ParetoRanks(points, dirs)
	if want := []int{0, 0, 0, 1, 1, 2}; !reflect.DeepEqual(ranks, want) {
		t.Fatalf("ParetoRanks = %v, want %v", ranks, want)
	}
	// Point 1 lies between 0 and 2: (4-1)/(4-1) + (5-1)/(5-1) = 2.
	inf := math.Inf(1)
	want := []float64{inf, 2, inf, inf, inf, inf}
	if got := CrowdingDistances(points, ranks); !reflect.DeepEqual(got, want) {
		t.Errorf("CrowdingDistances = %v, want %v", got, want)
	}
}

// TestFrontAgainstBruteForce compares the sorted front with the definition
// on random points with many ties.
func TestFrontAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	dirs := []nascent.Direction{nascent.Maximize, nascent.Minimize, nascent.Minimize}
	for range 200 {
		pts := make([][]float64, 1+r.IntN(30))
		for i := range pts {
			pts[i] = []float64{float64(r.IntN(5)), float64(r.IntN(5)), float64(r.IntN(5))}
		}
		var want []int
		for i := range pts {
			dominated := false
			for j := range pts {
				dominated = dominated || Dominates(pts[j], pts[i], dirs)
			}
			if !dominated {
				want = append(want, i)
			}
		}
		if got := ParetoFront(pts, dirs); !reflect.DeepEqual(got, want) {
			t.Fatalf("ParetoFront(%v) = %v, want %v", pts, got, want)
		}
		ranks := ParetoRanks(pts, dirs)
		for i := range pts {
			if (ranks[i] == 0) != contains(want, i) {
				t.Fatalf("ParetoRanks(%v)[%d] = %d, want rank 0 exactly for the front %v",
					pts, i, ranks[i], want)
			}
			for j := range pts {
				if Dominates(pts[j], pts[i], dirs) && ranks[j] >= ranks[i] {
					t.Fatalf("point %d dominates %d but ranks %d >= %d", j, i, ranks[j], ranks[i])
				}
			}
		}
	}
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestParetoSelection checks that a tournament drawing many members picks
// a member of the first front.
func TestParetoSelection(t *testing.T) {
	objs := []nascent.Objective{{Name: "acc", Direction: nascent.Maximize}, {Name: "lat"}}
	sel := newSelector(Config{Selection: Pareto, Objectives: objs})
	pop := []member{
		{loss: []float64{-80, 5}}, {loss: []float64{-90, 9}}, {loss: []float64{-70, 9}},
		{loss: []float64{-85, 7}}, {loss: []float64{-60, 8}},
	}
	sel.changed()
	r := rand.New(rand.NewPCG(3, 3))
	for range 100 {
		// 0, 1 and 3 form the front; 2 and 4 are dominated by 0.
		if i := sel.tournament(r, pop, 50); i == 2 || i == 4 {
			t.Fatalf("tournament of 50 draws picked dominated member %d", i)
		}
	}
}
