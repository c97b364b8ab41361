package nn

// ReLU is the rectifier y = max(x, 0).
type ReLU struct {
	threads int
	y, dx   *Tensor
}

// Params returns nil: ReLU has no parameters.
func (r *ReLU) Params() []*Param { return nil }

func (r *ReLU) setThreads(n int) { r.threads = n }

// elementGrain is the smallest chunk of an element-wise loop worth a
// goroutine of its own.
const elementGrain = 16384

// Forward applies max(x, 0) element-wise.
func (r *ReLU) Forward(x *Tensor, train bool) *Tensor {
	r.y = reshape(r.y, x.C, x.N, x.L)
	parallelFor(r.threads, len(x.Data), elementGrain, func(lo, hi int) {
		dst := r.y.Data[lo:hi]
		for i, v := range x.Data[lo:hi] {
			dst[i] = max(v, 0)
		}
	})
	return r.y
}

// Backward passes dy where the output was positive. The derivative at 0
// is taken as 0.
func (r *ReLU) Backward(dy *Tensor) *Tensor {
	mustShape("relu gradient", dy, r.y.C, r.y.N, r.y.L)
	r.dx = reshape(r.dx, dy.C, dy.N, dy.L)
	parallelFor(r.threads, len(dy.Data), elementGrain, func(lo, hi int) {
		maskPositive(r.dx.Data[lo:hi], dy.Data[lo:hi], r.y.Data[lo:hi])
	})
	return r.dx
}
