package nn

import "fmt"

// Linear is a fully connected layer on tensors with In channels and L = 1:
// y[o][n] = sum_i W[o][i] x[i][n] (+ b[o] when it has a bias).
type Linear struct {
	In, Out int
	// Weight holds W as [Out][In]; Bias is nil without a bias.
	Weight, Bias *Param

	threads int
	x       *Tensor
	y, dx   *Tensor
}

// NewLinear returns a linear layer with zero weights; see [HeInit] and
// [UniformInit].
func NewLinear(name string, in, out int, bias bool) *Linear {
	l := &Linear{In: in, Out: out, Weight: newParam(name+".weight", in*out),
		threads: 1}
	if bias {
		l.Bias = newParam(name+".bias", out)
		l.Bias.NoDecay = true
	}
	return l
}

// Params returns the weight and, if present, the bias.
func (l *Linear) Params() []*Param {
	if l.Bias != nil {
		return []*Param{l.Weight, l.Bias}
	}
	return []*Param{l.Weight}
}

func (l *Linear) setThreads(n int) { l.threads = n }

// Forward maps x (In channels, L = 1) to Out channels.
func (l *Linear) Forward(x *Tensor, train bool) *Tensor {
	if x.C != l.In || x.L != 1 {
		panic(fmt.Sprintf("nn: %s: input %v, want [C=%d L=1]",
			l.Weight.Name, x, l.In))
	}
	l.x = x
	l.y = reshape(l.y, l.Out, x.N, 1)
	gemm(l.threads, false, false, l.Out, x.N, l.In, l.Weight.Data, l.In,
		x.Data, x.N, 0, l.y.Data, x.N)
	if l.Bias != nil {
		for o := range l.Out {
			for n := range x.N {
				l.y.Data[o*x.N+n] += l.Bias.Data[o]
			}
		}
	}
	return l.y
}

// Backward adds dW = dy x^T (and db = sum dy) and returns W^T dy.
func (l *Linear) Backward(dy *Tensor) *Tensor {
	n := l.x.N
	mustShape(l.Weight.Name+" gradient", dy, l.Out, n, 1)
	gemm(l.threads, false, true, l.Out, l.In, n, dy.Data, n, l.x.Data, n,
		1, l.Weight.Grad, l.In)
	if l.Bias != nil {
		for o := range l.Out {
			for _, g := range dy.Data[o*n : (o+1)*n] {
				l.Bias.Grad[o] += g
			}
		}
	}
	l.dx = reshape(l.dx, l.In, n, 1)
	gemm(l.threads, true, false, l.In, n, l.Out, l.Weight.Data, l.In,
		dy.Data, n, 0, l.dx.Data, n)
	return l.dx
}
