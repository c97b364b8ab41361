package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/bench"
	"github.com/nascent-nas/nascent/evo"
)

// defaultNB201 is where the NAS-Bench-201 table lies relative to the
// project root in the shared workplace.
const defaultNB201 = "../shared/data/nasbench201/nb201.csv"

func newBenchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Run optimizers on tabular benchmarks",
	}
	cmd.AddCommand(newBenchNB201Cmd())
	return cmd
}

// nb201Flags are the flags of nascent bench nb201.
type nb201Flags struct {
	data     string
	runs     int
	seed     uint64
	budgets  string
	datasets string
	methods  string
	mo       string
	figure   string
	workers  int
	asJSON   bool

	// Settings of the "custom" method; zero values mean evo's defaults.
	population, sample int
	eps                *float64 // nil: evo's default
	allowDup           bool
	selection          string
}

func newBenchNB201Cmd() *cobra.Command {
	var (
		f   nb201Flags
		eps float64
	)
	cmd := &cobra.Command{
		Use:   "nb201",
		Short: "Run many seeded searches on the NAS-Bench-201 table",
		Long: `Run many seeded searches on the NAS-Bench-201 table and print the mean
and standard deviation over runs per dataset, budget and method.

The cell is the ordinary search space of six edges, each a choice of five
operations. Single objective (the literature's protocol): the fitness is
the 12-epoch validation accuracy, the reported figure the 200-epoch test
accuracy of the best-by-fitness architecture seen over the whole run.
With --mo DEVICE: maximise CIFAR-10's 12-epoch validation accuracy and
minimise lat_ms_DEVICE; the figure is the hypervolume of everything a run
evaluated divided by that of the exhaustive front (reference point: the
front's nadir pushed out by 10% of its range on each objective).

Methods:
  rea      the literature's aging evolution: population 10, tournament 3,
           eps 0, duplicates allowed (with --mo: hannah's scalarized
           selection)
  rs       random search, duplicates allowed
  nascent  nascent's recommended settings for the budget (evo.Recommended)
  custom   aging evolution with --population, --sample, --eps,
           --allow-duplicates and --selection (unset: evo's defaults)

Run i of every row uses seed --seed + i. The table goes to stdout, the
time taken to stderr.`,
		Args: argsExactly(0),
		RunE: func(c *cobra.Command, _ []string) error {
			if c.Flags().Changed("eps") {
				f.eps = &eps
			}
			return runNB201(c.Context(), f, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", defaultNB201, "the NAS-Bench-201 table (CSV)")
	fl.IntVar(&f.runs, "runs", 500, "searches per row")
	fl.Uint64Var(&f.seed, "seed", 1, "seed of the first run")
	fl.StringVar(&f.budgets, "budgets", "",
		"comma-separated evaluation budgets (default 50,100,200,500; with --mo 100,200,500)")
	fl.StringVar(&f.datasets, "datasets", "c10,c100,in16",
		"comma-separated datasets: c10, c100, in16")
	fl.StringVar(&f.methods, "methods", "rea,rs,nascent",
		"comma-separated methods: rea, rs, nascent, custom")
	fl.StringVar(&f.figure, "figure", "test",
		"single objective: report the best-by-fitness architecture's "+
			"200-epoch test accuracy (test) or its fitness itself (fitness)")
	fl.StringVar(&f.mo, "mo", "",
		"multi-objective against the latency of DEVICE (e.g. fpga, eyeriss, pixel3, raspi4)")
	fl.IntVar(&f.workers, "workers", 0, "goroutines (default: one per CPU)")
	fl.BoolVar(&f.asJSON, "json", false, "print one JSON object with every row instead of a table")
	fl.IntVar(&f.population, "population", 0, "custom: population size (default 100)")
	fl.IntVar(&f.sample, "sample", 0, "custom: tournament size (default 10)")
	fl.Float64Var(&eps, "eps", 0, "custom: probability of a random child (default 0.1)")
	fl.BoolVar(&f.allowDup, "allow-duplicates", false,
		"custom: evaluate duplicates instead of drawing again")
	fl.StringVar(&f.selection, "selection", "", "custom: scalarized or pareto (default pareto)")
	return cmd
}

// benchRow is one line of the output; with --json, fields are only ever
// added.
type benchRow struct {
	Dataset string        `json:"dataset"` // c10, c100, in16, or the device with --mo
	Budget  int           `json:"budget"`
	Method  string        `json:"method"`
	Summary bench.Summary `json:"summary"`
}

func runNB201(ctx context.Context, f nb201Flags, stdout, stderr io.Writer) error {
	// Check the flags before the slow load.
	budgets, err := parseBudgets(f.budgets, f.mo != "")
	if err != nil {
		return err
	}
	methods := splitList(f.methods)
	for _, m := range methods {
		if _, err := nb201Method(m, 100, f); err != nil {
			return err
		}
	}
	datasets, err := pickDatasets(f.datasets)
	if err != nil {
		return err
	}
	if f.figure != "test" && f.figure != "fitness" {
		return fmt.Errorf("%w: --figure %q: want test or fitness", errUsage, f.figure)
	}
	if f.runs < 1 {
		return fmt.Errorf("%w: --runs %d: want at least 1", errUsage, f.runs)
	}

	// The searches allocate many small short-lived candidates; a larger
	// heap target (some tens of MB) saves a fifth of the CPU time spent.
	defer debug.SetGCPercent(debug.SetGCPercent(400))

	// Load the table and the cell space.
	start := time.Now()
	table, err := bench.LoadTable(f.data)
	if err != nil {
		return err
	}
	cells, err := bench.CellSpace()
	if err != nil {
		return fmt.Errorf("nb201 cell space: %w", err)
	}
	b, err := bench.NewNB201(table, cells)
	if err != nil {
		return err
	}
	loaded := time.Since(start)

	// A device the table lacks is a usage error, found before the table
	// header is printed.
	if f.mo != "" {
		if _, err := b.Frontier("c10valid_val12", "lat_ms_"+f.mo); errors.Is(err, nascent.ErrInvalid) {
			return fmt.Errorf("%w: --mo %s: the table has no column lat_ms_%s; devices are the lat_ms_* columns, e.g. fpga",
				errUsage, f.mo, f.mo)
		}
	}

	// Run every row, printing each as it completes.
	out := newBenchPrinter(stdout, methods, f)
	opt := bench.Options{Runs: f.runs, Seed: f.seed, Workers: f.workers}
	if f.mo != "" {
		err = runMulti(ctx, b, f, budgets, methods, opt, out)
	} else {
		err = runSingle(ctx, b, f, datasets, budgets, methods, opt, out)
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("bench nb201: %w", errInterrupted)
	}
	if err != nil {
		return err
	}
	if err := out.flush(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "nascent bench nb201: %d searches in %.2fs (table loaded in %.2fs)\n",
		out.searches, time.Since(start).Seconds(), loaded.Seconds())
	return nil
}

func runSingle(ctx context.Context, b *bench.NB201, f nb201Flags, datasets []bench.Dataset,
	budgets []int, methods []string, opt bench.Options, out *benchPrinter) error {
	defer out.optima(b, datasets)
	for _, ds := range datasets {
		for _, budget := range budgets {
			for _, name := range methods {
				m, _ := nb201Method(name, budget, f)
				report := ds.Report
				if f.figure == "fitness" {
					report = ds.Fitness
				}
				v, err := b.Single(ctx, m, ds.Fitness, report, budget, opt)
				if err != nil {
					return err
				}
				out.add(benchRow{ds.Name, budget, name, bench.Summarize(v)}, ds.Title)
			}
		}
	}
	return nil
}

func runMulti(ctx context.Context, b *bench.NB201, f nb201Flags, budgets []int,
	methods []string, opt bench.Options, out *benchPrinter) error {
	front, err := b.Frontier("c10valid_val12", "lat_ms_"+f.mo)
	if errors.Is(err, nascent.ErrInvalid) {
		return fmt.Errorf("%w: --mo %s: the table has no column lat_ms_%s", errUsage, f.mo, f.mo)
	}
	if err != nil {
		return err
	}
	for _, budget := range budgets {
		for _, name := range methods {
			m, _ := nb201Method(name, budget, f)
			m.Config.Selection = multiSelection(name, m.Config.Selection)
			v, err := b.Multi(ctx, m, front, budget, opt)
			if err != nil {
				return err
			}
			out.add(benchRow{f.mo, budget, name, bench.Summarize(v)}, "CIFAR-10 vs "+f.mo)
		}
	}
	return nil
}

// multiSelection returns the selection of a method in the two-objective
// benchmark: the literature's method is hannah's scalarized evolution.
func multiSelection(method string, sel evo.Selection) evo.Selection {
	if method == "rea" {
		return evo.Scalarized
	}
	return sel
}

// nb201Method returns the method of a name for a budget. The benchmark
// sets the objectives; these stand-ins, with bounds like the benchmark's,
// let the settings be checked.
func nb201Method(name string, budget int, f nb201Flags) (bench.Method, error) {
	objs := []nascent.Objective{{Name: "acc", Direction: nascent.Maximize, Bound: 100}}
	if f.mo != "" {
		objs = append(objs, nascent.Objective{Name: "lat", Bound: 1})
	}
	switch name {
	case "rea":
		return bench.Method{Name: "REA", Config: evo.Config{
			PopulationSize: 10, SampleSize: 3, Eps: evo.Float(0), AllowDuplicates: true}}, nil
	case "rs":
		cfg := evo.Config{AllowDuplicates: true}
		return bench.Method{Name: "RS", Random: true, Config: cfg}, nil
	case "nascent":
		return bench.Method{Name: "nascent", Config: evo.Recommended(budget, objs)}, nil
	case "custom":
		cfg := evo.Config{
			PopulationSize:  f.population,
			SampleSize:      f.sample,
			AllowDuplicates: f.allowDup,
			Selection:       evo.Selection(f.selection),
			Objectives:      objs,
		}
		if f.eps != nil {
			cfg.Eps = evo.Float(*f.eps)
		}
		if err := cfg.Check(); err != nil {
			return bench.Method{}, fmt.Errorf("%w: custom method: %v", errUsage, err)
		}
		return bench.Method{Name: "custom", Config: cfg}, nil
	}
	return bench.Method{}, fmt.Errorf("%w: method %q: want rea, rs, nascent or custom",
		errUsage, name)
}

func parseBudgets(s string, multi bool) ([]int, error) {
	if s == "" {
		if multi {
			return []int{100, 200, 500}, nil
		}
		return []int{50, 100, 200, 500}, nil
	}
	var out []int
	for _, field := range splitList(s) {
		n, err := strconv.Atoi(field)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%w: --budgets: %q is not a positive whole number",
				errUsage, field)
		}
		out = append(out, n)
	}
	return out, nil
}

func pickDatasets(s string) ([]bench.Dataset, error) {
	var out []bench.Dataset
	for _, name := range splitList(s) {
		found := false
		for _, ds := range bench.Datasets {
			if ds.Name == name {
				out, found = append(out, ds), true
			}
		}
		if !found {
			return nil, fmt.Errorf("%w: dataset %q: want c10, c100 or in16", errUsage, name)
		}
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// benchPrinter prints rows as a Markdown table, one line per dataset and
// budget with a column per method, or collects them for --json.
type benchPrinter struct {
	w        io.Writer
	methods  []string
	asJSON   bool
	perRow   int
	rows     []benchRow
	line     []string
	searches int
}

func newBenchPrinter(w io.Writer, methods []string, f nb201Flags) *benchPrinter {
	p := &benchPrinter{w: w, methods: methods, asJSON: f.asJSON, perRow: len(methods)}
	if !p.asJSON {
		figure := "200-epoch test accuracy (%), mean ± sd"
		if f.figure == "fitness" {
			figure = "best fitness (12-epoch validation accuracy, %), mean ± sd"
		}
		if f.mo != "" {
			figure = "hypervolume ratio, mean ± sd"
		}
		fmt.Fprintf(w, "%d runs per cell; %s\n\n", f.runs, figure)
		fmt.Fprintf(w, "| dataset | evals | %s |\n", strings.Join(methods, " | "))
		fmt.Fprintf(w, "| --- | ---: |%s\n", strings.Repeat(" --- |", len(methods)))
	}
	return p
}

func (p *benchPrinter) add(r benchRow, title string) {
	p.rows = append(p.rows, r)
	p.searches += r.Summary.Runs
	if p.asJSON {
		return
	}
	digits := 2
	if strings.Contains(title, " vs ") {
		digits = 4
	}
	cell := fmt.Sprintf("%.*f ± %.*f", digits, r.Summary.Mean, digits, r.Summary.SD)
	p.line = append(p.line, cell)
	if len(p.line) == p.perRow {
		fmt.Fprintf(p.w, "| %s | %d | %s |\n", title, r.Budget, strings.Join(p.line, " | "))
		p.line = p.line[:0]
	}
}

// optima prints, below the table, the optimum of each dataset's fitness
// over the whole table and its test accuracy: the figure of a search that
// always finds its fitness's optimum.
func (p *benchPrinter) optima(b *bench.NB201, datasets []bench.Dataset) {
	if p.asJSON {
		return
	}
	fmt.Fprintf(p.w, "\n| dataset | optimum of the fitness (12-epoch validation) "+
		"| its 200-epoch test accuracy |\n")
	fmt.Fprintf(p.w, "| --- | --- | --- |\n")
	for _, ds := range datasets {
		row, err := b.Best(ds.Fitness)
		if err != nil {
			continue
		}
		fit, _ := b.Table.Column(ds.Fitness)
		rep, _ := b.Table.Column(ds.Report)
		fmt.Fprintf(p.w, "| %s | %.2f | %.2f |\n", ds.Title, fit[row], rep[row])
	}
}

func (p *benchPrinter) flush() error {
	if !p.asJSON {
		return nil
	}
	enc := json.NewEncoder(p.w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Rows []benchRow `json:"rows"`
	}{p.rows})
}
