package chart

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Point is one trial as a picture shows it.
type Point struct {
	Trial int
	// X and Y are the trial's values of the two objectives (Y only, for
	// History). Non-finite values are left out of the picture.
	X, Y float64
	// Front marks a point of the Pareto front.
	Front bool
}

// Axis describes one objective of a picture.
type Axis struct {
	// Label is the axis title, e.g. "val_error (fraction, minimize)".
	Label string
	// Log draws the axis on a logarithmic scale; non-positive values
	// are then left out.
	Log bool
	// Maximize says that larger is better; History uses it for the best
	// so far.
	Maximize bool
}

// Size of every picture.
const (
	width  = 16 * vg.Centimeter
	height = 11 * vg.Centimeter
)

// Colours and shapes: trials are grey rings, the front is blue filled
// triangles joined by a line, so the front reads without colour too.
var (
	trialColor = color.RGBA{R: 120, G: 120, B: 120, A: 255}
	frontColor = color.RGBA{R: 31, G: 90, B: 180, A: 255}
	bestColor  = color.RGBA{R: 200, G: 70, B: 30, A: 255}
)

// Front draws the Pareto front of two objectives to w in format "png" or
// "svg". Every point is drawn; points marked Front are joined by a
// staircase, the attainment boundary for two minimised or maximised
// objectives.
func Front(w io.Writer, format, title string, x, y Axis, pts []Point) error {
	p := newPlot(title, x, y)

	all, front := xys(pts, x, y, false), xys(pts, x, y, true)
	s, err := plotter.NewScatter(all)
	if err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	s.GlyphStyle = draw.GlyphStyle{Color: trialColor, Radius: vg.Points(2.5), Shape: draw.RingGlyph{}}
	p.Add(s)
	p.Legend.Add(fmt.Sprintf("trials (%d)", len(all)), s)

	if len(front) > 0 {
		l, err := plotter.NewLine(staircase(front, x.Maximize))
		if err != nil {
			return fmt.Errorf("chart: %w", err)
		}
		l.Color = frontColor
		l.Width = vg.Points(1.5)
		f, err := plotter.NewScatter(front)
		if err != nil {
			return fmt.Errorf("chart: %w", err)
		}
		f.GlyphStyle = draw.GlyphStyle{Color: frontColor, Radius: vg.Points(3.5), Shape: draw.PyramidGlyph{}}
		p.Add(l, f)
		p.Legend.Add(fmt.Sprintf("Pareto front (%d)", len(front)), l, f)
	}
	return write(p, w, format)
}

// History draws one objective against trial number to w in format "png"
// or "svg": every trial as a point and the best value so far as a line.
func History(w io.Writer, format, title string, y Axis, pts []Point) error {
	x := Axis{Label: "trial number"}
	p := newPlot(title, x, y)
	p.X.Tick.Marker = linearTicks{}

	sorted := append([]Point(nil), pts...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Trial < sorted[j].Trial })
	var all, best plotter.XYs
	for _, pt := range sorted {
		if !drawable(pt.Y, y.Log) {
			continue
		}
		all = append(all, plotter.XY{X: float64(pt.Trial), Y: pt.Y})
		v := pt.Y
		if n := len(best); n > 0 && better(best[n-1].Y, v, y.Maximize) {
			v = best[n-1].Y
		}
		best = append(best, plotter.XY{X: float64(pt.Trial), Y: v})
	}

	s, err := plotter.NewScatter(all)
	if err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	s.GlyphStyle = draw.GlyphStyle{Color: trialColor, Radius: vg.Points(2.5), Shape: draw.RingGlyph{}}
	p.Add(s)
	p.Legend.Add(fmt.Sprintf("trials (%d)", len(all)), s)
	if len(best) > 0 {
		l, err := plotter.NewLine(best)
		if err != nil {
			return fmt.Errorf("chart: %w", err)
		}
		l.Color = bestColor
		l.Width = vg.Points(1.5)
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		l.StepStyle = plotter.PostStep
		p.Add(l)
		p.Legend.Add("best so far", l)
	}
	return write(p, w, format)
}

// Format returns the picture format named by a file's extension, "png" or
// "svg", or an error for anything else.
func Format(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png", ".svg":
		return ext[1:], nil
	default:
		return "", fmt.Errorf("chart: %s: unknown picture format %q (want .png or .svg)", path, ext)
	}
}

func newPlot(title string, x, y Axis) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x.Label
	p.Y.Label.Text = y.Label
	if x.Log {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = logTicks{}
	} else {
		p.X.Tick.Marker = linearTicks{}
	}
	if y.Log {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
	} else {
		p.Y.Tick.Marker = linearTicks{}
	}
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	return p
}

// xys returns the drawable points, all of them or only the front.
func xys(pts []Point, x, y Axis, front bool) plotter.XYs {
	var out plotter.XYs
	for _, pt := range pts {
		if front && !pt.Front {
			continue
		}
		if drawable(pt.X, x.Log) && drawable(pt.Y, y.Log) {
			out = append(out, plotter.XY{X: pt.X, Y: pt.Y})
		}
	}
	return out
}

func drawable(v float64, log bool) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && (!log || v > 0)
}

func better(a, b float64, maximize bool) bool {
	if maximize {
		return a > b
	}
	return a < b
}

// staircase joins front points sorted by x with horizontal-then-vertical
// steps: between two front points, the region the front attains is
// bounded by the corner that keeps the earlier point's y.
func staircase(front plotter.XYs, maximizeX bool) plotter.XYs {
	pts := append(plotter.XYs(nil), front...)
	sort.Slice(pts, func(i, j int) bool {
		if pts[i].X != pts[j].X {
			return pts[i].X < pts[j].X
		}
		return pts[i].Y < pts[j].Y
	})
	if maximizeX {
		// Walk from the largest x so that each step keeps the better point's y.
		for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
			pts[i], pts[j] = pts[j], pts[i]
		}
	}
	out := plotter.XYs{pts[0]}
	for _, q := range pts[1:] {
		prev := out[len(out)-1]
		out = append(out, plotter.XY{X: q.X, Y: prev.Y}, q)
	}
	return out
}

func write(p *plot.Plot, w io.Writer, format string) error {
	pad(&p.X, 0.04, 0.04)
	// Headroom at the top keeps the legend off the points.
	pad(&p.Y, 0.04, 0.18)
	if format != "png" && format != "svg" {
		return fmt.Errorf("chart: unknown picture format %q (want png or svg)", format)
	}
	wt, err := p.WriterTo(width, height, format)
	if err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	if _, err := wt.WriteTo(w); err != nil {
		return fmt.Errorf("chart: write %s: %w", format, err)
	}
	return nil
}

// pad widens an axis by the given fractions of its range below and above,
// measured in the axis's own scale, so that no point sits on the frame.
func pad(a *plot.Axis, lo, hi float64) {
	_, isLog := a.Scale.(plot.LogScale)
	min, max := a.Min, a.Max
	if isLog {
		min, max = math.Log10(min), math.Log10(max)
	}
	r := max - min
	if r == 0 || math.IsNaN(r) || math.IsInf(r, 0) {
		r = math.Max(math.Abs(max), 1) * 0.1
	}
	min, max = min-lo*r, max+hi*r
	if isLog {
		min, max = math.Pow(10, min), math.Pow(10, max)
	}
	a.Min, a.Max = min, max
}

// logTicks labels a logarithmic axis at 1, 2 and 5 times each power of
// ten, with minor ticks between; gonum's LogTicks labels powers of ten
// only, which leaves a narrow range with a single label.
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	if min <= 0 || max <= min {
		return nil
	}
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(min)); e <= math.Ceil(math.Log10(max)); e++ {
		base := math.Pow(10, e)
		for m := 1; m <= 9; m++ {
			v := float64(m) * base
			if v < min || v > max {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || m == 2 || m == 5 {
				t.Label = strconv.FormatFloat(v, 'g', -1, 64)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// linearTicks labels a linear axis at 1, 2 or 5 times a power of ten,
// about five labels in all, written without needless decimals (gonum's
// default labels a count of trials "250.00").
type linearTicks struct{}

func (linearTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) || math.IsInf(max-min, 0) {
		return nil
	}
	raw := (max - min) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{2, 5, 10} {
		if step >= raw {
			break
		}
		step = m * mag
	}
	var ticks []plot.Tick
	for v := math.Ceil(min/step) * step; v <= max+step*1e-9; v += step {
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', 6, 64)})
		// Minor ticks halfway.
		if h := v + step/2; h <= max {
			ticks = append(ticks, plot.Tick{Value: h})
		}
	}
	return ticks
}
