package nn

// ReLU is the rectifier y = max(x, 0).
type ReLU struct {
	y, dx *Tensor
}

// Params returns nil: ReLU has no parameters.
func (r *ReLU) Params() []*Param { return nil }

// Forward applies max(x, 0) element-wise.
func (r *ReLU) Forward(x *Tensor, train bool) *Tensor {
	r.y = reshape(r.y, x.C, x.N, x.L)
	for i, v := range x.Data {
		r.y.Data[i] = max(v, 0)
	}
	return r.y
}

// Backward passes dy where the output was positive. The derivative at 0
// is taken as 0.
func (r *ReLU) Backward(dy *Tensor) *Tensor {
	mustShape("relu gradient", dy, r.y.C, r.y.N, r.y.L)
	r.dx = reshape(r.dx, dy.C, dy.N, dy.L)
	for i, v := range r.y.Data {
		if v > 0 {
			r.dx.Data[i] = dy.Data[i]
		} else {
			r.dx.Data[i] = 0
		}
	}
	return r.dx
}
