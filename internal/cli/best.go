package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/evo"
	"github.com/nascent-nas/nascent/sqlite"
	"github.com/nascent-nas/nascent/study"
)

func newBestCmd() *cobra.Command {
	var asJSON bool
	var extra []string
	cmd := &cobra.Command{
		Use:   "best STUDY.yaml",
		Short: "Show the best trial per objective and the Pareto set",
		Args:  cobra.ExactArgs(1),
		RunE: onStudy(func(cmd *cobra.Command, _ []string, f *study.File, _ *sqlite.Store, trials []nascent.Trial) error {
			if asJSON {
				return writeBestJSON(cmd.OutOrStdout(), f, trials)
			}
			printBest(cmd.OutOrStdout(), f, trials, extra...)
			return nil
		}),
	}
	cmd.Flags().StringSliceVar(&extra, "metrics", nil,
		"more metrics to show in the Pareto table, e.g. test_error,macs (they choose nothing)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "write JSON: {best: {objective: trial}, pareto: [trial]}")
	return cmd
}

// completed returns the completed trials that report every objective.
func completed(f *study.File, trials []nascent.Trial) []nascent.Trial {
	var out []nascent.Trial
	for _, t := range trials {
		if t.State != nascent.Completed {
			continue
		}
		ok := true
		for _, o := range f.Objectives {
			v, has := t.Metrics[o.Name]
			ok = ok && has && !math.IsNaN(v)
		}
		if ok {
			out = append(out, t)
		}
	}
	return out
}

// bestPer returns, per objective, the completed trial with the best value
// (the lowest number on ties).
func bestPer(f *study.File, done []nascent.Trial) map[string]nascent.Trial {
	best := map[string]nascent.Trial{}
	for _, o := range f.Objectives {
		for _, t := range done {
			b, seen := best[o.Name]
			v, bv := t.Metrics[o.Name], b.Metrics[o.Name]
			if !seen || (o.Direction == nascent.Minimize && v < bv) || (o.Direction == nascent.Maximize && v > bv) {
				best[o.Name] = t
			}
		}
	}
	return best
}

// paretoSet returns the completed trials that no other dominates on the
// objectives, sorted by the first objective.
func paretoSet(f *study.File, done []nascent.Trial) []nascent.Trial {
	points := make([][]float64, len(done))
	dirs := make([]nascent.Direction, len(f.Objectives))
	for i, o := range f.Objectives {
		dirs[i] = o.Direction
	}
	for i, t := range done {
		points[i] = make([]float64, len(f.Objectives))
		for j, o := range f.Objectives {
			points[i][j] = t.Metrics[o.Name]
		}
	}
	var front []nascent.Trial
	for _, i := range evo.ParetoFront(points, dirs) {
		front = append(front, done[i])
	}
	first := f.Objectives[0].Name
	sort.SliceStable(front, func(i, j int) bool {
		return front[i].Metrics[first] < front[j].Metrics[first]
	})
	return front
}

// plural returns "1 trial", "2 trials": n and noun, with an s unless n
// is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// printBest writes the best trial per objective and the Pareto set.
func printBest(w io.Writer, f *study.File, trials []nascent.Trial, extra ...string) {
	done := completed(f, trials)
	if len(done) == 0 {
		fmt.Fprintf(w, "study %s: no completed trial yet\n", f.Name)
		return
	}
	best := bestPer(f, done)
	fmt.Fprintf(w, "study %s: %s\n\nbest per objective:\n", f.Name, plural(len(done), "completed trial"))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, o := range f.Objectives {
		t := best[o.Name]
		fmt.Fprintf(tw, "  %s (%s)\t%s\ttrial %d\n", o.Name, o.Direction, formatMetric(t.Metrics[o.Name]), t.Number)
	}
	tw.Flush()
	if len(f.Objectives) < 2 {
		return
	}
	front := paretoSet(f, done)
	fmt.Fprintf(w, "\nPareto set (%s):\n", plural(len(front), "trial"))
	cols := metricColumns(f, front)
	for _, e := range extra {
		if !slices.Contains(cols, e) {
			cols = append(cols, e)
		}
	}
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "trial\t")
	for _, c := range cols {
		fmt.Fprintf(tw, "%s\t", c)
	}
	fmt.Fprintln(tw)
	for _, t := range front {
		fmt.Fprintf(tw, "%d\t", t.Number)
		for _, c := range cols {
			v, ok := t.Metrics[c]
			s := "-"
			if ok {
				s = formatMetric(v)
			}
			fmt.Fprintf(tw, "%s\t", s)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

// metricColumns are the objectives, then the constraint metrics that the
// trials report.
func metricColumns(f *study.File, trials []nascent.Trial) []string {
	cols := f.Required()
	seen := map[string]bool{}
	for _, c := range cols {
		seen[c] = true
	}
	for _, c := range f.Constraints {
		if seen[c.Metric] {
			continue
		}
		for _, t := range trials {
			if _, ok := t.Metrics[c.Metric]; ok {
				cols = append(cols, c.Metric)
				seen[c.Metric] = true
				break
			}
		}
	}
	return cols
}

func formatMetric(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 5, 64)
}

// bestJSON is the --json output of nascent best; fields are only added.
type bestJSON struct {
	Study  string               `json:"study"`
	Best   map[string]trialJSON `json:"best"`
	Pareto []trialJSON          `json:"pareto"`
}

func writeBestJSON(w io.Writer, f *study.File, trials []nascent.Trial) error {
	done := completed(f, trials)
	out := bestJSON{Study: f.Name, Best: map[string]trialJSON{}, Pareto: []trialJSON{}}
	if len(done) > 0 {
		for name, t := range bestPer(f, done) {
			out.Best[name] = toJSON(t)
		}
		for _, t := range paretoSet(f, done) {
			out.Pareto = append(out.Pareto, toJSON(t))
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
