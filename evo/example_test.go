package evo

import (
	"fmt"
	"strings"

	"github.com/nascent-nas/nascent"
)

// A sequential search: ask for a candidate, evaluate it, tell the result.
// The space is the toy problem of Real et al.: 30-bit strings, fitness the
// fraction of ones.
func ExampleNew() {
	cfg := Config{
		PopulationSize: 20,
		SampleSize:     5,
		Objectives:     []nascent.Objective{{Name: "ones", Direction: nascent.Maximize}},
	}
	opt, err := New(bits{n: 30}, cfg, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	best := 0.0
	for trial := range 300 {
		p, err := opt.Ask(trial)
		if err != nil {
			fmt.Println(err)
			return
		}
		s := p.Candidate.Values["bits"].(string)
		ones := float64(strings.Count(s, "1")) / float64(len(s))
		best = max(best, ones)
		res := nascent.Result{Trial: trial, Candidate: p.Candidate, Metrics: map[string]float64{"ones": ones}}
		if err := opt.Tell(res); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Printf("best fraction of ones: %.2f\n", best)
	// Output: best fraction of ones: 0.97
}

func ExampleHypervolume() {
	// Accuracy (maximised) against latency (minimised).
	points := [][]float64{{90, 5}, {80, 2}, {85, 6}}
	dirs := []nascent.Direction{nascent.Maximize, nascent.Minimize}
	fmt.Println(ParetoFront(points, dirs))
	fmt.Println(Hypervolume(points, dirs, []float64{70, 10}))
	// Output:
	// [0 1]
	// 130
}
