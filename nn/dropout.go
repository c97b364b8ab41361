package nn

import "math/rand/v2"

// Dropout zeroes each element with probability P in training and scales
// the survivors by 1/(1-P) (inverted dropout), so that inference is the
// identity. Its randomness comes from Rand, which must be set before a
// training Forward with P > 0.
type Dropout struct {
	P    float64
	Rand *rand.Rand

	mask  []float32
	train bool
	y, dx *Tensor
}

// Params returns nil: dropout has no parameters.
func (d *Dropout) Params() []*Param { return nil }

// Forward applies the mask in training and copies x in inference.
func (d *Dropout) Forward(x *Tensor, train bool) *Tensor {
	d.train = train && d.P > 0
	d.y = reshape(d.y, x.C, x.N, x.L)
	if !d.train {
		copy(d.y.Data, x.Data)
		return d.y
	}
	d.mask = grow(d.mask, len(x.Data))
	keep := float32(1 / (1 - d.P))
	for i, v := range x.Data {
		if d.Rand.Float64() < d.P {
			d.mask[i] = 0
		} else {
			d.mask[i] = keep
		}
		d.y.Data[i] = v * d.mask[i]
	}
	return d.y
}

// Backward applies the same mask to dy.
func (d *Dropout) Backward(dy *Tensor) *Tensor {
	mustShape("dropout gradient", dy, d.y.C, d.y.N, d.y.L)
	d.dx = reshape(d.dx, dy.C, dy.N, dy.L)
	if !d.train {
		copy(d.dx.Data, dy.Data)
		return d.dx
	}
	for i, g := range dy.Data {
		d.dx.Data[i] = g * d.mask[i]
	}
	return d.dx
}
