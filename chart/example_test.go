package chart_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/nascent-nas/nascent/chart"
)

func ExampleFront() {
	pts := []chart.Point{
		{Trial: 0, X: 4800, Y: 0.013, Front: true},
		{Trial: 1, X: 3100, Y: 0.027, Front: true},
		{Trial: 2, X: 9000, Y: 0.030},
	}
	path := filepath.Join(os.TempDir(), "nascent-example-front.svg")
	f, err := os.Create(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.Remove(path)
	defer f.Close()
	x := chart.Axis{Label: "weights (count, minimize)", Log: true}
	y := chart.Axis{Label: "val_error (fraction, minimize)"}
	fmt.Println(chart.Front(f, "svg", "Pareto front", x, y, pts))
	// Output: <nil>
}
