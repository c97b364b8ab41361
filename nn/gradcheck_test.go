package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// refFunc is a float64 reference forward pass: the output for input x and
// parameter values ps (in the order of the layer's Params).
type refFunc func(x []float64, ps [][]float64) []float64

func to64(s []float32) []float64 {
	d := make([]float64, len(s))
	for i, v := range s {
		d[i] = float64(v)
	}
	return d
}

func randTensor(r *rand.Rand, c, n, l int) *Tensor {
	t := NewTensor(c, n, l)
	for i := range t.Data {
		t.Data[i] = float32(r.NormFloat64())
	}
	return t
}

func randParams(l Layer, r *rand.Rand) {
	for _, p := range l.Params() {
		for i := range p.Data {
			p.Data[i] = float32(r.NormFloat64() * 0.5)
		}
	}
}

// checkGrads runs layer forward and backward on x, compares the output
// with ref, and compares the input and parameter gradients of the loss
// sum(r*y) with central finite differences of ref in float64.
func checkGrads(t *testing.T, layer Layer, x *Tensor, ref refFunc) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 8))
	params := layer.Params()
	for _, p := range params {
		zero(p.Grad)
	}
	x64 := to64(x.Data)
	ps64 := make([][]float64, len(params))
	for i, p := range params {
		ps64[i] = to64(p.Data)
	}

	// Forward: the float32 layer against the float64 reference.
	y := layer.Forward(x, true)
	want := ref(x64, ps64)
	if len(want) != len(y.Data) {
		t.Fatalf("forward gives %d values, reference %d", len(y.Data), len(want))
	}
	compare(t, "forward", to64(y.Data), want)

	// Backward with a random output gradient r.
	r := make([]float64, len(want))
	dy := &Tensor{C: y.C, N: y.N, L: y.L, Data: make([]float32, len(r))}
	for i := range r {
		r[i] = rng.NormFloat64()
		dy.Data[i] = float32(r[i])
	}
	dx := layer.Backward(dy)
	loss := func() float64 {
		var s float64
		for i, v := range ref(x64, ps64) {
			s += r[i] * v
		}
		return s
	}
	compare(t, "input gradient", to64(dx.Data), numGrad(x64, loss))
	for i, p := range params {
		compare(t, p.Name+" gradient", to64(p.Grad), numGrad(ps64[i], loss))
	}
}

// numGrad returns the central-difference gradient of f with respect to
// each element of v, perturbing v in place.
func numGrad(v []float64, f func() float64) []float64 {
	const h = 1e-6
	g := make([]float64, len(v))
	for i := range v {
		old := v[i]
		v[i] = old + h
		fp := f()
		v[i] = old - h
		fm := f()
		v[i] = old
		g[i] = (fp - fm) / (2 * h)
	}
	return g
}

// compare fails when got and want differ by more than float32 rounding
// allows, relative to the largest magnitude in want.
func compare(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	var scale float64
	for _, w := range want {
		scale = max(scale, math.Abs(w))
	}
	bad := 0
	for i := range got {
		if d := math.Abs(got[i] - want[i]); d > 1e-4*scale+1e-3*math.Abs(want[i]) || math.IsNaN(got[i]) {
			if bad < 3 {
				t.Errorf("%s[%d] = %.7g, want %.7g", what, i, got[i], want[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d values differ", what, bad, len(got))
	}
}

// refConv is a direct float64 convolution on [C][L][N] data.
func refConv(x []float64, w []float64, in, out, n, l, size, stride, pad int) []float64 {
	lout := ConvOutLen(l, size, stride, pad)
	y := make([]float64, out*n*lout)
	for o := range out {
		for b := range n {
			for t := range lout {
				var s float64
				for i := range in {
					for k := range size {
						src := t*stride + k - pad
						if src >= 0 && src < l {
							s += w[(o*in+i)*size+k] * x[(i*l+src)*n+b]
						}
					}
				}
				y[(o*lout+t)*n+b] = s
			}
		}
	}
	return y
}

func TestConv1dGradients(t *testing.T) {

	tests := []struct {
		name                       string
		in, out, size, stride, pad int
		n, l                       int
		threads                    int
	}{
		{"3 wide same", 3, 4, 3, 1, 1, 2, 7, 1},
		{"9 wide stride 2", 2, 3, 9, 2, 4, 3, 11, 2},
		{"1 wide direct", 4, 3, 1, 1, 0, 2, 5, 2},
		{"1 wide stride 2", 4, 3, 1, 2, 0, 2, 6, 1},
		{"even no padding", 2, 2, 4, 3, 0, 2, 10, 2},
		{"padding past kernel", 2, 2, 2, 1, 3, 1, 3, 1},
		// Long enough for whole 16-column panels inside one example, and
		// at least 16 im2col rows, for the packed fast paths.
		{"long same", 4, 3, 5, 1, 2, 2, 40, 2},
		{"long stride 2", 2, 3, 9, 2, 4, 2, 70, 1},
		// Panels that end one step into an example, inside its padding.
		{"short runs", 2, 2, 9, 1, 4, 3, 15, 1},
		// Whole 6 x 16 tiles of the weight gradient, and a partial one.
		{"16 outputs", 2, 16, 9, 1, 4, 2, 20, 2},
		{"17 outputs", 2, 17, 3, 2, 1, 2, 20, 1},
		// Batches of 16 and 20: whole panels within one time step, and
		// panels across two.
		{"batch 16", 2, 3, 3, 2, 1, 16, 6, 2},
		{"batch 20", 2, 3, 5, 1, 2, 20, 5, 1},
		// More columns than one block of the inner dimension (256).
		{"many columns", 1, 16, 3, 1, 1, 3, 100, 2},
		// An input shorter than the padding: some taps see only padding
		// (a 9-wide same convolution deep in a strided network).
		{"input shorter than padding", 2, 2, 9, 1, 4, 2, 3, 1},
		{"input shorter than padding strided", 2, 2, 9, 3, 4, 2, 2, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			c := NewConv1d("conv", tc.in, tc.out, tc.size, tc.stride, tc.pad)
			SetThreads(c, tc.threads)
			randParams(c, r)
			x := randTensor(r, tc.in, tc.n, tc.l)
			checkGrads(t, c, x, func(x []float64, ps [][]float64) []float64 {
				return refConv(x, ps[0], tc.in, tc.out, tc.n, tc.l,
					tc.size, tc.stride, tc.pad)
			})
		})
	}
}

func refBatchNorm(x, gamma, beta []float64, c, m int, eps float64) []float64 {
	y := make([]float64, len(x))
	for ch := range c {
		row := x[ch*m : (ch+1)*m]
		var mu, v float64
		for _, a := range row {
			mu += a
		}
		mu /= float64(m)
		for _, a := range row {
			v += (a - mu) * (a - mu)
		}
		v /= float64(m)
		for j, a := range row {
			y[ch*m+j] = gamma[ch]*(a-mu)/math.Sqrt(v+eps) + beta[ch]
		}
	}
	return y
}

func TestBatchNormGradients(t *testing.T) {
	for _, threads := range []int{1, 2} {
		r := rand.New(rand.NewPCG(3, 4))
		b := NewBatchNorm("bn", 3)
		SetThreads(b, threads)
		randParams(b, r)
		x := randTensor(r, 3, 4, 5)
		checkGrads(t, b, x, func(x []float64, ps [][]float64) []float64 {
			return refBatchNorm(x, ps[0], ps[1], 3, 20, 1e-5)
		})
	}
}

func TestBatchNormReLUGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	b := NewBatchNorm("bn", 3)
	b.ReLU = true
	randParams(b, r)
	x := randTensor(r, 3, 4, 5)
	checkGrads(t, b, x, func(x []float64, ps [][]float64) []float64 {
		y := refBatchNorm(x, ps[0], ps[1], 3, 20, 1e-5)
		for i, v := range y {
			y[i] = math.Max(v, 0)
		}
		return y
	})
	zeros := 0
	for _, v := range b.y.Data {
		if v == 0 {
			zeros++
		}
	}
	if zeros == 0 || zeros == len(b.y.Data) {
		t.Errorf("%d of %d outputs clipped, want some", zeros, len(b.y.Data))
	}
}

func TestBatchNormRunningStats(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	b := NewBatchNorm("bn", 2)
	b.Momentum = 1 // running stats become exactly the last batch's
	x := randTensor(r, 2, 3, 4)
	b.Forward(x, true)
	m := 12
	for c := range 2 {
		row := to64(x.Data[c*m : (c+1)*m])
		var mu, ss float64
		for _, v := range row {
			mu += v
		}
		mu /= float64(m)
		for _, v := range row {
			ss += (v - mu) * (v - mu)
		}
		if got := float64(b.RunningMean[c]); math.Abs(got-mu) > 1e-6 {
			t.Errorf("RunningMean[%d] = %g, want %g", c, got, mu)
		}
		if got, want := float64(b.RunningVar[c]), ss/float64(m-1); math.Abs(got-want) > 1e-5 {
			t.Errorf("RunningVar[%d] = %g, want unbiased %g", c, got, want)
		}
	}
	// Inference uses the running statistics: normalising the same batch
	// with them gives the unbiased rather than the biased scale.
	y := b.Forward(x, false)
	for c := range 2 {
		inv := 1 / math.Sqrt(float64(b.RunningVar[c])+b.Eps)
		want := (float64(x.Data[c*m]) - float64(b.RunningMean[c])) * inv
		if got := float64(y.Data[c*m]); math.Abs(got-want) > 1e-5 {
			t.Errorf("inference y[%d][0] = %g, want %g", c, got, want)
		}
	}
}

func TestReLUGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	x := randTensor(r, 2, 3, 4)
	// Keep inputs away from the kink, where differences are meaningless.
	for i, v := range x.Data {
		if math.Abs(float64(v)) < 0.05 {
			x.Data[i] = 0.5
		}
	}
	checkGrads(t, &ReLU{}, x, func(x []float64, _ [][]float64) []float64 {
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = math.Max(v, 0)
		}
		return y
	})
}

func TestGlobalAvgPoolGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	x := randTensor(r, 3, 2, 5)
	checkGrads(t, &GlobalAvgPool{}, x, func(x []float64, _ [][]float64) []float64 {
		y := make([]float64, 6) // [3][1][2]
		for c := range 3 {
			for n := range 2 {
				for tt := range 5 {
					y[c*2+n] += x[(c*5+tt)*2+n] / 5
				}
			}
		}
		return y
	})
}

func TestDropoutGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	d := &Dropout{P: 0.3, Rand: rand.New(rand.NewPCG(1, 1))}
	x := randTensor(r, 4, 5, 3)
	// The reference reuses the mask the layer drew on its forward pass.
	checkGrads(t, d, x, func(x []float64, _ [][]float64) []float64 {
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = v * float64(d.mask[i])
		}
		return y
	})
	dropped := 0
	for _, m := range d.mask {
		if m == 0 {
			dropped++
		} else if math.Abs(float64(m)-1/0.7) > 1e-6 {
			t.Fatalf("mask value %g, want 0 or %g", m, 1/0.7)
		}
	}
	if dropped == 0 || dropped == len(d.mask) {
		t.Errorf("dropped %d of %d, want some but not all", dropped, len(d.mask))
	}
}

func TestLinearGradients(t *testing.T) {
	for _, bias := range []bool{false, true} {
		r := rand.New(rand.NewPCG(15, 16))
		l := NewLinear("fc", 4, 3, bias)
		randParams(l, r)
		x := randTensor(r, 4, 5, 1)
		checkGrads(t, l, x, func(x []float64, ps [][]float64) []float64 {
			y := make([]float64, 15)
			for o := range 3 {
				for n := range 5 {
					for i := range 4 {
						y[o*5+n] += ps[0][o*4+i] * x[i*5+n]
					}
					if bias {
						y[o*5+n] += ps[1][o]
					}
				}
			}
			return y
		})
	}
}

func TestResidualGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	// The main path keeps the length (same padding); the skip path has
	// none and is two steps shorter, so the sum is cropped.
	main := NewConv1d("main", 2, 3, 3, 1, 1)
	skip := NewConv1d("skip", 2, 3, 3, 1, 0)
	for _, relu := range []bool{false, true} {
		res := &Residual{Main: main, Skip: skip, ReLU: relu}
		randParams(res, r)
		x := randTensor(r, 2, 2, 6)
		checkGrads(t, res, x, func(x []float64, ps [][]float64) []float64 {
			a := refConv(x, ps[0], 2, 3, 2, 6, 3, 1, 1)
			b := refConv(x, ps[1], 2, 3, 2, 6, 3, 1, 0)
			// Both are [3][L][2]; the sum keeps the first 4 steps.
			y := make([]float64, 0, len(b))
			for c := range 3 {
				for t := range 4 * 2 {
					v := a[c*6*2+t] + b[c*4*2+t]
					if relu {
						v = math.Max(v, 0)
					}
					y = append(y, v)
				}
			}
			return y
		})
	}
}

func TestSoftmaxCrossEntropyGradient(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	logits := randTensor(r, 4, 3, 1)
	labels := []int{2, 0, 3}
	grad := NewTensor(4, 3, 1)
	loss, _ := SoftmaxCrossEntropy(logits, labels, grad)
	x := to64(logits.Data)
	ref := func() float64 {
		var s float64
		for n, y := range labels {
			var z float64
			for c := range 4 {
				z += math.Exp(x[c*3+n])
			}
			s += math.Log(z) - x[y*3+n]
		}
		return s / 3
	}
	if want := ref(); math.Abs(loss-want) > 1e-6 {
		t.Errorf("loss = %g, want %g", loss, want)
	}
	compare(t, "logit gradient", to64(grad.Data), numGrad(x, ref))
}

func TestReductions(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for _, n := range []int{0, 1, 7, 8, 255, 256, 257, 6528} {
		a, b := randSlice(r, n), randSlice(r, n)
		for i := range a {
			a[i] += 3 // an offset, so that the deviations matter
		}
		var s, d, mu, q float64
		for i := range a {
			s += float64(a[i])
			d += float64(a[i]) * float64(b[i])
		}
		if n > 0 {
			mu = s / float64(n)
		}
		for _, v := range a {
			q += (float64(v) - mu) * (float64(v) - mu)
		}
		tol := 1e-5 * float64(n+1)
		if got := sum32(a); math.Abs(got-s) > tol {
			t.Errorf("sum32(%d values) = %g, want %g", n, got, s)
		}
		if gs, gd := sumDot32(a, b); math.Abs(gs-s) > tol || math.Abs(gd-d) > tol {
			t.Errorf("sumDot32(%d values) = %g, %g; want %g, %g", n, gs, gd, s, d)
		}
		if got := sumSqDev(a, float32(mu)); math.Abs(got-q) > tol {
			t.Errorf("sumSqDev(%d values) = %g, want %g", n, got, q)
		}
	}
}

func TestMaskPositive(t *testing.T) {
	y := []float32{0, 1e-38, 2, 0, float32(math.Inf(1)), 3}
	g := []float32{1, 2, -3, 4, 5, -6}
	want := []float32{0, 2, -3, 0, 5, -6}
	dst := make([]float32, len(y))
	maskPositive(dst, g, y)
	for i := range want {
		if dst[i] != want[i] {
			t.Errorf("maskPositive: dst[%d] = %g, want %g", i, dst[i], want[i])
		}
	}
}
