package evo

import (
	"math"
	"math/rand/v2"

	"github.com/nascent-nas/nascent"
)

// selector runs a tournament: it draws k members of pop uniformly with
// replacement and returns the index of the winner. Ties go to the member
// drawn first.
type selector interface {
	tournament(r *rand.Rand, pop []member, k int) int

	// changed tells the selector that the population changed.
	changed()
}

func newSelector(cfg Config) selector {
	switch {
	case len(cfg.Objectives) == 1:
		return single{}
	case cfg.Selection == Scalarized:
		return newScalarized(cfg.Objectives)
	}
	return &pareto{}
}

// single picks the smallest loss of the only objective.
type single struct{}

func (single) changed() {}

func (single) tournament(r *rand.Rand, pop []member, k int) int {
	best := r.IntN(len(pop))
	for i := 1; i < k; i++ {
		j := r.IntN(len(pop))
		if pop[j].loss[0] < pop[best].loss[0] {
			best = j
		}
	}
	return best
}

// scalarized is hannah's selection. Each member's losses are first turned
// into non-negative bound-normalised values
//
//	m_i = v_i / b_i            for a minimised metric v_i with bound b_i,
//	m_i = (b_i - v_i) / b_i    for a maximised one,
//
// (b_i = 1 when a minimised metric has no bound), and the winner has the
// smallest sqrt(sum_i (w_i m_i)^2) for weights w_i ~ U(0, 1) drawn afresh
// for each tournament.
type scalarized struct {
	scale, shift []float64 // m_i = shift_i + scale_i * loss_i
	w            []float64
}

func newScalarized(objs []nascent.Objective) *scalarized {
	s := &scalarized{
		scale: make([]float64, len(objs)),
		shift: make([]float64, len(objs)),
		w:     make([]float64, len(objs)),
	}
	for i, o := range objs {
		b := o.Bound
		if b == 0 {
			b = 1
		}
		// The loss of a maximised metric is -v, so (b - v) / b is
		// 1 + loss / b.
		s.scale[i] = 1 / b
		if o.Direction == nascent.Maximize {
			s.shift[i] = 1
		}
	}
	return s
}

func (*scalarized) changed() {}

func (s *scalarized) tournament(r *rand.Rand, pop []member, k int) int {
	for i := range s.w {
		s.w[i] = r.Float64()
	}
	best, bestScore := -1, math.Inf(1)
	for range k {
		j := r.IntN(len(pop))
		if score := s.score(pop[j].loss); best < 0 || score < bestScore {
			best, bestScore = j, score
		}
	}
	return best
}

func (s *scalarized) score(loss []float64) float64 {
	var sum float64
	for i, v := range loss {
		m := s.w[i] * (s.shift[i] + s.scale[i]*v)
		sum += m * m
	}
	return math.Sqrt(sum)
}

// pareto ranks the whole population by non-dominated sorting and breaks
// ties within a front by crowding distance (NSGA-II's crowded-comparison
// operator, Deb et al. 2002): the winner has the lowest rank, then the
// largest distance. Ranks are computed lazily, once per population change.
type pareto struct {
	dirty  bool
	rank   []int
	crowd  []float64
	points [][]float64
}

func (p *pareto) changed() { p.dirty = true }

func (p *pareto) tournament(r *rand.Rand, pop []member, k int) int {
	if p.dirty || len(p.rank) != len(pop) {
		p.update(pop)
	}
	best := r.IntN(len(pop))
	for i := 1; i < k; i++ {
		j := r.IntN(len(pop))
		if p.rank[j] < p.rank[best] || p.rank[j] == p.rank[best] && p.crowd[j] > p.crowd[best] {
			best = j
		}
	}
	return best
}

// update recomputes ranks and crowding distances of pop.
func (p *pareto) update(pop []member) {
	p.points = p.points[:0]
	for i := range pop {
		p.points = append(p.points, pop[i].loss)
	}
	p.rank = ranks(p.points, p.rank)
	p.crowd = crowding(p.points, p.rank, p.crowd)
	p.dirty = false
}
