package bench

import "math"

// Summary describes the values of many runs.
type Summary struct {
	Runs int     `json:"runs"`
	Mean float64 `json:"mean"`
	// SD is the population standard deviation sqrt(sum (v - mean)^2 / n),
	// as the literature's tables and the reference script report it.
	SD float64 `json:"sd"`
	// SE is the standard error of the mean, SD / sqrt(n).
	SE float64 `json:"se"`
}

// Summarize returns the mean, standard deviation and standard error of v.
func Summarize(v []float64) Summary {
	s := Summary{Runs: len(v)}
	if len(v) == 0 {
		return s
	}
	for _, x := range v {
		s.Mean += x
	}
	s.Mean /= float64(len(v))
	for _, x := range v {
		s.SD += (x - s.Mean) * (x - s.Mean)
	}
	s.SD = math.Sqrt(s.SD / float64(len(v)))
	s.SE = s.SD / math.Sqrt(float64(len(v)))
	return s
}
