package nn

import (
	"fmt"
	"math"
)

// BatchNorm normalises each channel over the batch and time (Ioffe and
// Szegedy, "Batch normalization", ICML 2015):
//
//	y = Gamma * (x - mean) / sqrt(var + Eps) + Beta
//
// With ReLU set, the layer also applies max(y, 0), saving a separate
// ReLU layer a pass over memory in each direction.
//
// In training, mean and var are the biased statistics of the batch, and
// the running estimates move towards them as
// running = (1-Momentum)*running + Momentum*batch, with the unbiased
// variance (PyTorch's convention). In inference the running estimates are
// used instead.
type BatchNorm struct {
	Channels int
	Eps      float64
	Momentum float64
	// Gamma and Beta are the affine scale and shift, one per channel.
	Gamma, Beta *Param
	// RunningMean and RunningVar are the inference statistics.
	RunningMean, RunningVar []float32
	// ReLU applies max(y, 0) to the output.
	ReLU bool

	threads int
	train   bool
	xhat    *Tensor
	invStd  []float32
	y, dx   *Tensor
}

// NewBatchNorm returns batch norm over channels with Gamma 1, Beta 0,
// Eps 1e-5 and Momentum 0.1 (PyTorch's defaults).
func NewBatchNorm(name string, channels int) *BatchNorm {
	b := &BatchNorm{Channels: channels, Eps: 1e-5, Momentum: 0.1,
		Gamma:       newParam(name+".gamma", channels),
		Beta:        newParam(name+".beta", channels),
		RunningMean: make([]float32, channels),
		RunningVar:  make([]float32, channels),
		invStd:      make([]float32, channels), threads: 1}
	b.Reset()
	return b
}

// Reset sets Gamma to 1, Beta to 0 and the running statistics to mean 0
// and variance 1, as NewBatchNorm does.
func (b *BatchNorm) Reset() {
	for i := range b.Channels {
		b.Gamma.Data[i], b.Beta.Data[i] = 1, 0
		b.RunningMean[i], b.RunningVar[i] = 0, 1
	}
}

// Params returns Gamma and Beta.
func (b *BatchNorm) Params() []*Param { return []*Param{b.Gamma, b.Beta} }

func (b *BatchNorm) setThreads(n int) { b.threads = n }

// Forward normalises x, which has Channels channels.
func (b *BatchNorm) Forward(x *Tensor, train bool) *Tensor {
	if x.C != b.Channels {
		panic(fmt.Sprintf("nn: %s: input %v, want %d channels",
			b.Gamma.Name, x, b.Channels))
	}
	b.train = train
	m := x.N * x.L
	b.y = reshape(b.y, x.C, x.N, x.L)
	if train {
		b.xhat = reshape(b.xhat, x.C, x.N, x.L)
	}
	parallelFor(b.threads, x.C, 1, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			src := x.Data[c*m : (c+1)*m]
			mean, inv := b.stats(c, src, train)
			g, be := b.Gamma.Data[c], b.Beta.Data[c]
			dst := b.y.Data[c*m : (c+1)*m]
			// Fold the statistics into one scale and shift per channel.
			scale, shift := g*inv, be-g*mean*inv
			switch {
			case train && b.ReLU:
				xh := b.xhat.Data[c*m : (c+1)*m]
				for j, v := range src {
					h := (v - mean) * inv
					xh[j] = h
					dst[j] = max(g*h+be, 0)
				}
			case train:
				xh := b.xhat.Data[c*m : (c+1)*m]
				for j, v := range src {
					h := (v - mean) * inv
					xh[j] = h
					dst[j] = g*h + be
				}
			case b.ReLU:
				for j, v := range src {
					dst[j] = max(v*scale+shift, 0)
				}
			default:
				for j, v := range src {
					dst[j] = v*scale + shift
				}
			}
		}
	})
	return b.y
}

// stats returns channel c's mean and 1/sqrt(var+Eps) for normalising,
// updating the running estimates in training.
func (b *BatchNorm) stats(c int, src []float32, train bool) (mean, inv float32) {
	if !train {
		return b.RunningMean[c],
			float32(1 / math.Sqrt(float64(b.RunningVar[c])+b.Eps))
	}
	// Two passes: the mean, then the squared deviations, which avoids
	// the cancellation of E[x^2] - E[x]^2.
	mu := sum32(src) / float64(len(src))
	ss := sumSqDev(src, float32(mu))
	variance := ss / float64(len(src))
	unbiased := variance
	if len(src) > 1 {
		unbiased = ss / float64(len(src)-1)
	}
	mom := b.Momentum
	b.RunningMean[c] = float32((1-mom)*float64(b.RunningMean[c]) + mom*mu)
	b.RunningVar[c] = float32((1-mom)*float64(b.RunningVar[c]) + mom*unbiased)
	b.invStd[c] = float32(1 / math.Sqrt(variance+b.Eps))
	return float32(mu), b.invStd[c]
}

// Backward returns the input gradient. With m = N*L elements per channel
// and xhat the normalised input,
//
//	dBeta = sum dy, dGamma = sum dy*xhat,
//	dx = Gamma*invStd/m * (m*dy - dBeta - xhat*dGamma)
//
// in training, where with ReLU set dy is first zeroed wherever the output
// was not positive.
func (b *BatchNorm) Backward(dy *Tensor) *Tensor {
	if !b.train {
		panic("nn: " + b.Gamma.Name + ": backward after inference forward")
	}
	mustShape(b.Gamma.Name+" gradient", dy, b.y.C, b.y.N, b.y.L)
	m := dy.N * dy.L
	b.dx = reshape(b.dx, dy.C, dy.N, dy.L)
	parallelFor(b.threads, dy.C, 1, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			g := dy.Data[c*m : (c+1)*m]
			xh := b.xhat.Data[c*m : (c+1)*m]
			dst := b.dx.Data[c*m : (c+1)*m]
			if b.ReLU {
				// Mask into dst, which the formula below then reads
				// and overwrites element by element.
				maskPositive(dst, g, b.y.Data[c*m:(c+1)*m])
				g = dst
			}
			sb, sg := sumDot32(g, xh)
			b.Beta.Grad[c] += float32(sb)
			b.Gamma.Grad[c] += float32(sg)
			k := b.Gamma.Data[c] * b.invStd[c] / float32(m)
			fm, db, dg := float32(m), float32(sb), float32(sg)
			for j, v := range g {
				dst[j] = k * (fm*v - db - xh[j]*dg)
			}
		}
	})
	return b.dx
}
