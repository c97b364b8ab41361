package cli

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/chart"
	"github.com/nascent-nas/nascent/study"
)

// metricUnits names the unit of the metrics that nascent's built-in
// trainer reports, for axis titles. Other metrics are titled by name and
// direction alone: nascent cannot know what a user's metric measures.
var metricUnits = map[string]string{
	"val_error":     "fraction",
	"test_error":    "fraction",
	"val_loss":      "nats",
	"weights":       "parameters",
	"macs":          "MACs per inference",
	"activations":   "elements",
	"train_seconds": "s",
}

func newPlotCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "plot STUDY.yaml",
		Short: "Draw the Pareto front and the search history as PNG and SVG",
		Long: `Draw the study's pictures into a folder (by default FILE.plots next to the
study file FILE.yaml): front.png and front.svg, the first two objectives with every
completed trial as a ring and the Pareto front as a staircase of filled
triangles; history-OBJECTIVE.png and .svg, each objective against trial
number with the best value so far.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, st, trials, err := readStudy(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			defer st.Close()
			if out == "" {
				// Named after the file, like the database and the trial
				// folders beside it, so that studies never share one.
				stem := strings.TrimSuffix(filepath.Base(f.Path), filepath.Ext(f.Path))
				out = filepath.Join(filepath.Dir(f.Path), stem+".plots")
			}
			paths, err := drawStudy(out, f, trials)
			for _, p := range paths {
				fmt.Fprintln(cmd.OutOrStdout(), p)
			}
			return err
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "folder for the pictures (default FILE.plots next to FILE.yaml)")
	return cmd
}

// drawStudy writes the study's pictures into dir and returns their paths.
func drawStudy(dir string, f *study.File, trials []nascent.Trial) ([]string, error) {
	done := completed(f, trials)
	if len(done) == 0 {
		return nil, fmt.Errorf("plot: study %s has no completed trial yet: %w", f.Name, nascent.ErrNotFound)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("plot: %w", err)
	}
	var paths []string
	save := func(name string, draw func(f *os.File, format string) error) error {
		for _, format := range []string{"png", "svg"} {
			p := filepath.Join(dir, name+"."+format)
			if err := writeFileWith(p, func(w *os.File) error { return draw(w, format) }); err != nil {
				return err
			}
			paths = append(paths, p)
		}
		return nil
	}

	// The front of the first two objectives, every completed trial a point.
	if len(f.Objectives) >= 2 {
		ox, oy := f.Objectives[1], f.Objectives[0]
		onFront := map[int]bool{}
		for _, t := range paretoSet(f, done) {
			onFront[t.Number] = true
		}
		var pts []chart.Point
		for _, t := range done {
			pts = append(pts, chart.Point{Trial: t.Number, X: t.Metrics[ox.Name], Y: t.Metrics[oy.Name], Front: onFront[t.Number]})
		}
		x, y := axisFor(ox, done), axisFor(oy, done)
		title := fmt.Sprintf("%s: Pareto front of %s and %s", f.Name, oy.Name, ox.Name)
		if len(f.Objectives) > 2 {
			title += fmt.Sprintf(" (front over all %d objectives)", len(f.Objectives))
		}
		err := save("front", func(w *os.File, format string) error {
			return chart.Front(w, format, title, x, y, pts)
		})
		if err != nil {
			return paths, err
		}
	}

	// One history per objective.
	for _, o := range f.Objectives {
		var pts []chart.Point
		for _, t := range done {
			pts = append(pts, chart.Point{Trial: t.Number, Y: t.Metrics[o.Name]})
		}
		title := fmt.Sprintf("%s: %s by trial", f.Name, o.Name)
		err := save("history-"+fileSafe(o.Name), func(w *os.File, format string) error {
			return chart.History(w, format, title, axisFor(o, done), pts)
		})
		if err != nil {
			return paths, err
		}
	}
	return paths, nil
}

// axisFor titles an objective's axis with its name, unit and direction,
// and puts it on a log scale when its positive values span more than a
// factor of 20, as weights and MACs of a search space usually do.
func axisFor(o nascent.Objective, trials []nascent.Trial) chart.Axis {
	a := chart.Axis{Maximize: o.Direction == nascent.Maximize, Log: spansDecades(o.Name, trials)}
	a.Label = o.Name
	if u, ok := metricUnits[o.Name]; ok {
		a.Label += ", " + u
	}
	if a.Log {
		a.Label += ", log scale"
	}
	a.Label += fmt.Sprintf(" (%s)", o.Direction)
	return a
}

// spansDecades reports whether a metric's values are all positive and
// span more than a factor of 20.
func spansDecades(name string, trials []nascent.Trial) bool {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, t := range trials {
		v := t.Metrics[name]
		if v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return false
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return hi/lo > 20
}

// writeFileWith writes a file through a temporary one renamed into place,
// so that a reader never sees half a picture.
func writeFileWith(path string, write func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("plot: %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return os.Rename(tmp.Name(), path)
}

// fileSafe keeps letters, digits, '-', '_' and '.' of a metric name.
func fileSafe(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, name)
}
