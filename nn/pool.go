package nn

// GlobalAvgPool averages each channel of each example over time:
// y[c][n][0] = mean_t x[c][n][t].
type GlobalAvgPool struct {
	l     int
	y, dx *Tensor
}

// Params returns nil: pooling has no parameters.
func (p *GlobalAvgPool) Params() []*Param { return nil }

// Forward returns a tensor of shape [C][N][1].
func (p *GlobalAvgPool) Forward(x *Tensor, train bool) *Tensor {
	p.l = x.L
	p.y = reshape(p.y, x.C, x.N, 1)
	for r := range x.C * x.N {
		var s float32
		for _, v := range x.Data[r*x.L : (r+1)*x.L] {
			s += v
		}
		p.y.Data[r] = s / float32(x.L)
	}
	return p.y
}

// Backward spreads each gradient evenly over the pooled time steps.
func (p *GlobalAvgPool) Backward(dy *Tensor) *Tensor {
	mustShape("pool gradient", dy, p.y.C, p.y.N, 1)
	p.dx = reshape(p.dx, dy.C, dy.N, p.l)
	for r, g := range dy.Data {
		g /= float32(p.l)
		row := p.dx.Data[r*p.l : (r+1)*p.l]
		for t := range row {
			row[t] = g
		}
	}
	return p.dx
}
