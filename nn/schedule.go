package nn

import "math"

// OneCycle is the one-cycle learning-rate policy (Smith and Topin,
// "Super-convergence", 2018) as PyTorch's OneCycleLR computes it with
// cosine annealing: over the first PctStart of Total steps the rate rises
// from MaxLR/DivFactor to MaxLR while Adam's Beta1 falls from MaxBeta1 to
// BaseBeta1; over the rest the rate falls to MaxLR/(DivFactor*FinalDiv)
// and Beta1 rises back.
type OneCycle struct {
	MaxLR float64
	Total int
	// PctStart, DivFactor and FinalDiv default to 0.3, 25 and 1e4;
	// BaseBeta1 and MaxBeta1 to 0.85 and 0.95 (PyTorch's defaults).
	PctStart, DivFactor, FinalDiv float64
	BaseBeta1, MaxBeta1           float64
}

func (s OneCycle) defaults() OneCycle {
	if s.PctStart == 0 {
		s.PctStart = 0.3
	}
	if s.DivFactor == 0 {
		s.DivFactor = 25
	}
	if s.FinalDiv == 0 {
		s.FinalDiv = 1e4
	}
	if s.BaseBeta1 == 0 {
		s.BaseBeta1 = 0.85
	}
	if s.MaxBeta1 == 0 {
		s.MaxBeta1 = 0.95
	}
	return s
}

// At returns the learning rate and Adam Beta1 for optimizer step step,
// counted from 0. Steps past Total keep the final values.
func (s OneCycle) At(step int) (lr, beta1 float64) {
	s = s.defaults()
	initial := s.MaxLR / s.DivFactor
	final := initial / s.FinalDiv
	warm := s.PctStart*float64(s.Total) - 1
	last := float64(s.Total - 1)
	x := float64(min(step, s.Total-1))
	if x <= warm {
		p := x / warm
		return cosAnneal(initial, s.MaxLR, p),
			cosAnneal(s.MaxBeta1, s.BaseBeta1, p)
	}
	p := (x - warm) / (last - warm)
	return cosAnneal(s.MaxLR, final, p), cosAnneal(s.BaseBeta1, s.MaxBeta1, p)
}

// cosAnneal moves from start to end as p goes from 0 to 1 along half a
// cosine.
func cosAnneal(start, end, p float64) float64 {
	if math.IsNaN(p) || p > 1 {
		p = 1
	}
	return end + (start-end)/2*(math.Cos(math.Pi*p)+1)
}

// Cosine is cosine annealing without restarts (Loshchilov and Hutter,
// "SGDR", ICLR 2017): the rate falls from MaxLR to MinLR over Total steps.
type Cosine struct {
	MaxLR, MinLR float64
	Total        int
}

// At returns the learning rate for step step, counted from 0.
func (s Cosine) At(step int) float64 {
	if s.Total <= 1 {
		return s.MaxLR
	}
	p := float64(min(step, s.Total-1)) / float64(s.Total-1)
	return cosAnneal(s.MaxLR, s.MinLR, p)
}
