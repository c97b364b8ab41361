package nn

import "fmt"

// Residual adds two paths over the same input and optionally applies a
// ReLU to the sum (He et al., "Deep residual learning", CVPR 2016):
//
//	y = relu(Main(x) + Skip(x))
//
// Both paths must give the same number of channels. When their lengths
// differ (a path without padding shortens its input), both are cropped to
// the shorter one, keeping the first steps.
type Residual struct {
	Main, Skip Layer
	// ReLU applies max(sum, 0).
	ReLU bool

	threads    int
	main, skip *Tensor
	sum, dm    *Tensor
	dsum       *Tensor
	ds, dx     *Tensor
}

// Params returns the parameters of Main, then Skip.
func (r *Residual) Params() []*Param {
	return append(r.Main.Params(), r.Skip.Params()...)
}

func (r *Residual) setThreads(n int) {
	r.threads = n
	SetThreads(r.Main, n)
	SetThreads(r.Skip, n)
}

// Forward returns Main(x) + Skip(x), rectified when ReLU is set.
func (r *Residual) Forward(x *Tensor, train bool) *Tensor {
	r.main = r.Main.Forward(x, train)
	r.skip = r.Skip.Forward(x, train)
	a, b := r.main, r.skip
	if a.C != b.C || a.N != b.N {
		panic(fmt.Sprintf("nn: residual: paths give %v and %v", a, b))
	}
	l := min(a.L, b.L)
	r.sum = reshape(r.sum, a.C, a.N, l)
	// Channel c's first l steps are a prefix of its plane in each path.
	m := l * a.N
	parallelFor(r.threads, a.C, elementGrain/m+1, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			dst := r.sum.Data[c*m : (c+1)*m]
			pa := a.Data[c*a.L*a.N : c*a.L*a.N+m]
			pb := b.Data[c*b.L*b.N : c*b.L*b.N+m]
			if r.ReLU {
				for t := range dst {
					dst[t] = max(pa[t]+pb[t], 0)
				}
				continue
			}
			for t := range dst {
				dst[t] = pa[t] + pb[t]
			}
		}
	})
	return r.sum
}

// Backward sends the gradient of the sum down both paths and adds their
// input gradients.
func (r *Residual) Backward(dy *Tensor) *Tensor {
	mustShape("residual gradient", dy, r.sum.C, r.sum.N, r.sum.L)
	if r.ReLU {
		r.dsum = reshape(r.dsum, dy.C, dy.N, dy.L)
		parallelFor(r.threads, len(dy.Data), elementGrain, func(lo, hi int) {
			maskPositive(r.dsum.Data[lo:hi], dy.Data[lo:hi], r.sum.Data[lo:hi])
		})
		dy = r.dsum
	}
	r.dm = padGrad(r.dm, dy, r.main.L)
	r.ds = padGrad(r.ds, dy, r.skip.L)
	dm := r.Main.Backward(r.dm)
	ds := r.Skip.Backward(r.ds)
	if dm == nil || ds == nil {
		panic("nn: residual: a path computed no input gradient")
	}
	r.dx = reshape(r.dx, dm.C, dm.N, dm.L)
	parallelFor(r.threads, len(r.dx.Data), elementGrain, func(lo, hi int) {
		dst, a, b := r.dx.Data[lo:hi], dm.Data[lo:hi], ds.Data[lo:hi]
		for i := range dst {
			dst[i] = a[i] + b[i]
		}
	})
	return r.dx
}

// padGrad returns dy extended with zeros to length l: the gradient of a
// path whose output was cropped to dy's length.
func padGrad(buf, dy *Tensor, l int) *Tensor {
	if l == dy.L {
		return dy
	}
	buf = reshape(buf, dy.C, dy.N, l)
	m, full := dy.L*dy.N, l*dy.N
	for c := range dy.C {
		dst := buf.Data[c*full : (c+1)*full]
		n := copy(dst, dy.Data[c*m:(c+1)*m])
		zero(dst[n:])
	}
	return buf
}
