package nn

import (
	"math"
	"math/rand/v2"
)

// HeInit fills p with samples of N(0, 2/fanIn), He et al.'s
// initialisation for layers followed by a ReLU ("Delving deep into
// rectifiers", ICCV 2015). fanIn is the number of inputs to each output,
// In*Size for a convolution.
func HeInit(p *Param, fanIn int, r *rand.Rand) {
	std := math.Sqrt(2 / float64(fanIn))
	for i := range p.Data {
		p.Data[i] = float32(r.NormFloat64() * std)
	}
}

// UniformInit fills p with samples of U(-1/sqrt(fanIn), 1/sqrt(fanIn)),
// the scale PyTorch gives a linear layer by default; it suits a final
// layer that is followed by no ReLU.
func UniformInit(p *Param, fanIn int, r *rand.Rand) {
	bound := 1 / math.Sqrt(float64(fanIn))
	for i := range p.Data {
		p.Data[i] = float32((2*r.Float64() - 1) * bound)
	}
}

// Shuffle returns a random permutation of [0, n) drawn from r
// (Fisher-Yates), for the order of training examples in an epoch.
func Shuffle(n int, r *rand.Rand) []int {
	return r.Perm(n)
}
