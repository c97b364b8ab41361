package evo

import (
	"math"

	"github.com/nascent-nas/nascent"
)

// Recommended returns the settings nascent recommends for a search of
// budget evaluations of the given objectives; Constraints are left empty.
// They were chosen on NAS-Bench-201 (docs/benchmarks.md) and differ from
// the defaults, which are hannah's and suit budgets of many hundreds:
//
//   - one objective: PopulationSize = SampleSize = round(0.45 budget),
//     at least 4, Eps 0, duplicates avoided. A tournament as large as the
//     population picks the best member about 63% of the time
//     (1 - (1 - 1/P)^P), so the search climbs greedily from the best of
//     the first P random candidates, and duplicate avoidance turns each
//     climb step into a visit of a new neighbour;
//   - several objectives: PopulationSize = round(budget / 4), at least 4,
//     SampleSize = PopulationSize / 2, Eps 0, Pareto selection, duplicates
//     avoided. A front needs a more varied population than a single best.
func Recommended(budget int, objectives []nascent.Objective) Config {
	cfg := Config{Eps: Float(0), Objectives: objectives}
	if len(objectives) > 1 {
		cfg.PopulationSize = max(4, int(math.Round(float64(budget)/4)))
		cfg.SampleSize = cfg.PopulationSize / 2
		cfg.Selection = Pareto
		return cfg
	}
	cfg.PopulationSize = max(4, int(math.Round(0.45*float64(budget))))
	cfg.SampleSize = cfg.PopulationSize
	return cfg
}
