package bench

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/evo"
)

// Method is a search method under test.
type Method struct {
	// Name labels the method in tables, e.g. "REA".
	Name string

	// Random selects random search instead of aging evolution.
	Random bool

	// Config holds the optimizer's settings. Its Objectives are set by
	// the benchmark; Constraints are kept.
	Config evo.Config
}

// Dataset names the table columns of one NAS-Bench-201 dataset.
type Dataset struct {
	Name    string // short name: c10, c100 or in16
	Title   string // as printed: CIFAR-10, CIFAR-100, ImageNet16-120
	Fitness string // search-time fitness: 12-epoch validation accuracy
	Report  string // reported figure: 200-epoch test accuracy
}

// Datasets are NAS-Bench-201's three datasets with the literature's
// protocol (NATS-Bench): search on the 12-epoch validation accuracy, report
// the 200-epoch test accuracy.
var Datasets = []Dataset{
	{"c10", "CIFAR-10", "c10valid_val12", "c10_test200"},
	{"c100", "CIFAR-100", "c100_val12", "c100_test200"},
	{"in16", "ImageNet16-120", "in16_val12", "in16_test200"},
}

// Options says how many searches to run and how.
type Options struct {
	Runs    int    // number of independent searches
	Seed    uint64 // run i uses seed Seed + i
	Workers int    // goroutines; 0 means GOMAXPROCS
}

// check returns an error wrapping nascent.ErrInvalid for a budget or run
// count below one.
func (opt Options) check(budget int) error {
	if budget < 1 || opt.Runs < 1 {
		return fmt.Errorf("nb201: %w: budget %d and runs %d: want at least 1 each",
			nascent.ErrInvalid, budget, opt.Runs)
	}
	return nil
}

// Single runs opt.Runs seeded searches of budget evaluations each,
// maximising column fitness, and returns for each run the value of column
// report for the architecture of the best fitness seen over the whole run
// (the first one seen, on ties). Duplicates proposed by the optimizer are
// evaluated, and charged, again.
func (b *NB201) Single(ctx context.Context, m Method, fitness, report string,
	budget int, opt Options) ([]float64, error) {
	cols, err := b.columns(fitness, report)
	if err != nil {
		return nil, err
	}
	if err := opt.check(budget); err != nil {
		return nil, err
	}
	fit, rep := cols[0], cols[1]
	cfg := m.Config
	cfg.Objectives = []nascent.Objective{{Name: fitness, Direction: nascent.Maximize}}
	out := make([]float64, opt.Runs)
	err = parallel(ctx, opt, func(run int, seed uint64) error {
		o, err := b.optimizer(m, cfg, seed)
		if err != nil {
			return err
		}
		best, bestRow := math.Inf(-1), -1
		metrics := map[string]float64{}
		err = b.search(o, budget, metrics, func(row int) {
			metrics[fitness] = fit[row]
			if fit[row] > best {
				best, bestRow = fit[row], row
			}
		})
		out[run] = rep[bestRow]
		return err
	})
	return out, err
}

// search asks and tells o for budget trials; eval looks up a row and fills
// metrics for it.
func (b *NB201) search(o nascent.Optimizer, budget int,
	metrics map[string]float64, eval func(row int)) error {
	for trial := range budget {
		p, err := o.Ask(trial)
		if err != nil {
			return err
		}

		row, err := b.Row(p.Candidate)
		if err != nil {
			return err
		}
		eval(row)
		err = o.Tell(nascent.Result{Trial: trial, Candidate: p.Candidate, Metrics: metrics})
		if err != nil {
			return err
		}
	}
	return nil
}

func (b *NB201) optimizer(m Method, cfg evo.Config, seed uint64) (nascent.Optimizer, error) {
	if m.Random {
		return evo.NewRandom(b.Space, cfg, seed)
	}
	return evo.New(b.Space, cfg, seed)
}

// columns returns the named columns or an error wrapping
// nascent.ErrInvalid.
func (b *NB201) columns(names ...string) ([][]float64, error) {
	out := make([][]float64, len(names))
	for i, n := range names {
		c, ok := b.Table.Column(n)
		if !ok {
			return nil, fmt.Errorf("nb201: %w: no column %q", nascent.ErrInvalid, n)
		}
		out[i] = c
	}
	return out, nil
}

// parallel calls f(run, opt.Seed+run) for every run on opt.Workers
// goroutines and returns the first error. It stops early when ctx is done.
func parallel(ctx context.Context, opt Options, f func(run int, seed uint64) error) error {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for range min(workers, max(opt.Runs, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				run := int(next.Add(1) - 1)
				if run >= opt.Runs || ctx.Err() != nil {
					return
				}
				if err := f(run, opt.Seed+uint64(run)); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("run %d: %w", run, err)
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// Best returns the row of the table with the highest value of column
// fitness (the first such row on ties): what a search that always found
// the optimum of its fitness would report.
func (b *NB201) Best(fitness string) (int, error) {
	cols, err := b.columns(fitness)
	if err != nil {
		return 0, err
	}
	best := 0
	for i, v := range cols[0] {
		if v > cols[0][best] {
			best = i
		}
	}
	return best, nil
}
