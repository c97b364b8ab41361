package nn

import "fmt"

// Conv1d is a 1-D convolution without bias over the time axis:
//
//	y[o][t][n] = sum_{i,k} W[o][i][k] * x[i][t*Stride+k-Pad][n]
//
// with x taken as zero outside [0, L). The output length is
// (L+2*Pad-Size)/Stride + 1. It runs as one matrix product per batch:
// the input is unrolled into columns (im2col) of Cin*Size rows and
// Lout*N columns, and W, seen as a Cout x Cin*Size matrix, multiplies it. The
// columns are written straight into the panel layout that the product
// reads (see packedCol), and kept for the weight gradient; a 1-wide,
// unstrided, unpadded convolution uses its input as the columns.
//
// Backward computes dW = dY col^T and dx = col2im(W^T dY).
type Conv1d struct {
	In, Out, Size, Stride, Pad int
	// Weight holds W as [Out][In][Size].
	Weight *Param
	// NoInputGrad skips the input gradient, for a network's first layer;
	// Backward then returns nil.
	NoInputGrad bool

	threads int
	x       *Tensor // input of the last Forward (not owned)
	col     []float32
	packed  packedCol // the im2col matrix, in col
	y, dx   *Tensor
	dcol    []float32
	dwt     []float32 // the weight gradient, transposed
}

// NewConv1d returns a convolution with zero weights; see [HeInit].
// It panics when a size is not positive or pad is negative.
func NewConv1d(name string, in, out, size, stride, pad int) *Conv1d {
	if in < 1 || out < 1 || size < 1 || stride < 1 || pad < 0 {
		panic(fmt.Sprintf("nn: conv %s: bad geometry in=%d out=%d "+
			"size=%d stride=%d pad=%d", name, in, out, size, stride, pad))
	}
	return &Conv1d{In: in, Out: out, Size: size, Stride: stride, Pad: pad,
		Weight: newParam(name+".weight", out*in*size), threads: 1}
}

// OutLen returns the output length for an input of length l; it is less
// than 1 when the input is too short for the kernel.
func (c *Conv1d) OutLen(l int) int {
	return ConvOutLen(l, c.Size, c.Stride, c.Pad)
}

// ConvOutLen returns the output length of a convolution of the given
// size, stride and padding over l steps.
func ConvOutLen(l, size, stride, pad int) int {
	if l+2*pad < size {
		return 0
	}
	return (l+2*pad-size)/stride + 1
}

// Params returns the weight.
func (c *Conv1d) Params() []*Param { return []*Param{c.Weight} }

func (c *Conv1d) setThreads(n int) { c.threads = n }

// direct reports whether the input itself is the im2col matrix: a
// 1-wide, unpadded, unstrided convolution.
func (c *Conv1d) direct() bool {
	return c.Size == 1 && c.Stride == 1 && c.Pad == 0
}

// Forward convolves x, which has In channels.
func (c *Conv1d) Forward(x *Tensor, train bool) *Tensor {
	if x.C != c.In {
		panic(fmt.Sprintf("nn: %s: input %v, want %d channels",
			c.Weight.Name, x, c.In))
	}
	lout := c.OutLen(x.L)
	if lout < 1 {
		panic(fmt.Sprintf("nn: %s: input %v too short", c.Weight.Name, x))
	}
	c.x = x
	cols := x.N * lout
	kdim := c.In * c.Size
	c.y = reshape(c.y, c.Out, x.N, lout)
	if c.direct() {
		gemm(c.threads, false, false, c.Out, cols, kdim, c.Weight.Data, kdim,
			x.Data, cols, 0, c.y.Data, cols)
		return c.y
	}
	// The spare rows at the end let weightGrad read whole tiles of six
	// rows past the last panel.
	c.col = grow(c.col, (cols+nr-1)/nr*nr*kdim+mr*nr)
	c.packed = c.im2colPacked(x, lout, c.col)
	gemmSrc(c.threads, false, c.Out, cols, kdim, c.Weight.Data, kdim,
		c.packed, 0, c.y.Data, cols)
	return c.y
}

// valid returns the range [t0, t1) of output steps whose tap k falls
// inside an input of length l rather than in the padding.
func (c *Conv1d) valid(k, l, lout int) (t0, t1 int) {
	off := k - c.Pad
	// t*Stride+off >= 0 and t*Stride+off <= l-1.
	if off < 0 {
		t0 = (-off + c.Stride - 1) / c.Stride
	}
	if l-1-off < 0 {
		return 0, 0
	}
	t1 = min((l-1-off)/c.Stride+1, lout)
	return min(t0, t1), t1
}

// col2im writes into dx the adjoint of im2col applied to dcol:
// dx[i][s][n] is the sum of dcol[i*Size+k][t*N+n] over the taps k and
// output steps t with t*Stride+k-Pad = s. Each input channel gathers
// from its own Size rows, so channels run in parallel, and every
// addition is a whole row of N examples.
func (c *Conv1d) col2im(dcol []float32, lout int, dx *Tensor) {
	n, cols := dx.N, dx.N*lout
	parallelFor(c.threads, c.In, 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			plane := dx.Data[i*dx.L*n : (i+1)*dx.L*n]
			zero(plane)
			for k := 0; k < c.Size; k++ {
				row := dcol[(i*c.Size+k)*cols : (i*c.Size+k+1)*cols]
				t0, t1 := c.valid(k, dx.L, lout)
				for t := t0; t < t1; t++ {
					s := t*c.Stride + k - c.Pad
					addTo(plane[s*n:(s+1)*n], row[t*n:(t+1)*n])
				}
			}
		}
	})
}

// Backward adds dW = dY col^T into the weight gradient and returns
// dx = col2im(W^T dY).
func (c *Conv1d) Backward(dy *Tensor) *Tensor {
	x := c.x
	lout := c.OutLen(x.L)
	mustShape(c.Weight.Name+" gradient", dy, c.Out, x.N, lout)
	cols := x.N * lout
	kdim := c.In * c.Size
	if c.direct() {
		gemm(c.threads, false, true, c.Out, kdim, cols, dy.Data, cols,
			x.Data, cols, 1, c.Weight.Grad, kdim)
	} else {
		c.weightGrad(dy.Data, c.Out, c.packed, c.Weight.Grad)
	}
	if c.NoInputGrad {
		return nil
	}
	c.dx = reshape(c.dx, c.In, x.N, x.L)
	if c.direct() {
		gemm(c.threads, true, false, kdim, cols, c.Out, c.Weight.Data, kdim,
			dy.Data, cols, 0, c.dx.Data, cols)
		return c.dx
	}
	c.inputGrad(dy, lout, c.dx)
	return c.dx
}

// inputGrad computes dx = col2im(W^T dY).
func (c *Conv1d) inputGrad(dy *Tensor, lout int, dx *Tensor) {
	kdim := c.In * c.Size
	cols := dx.N * lout
	c.dcol = grow(c.dcol, kdim*cols)
	gemm(c.threads, true, false, kdim, cols, c.Out, c.Weight.Data, kdim,
		dy.Data, cols, 0, c.dcol, cols)
	c.col2im(c.dcol, lout, dx)
}

// grow returns s resliced to n elements, reallocated when too small.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}
