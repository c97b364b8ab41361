package nn

// GlobalAvgPool averages each channel of each example over time:
// y[c][0][n] = mean_t x[c][t][n].
type GlobalAvgPool struct {
	l     int
	y, dx *Tensor
}

// Params returns nil: pooling has no parameters.
func (p *GlobalAvgPool) Params() []*Param { return nil }

// Forward returns a tensor with C channels, N examples and L = 1.
func (p *GlobalAvgPool) Forward(x *Tensor, train bool) *Tensor {
	p.l = x.L
	p.y = reshape(p.y, x.C, x.N, 1)
	n := x.N
	for c := range x.C {
		dst := p.y.Data[c*n : (c+1)*n]
		zero(dst)
		for t := range x.L {
			addTo(dst, x.Data[(c*x.L+t)*n:(c*x.L+t+1)*n])
		}
		for i := range dst {
			dst[i] /= float32(x.L)
		}
	}
	return p.y
}

// Backward spreads each gradient evenly over the pooled time steps.
func (p *GlobalAvgPool) Backward(dy *Tensor) *Tensor {
	mustShape("pool gradient", dy, p.y.C, p.y.N, 1)
	p.dx = reshape(p.dx, dy.C, dy.N, p.l)
	n := dy.N
	for c := range dy.C {
		g := dy.Data[c*n : (c+1)*n]
		for t := range p.l {
			row := p.dx.Data[(c*p.l+t)*n : (c*p.l+t+1)*n]
			for i, v := range g {
				row[i] = v / float32(p.l)
			}
		}
	}
	return p.dx
}
