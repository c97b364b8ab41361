package nn

import "math"

// AdamW is Adam with decoupled weight decay (Loshchilov and Hutter,
// "Decoupled weight decay regularization", ICLR 2019). For a parameter w
// with gradient g at step t (from 1), with learning rate lr:
//
//	w <- w - lr*WeightDecay*w          (skipped for Param.NoDecay)
//	m <- Beta1*m + (1-Beta1)*g
//	v <- Beta2*v + (1-Beta2)*g^2
//	w <- w - lr * (m/(1-Beta1^t)) / (sqrt(v/(1-Beta2^t)) + Eps)
//
// which is PyTorch's torch.optim.AdamW. Step clears the gradients.
type AdamW struct {
	Beta1, Beta2, Eps, WeightDecay float64

	params []*Param
	m, v   [][]float32
	t      int
}

// NewAdamW returns AdamW over params with Beta1 0.9, Beta2 0.999, Eps 1e-8
// and the given weight decay (PyTorch's defaults apart from the decay).
func NewAdamW(params []*Param, weightDecay float64) *AdamW {
	o := &AdamW{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8,
		WeightDecay: weightDecay, params: params}
	for _, p := range params {
		o.m = append(o.m, make([]float32, len(p.Data)))
		o.v = append(o.v, make([]float32, len(p.Data)))
	}
	return o
}

// Step updates every parameter with learning rate lr and zeroes its
// gradient.
func (o *AdamW) Step(lr float64) {
	o.t++
	// PyTorch corrects the bias with Beta1^t for the current Beta1 even
	// when a schedule cycles it; do the same so that runs compare.
	c1 := 1 - math.Pow(o.Beta1, float64(o.t))
	c2 := 1 - math.Pow(o.Beta2, float64(o.t))
	b1, b2 := float32(o.Beta1), float32(o.Beta2)
	step := float32(lr / c1)
	sc2 := float32(1 / math.Sqrt(c2))
	eps := float32(o.Eps)
	for i, p := range o.params {
		decay := float32(1 - lr*o.WeightDecay)
		if p.NoDecay {
			decay = 1
		}
		m, v := o.m[i], o.v[i]
		for j, g := range p.Grad {
			m[j] = b1*m[j] + (1-b1)*g
			v[j] = b2*v[j] + (1-b2)*g*g
			denom := sqrt32(v[j])*sc2 + eps
			p.Data[j] = p.Data[j]*decay - step*m[j]/denom
			p.Grad[j] = 0
		}
	}
}

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }
