package bench

import (
	"context"
	"slices"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/evo"
)

// accLat are the directions of the two-objective benchmark.
var accLat = []nascent.Direction{nascent.Maximize, nascent.Minimize}

// Frontier is the exhaustive Pareto front of an accuracy column (to
// maximise) against a latency column (to minimise) over the whole table,
// and the reference point of the hypervolume ratio.
type Frontier struct {
	Acc, Lat string

	// Front holds the rows of the exhaustive front.
	Front []int

	// Ref is the reference point (accuracy, latency): the front's nadir
	// pushed out by 10% of the front's range on each objective,
	// (min acc - 0.1 range acc, max lat + 0.1 range lat).
	Ref []float64

	// HV is the hypervolume of the exhaustive front with respect to Ref.
	HV float64
}

// Frontier computes the exhaustive front of columns acc and lat.
func (b *NB201) Frontier(acc, lat string) (Frontier, error) {
	cols, err := b.columns(acc, lat)
	if err != nil {
		return Frontier{}, err
	}
	pts := make([][]float64, len(b.Table.Archs))
	for i := range pts {
		pts[i] = []float64{cols[0][i], cols[1][i]}
	}
	f := Frontier{Acc: acc, Lat: lat, Front: evo.ParetoFront(pts, accLat)}
	accs, lats := make([]float64, 0, len(f.Front)), make([]float64, 0, len(f.Front))
	for _, i := range f.Front {
		accs, lats = append(accs, pts[i][0]), append(lats, pts[i][1])
	}
	loA, hiA := slices.Min(accs), slices.Max(accs)
	loL, hiL := slices.Min(lats), slices.Max(lats)
	f.Ref = []float64{loA - 0.1*(hiA-loA), hiL + 0.1*(hiL-loL)}
	front := make([][]float64, len(f.Front))
	for k, i := range f.Front {
		front[k] = pts[i]
	}
	f.HV = evo.Hypervolume(front, accLat, f.Ref)
	return f, nil
}

// Multi runs opt.Runs seeded two-objective searches of budget evaluations
// each, maximising f.Acc and minimising f.Lat, and returns for each run
// the hypervolume of everything it evaluated divided by f.HV. The
// objectives' bounds, used by scalarized selection, are 100 for the
// accuracy (in percent) and the table's median for the latency, as in
// hannah's normalisation.
func (b *NB201) Multi(ctx context.Context, m Method, f Frontier, budget int,
	opt Options) ([]float64, error) {
	cols, err := b.columns(f.Acc, f.Lat)
	if err != nil {
		return nil, err
	}
	if err := opt.check(budget); err != nil {
		return nil, err
	}
	acc, lat := cols[0], cols[1]
	cfg := m.Config
	cfg.Objectives = []nascent.Objective{
		{Name: f.Acc, Direction: nascent.Maximize, Bound: 100},
		{Name: f.Lat, Direction: nascent.Minimize, Bound: median(lat)},
	}
	out := make([]float64, opt.Runs)
	err = parallel(ctx, opt, func(run int, seed uint64) error {
		o, err := b.optimizer(m, cfg, seed)
		if err != nil {
			return err
		}
		pts := make([][]float64, 0, budget)
		metrics := map[string]float64{}
		err = b.search(o, budget, metrics, func(row int) {
			metrics[f.Acc], metrics[f.Lat] = acc[row], lat[row]
			pts = append(pts, []float64{acc[row], lat[row]})
		})
		out[run] = evo.Hypervolume(pts, accLat, f.Ref) / f.HV
		return err
	})
	return out, err
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
