package study

import (
	"math"

	"github.com/nascent-nas/nascent"
)

// hannahOptim are the keys of hydra.sweeper.optim that nascent maps.
var hannahOptim = []string{"optimizer", "population_size", "sample_size", "eps",
	"budget", "seed", "num_workers", "bounds"}

// hannah reads a hannah Hydra config. hydra.sweeper.optim gives the
// optimizer settings, the budget, the seed, the parallelism
// (num_workers) and the objectives (bounds, all minimised, as in hannah);
// hydra.sweeper.parametrization is the space; every other top-level key
// except defaults and nascent is the base config the candidate is merged
// into. nascent's own settings (at least the trial command) come from the
// top-level nascent mapping, whose keys are those of a study file and win
// over the mapped ones. It returns that mapping, or nil when there is
// none.
func (p *fileParser) hannah(f *File, root, hydra *node) *node {
	f.Hannah = true
	sweeper := hydra.get("sweeper")
	if sweeper == nil || sweeper.kind != mapKind {
		p.errs.at(p.file, hydra, "a hannah config needs hydra.sweeper with optim and parametrization")
		return nil
	}

	// The optimizer settings. Everything else under hydra (launcher,
	// run directories, logging) is Hydra's and is ignored.
	if optim := sweeper.get("optim"); optim != nil && optim.kind == mapKind {
		p.hannahOptim(f, optim)
	}
	if par := sweeper.get("parametrization"); par != nil {
		p.space(f, par)
	}

	// The base config: the rest of the file.
	base := map[string]any{}
	for _, e := range root.keys {
		switch e.key {
		case "hydra", "defaults", "nascent":
		default:
			base[e.key] = e.val.value()
		}
	}
	if len(base) > 0 {
		f.Base = base
	}

	settings := root.get("nascent")
	if settings == nil || settings.kind != mapKind {
		p.errs.at(p.file, root, "a hannah config needs a top-level nascent mapping with at "+
			"least the trial command, e.g. nascent: {trial: {command: [python, -m, hannah.train, \"{overrides}\"]}}")
		return nil
	}
	return settings
}

func (p *fileParser) hannahOptim(f *File, optim *node) {
	for _, e := range optim.keys {
		ok := false
		for _, k := range hannahOptim {
			ok = ok || k == e.key
		}
		if !ok {
			// hannah's sweeper has settings nascent has no use for; they
			// are ignored, as docs/study-file.md says.
			continue
		}
		v := e.val
		switch e.key {
		case "optimizer":
			f.Optimizer.Name = p.optimizerName(v)
		case "population_size":
			f.Optimizer.PopulationSize = int(p.integer(v, 1, math.MaxInt32))
		case "sample_size":
			f.Optimizer.SampleSize = int(p.integer(v, 1, math.MaxInt32))
		case "eps":
			e := p.number(v)
			f.Optimizer.Eps = &e
		case "budget":
			f.Budget = int(p.integer(v, 1, math.MaxInt32))
		case "seed":
			f.Seed = uint64(max(p.integer(v, 0, math.MaxInt64), 0))
		case "num_workers":
			f.Parallel = int(p.integer(v, 1, 4096))
		case "bounds":
			f.Objectives = p.bounds(v)
		}
	}
}

// bounds reads hannah's bounds mapping, metric -> bound, into minimised
// objectives in file order.
func (p *fileParser) bounds(n *node) []nascent.Objective {
	if n.kind != mapKind {
		p.errs.at(p.file, n, "bounds: want a mapping of metric names to bounds")
		return nil
	}
	var out []nascent.Objective
	for _, e := range n.keys {
		b := p.number(e.val)
		if !(b > 0) {
			p.errs.at(p.file, e.val, "bound %v: want a positive number", e.val.scalar)
			continue
		}
		out = append(out, nascent.Objective{Name: e.key, Bound: b})
	}
	return out
}
