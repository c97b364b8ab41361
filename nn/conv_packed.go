package nn

// packedCol is a convolution's im2col matrix (rows = In*Size, cols =
// N*Lout) stored the way gemm consumes op(B): in panels of nr columns,
// element (r, j) at ((j/nr)*rows+r)*nr + j%nr, zero past the last column.
// Writing the columns straight into this layout saves gemm a packing pass
// over the largest operand of the forward product.
type packedCol struct {
	data       []float32
	rows, cols int
}

// panel returns op(B) = col as a packed panel; it is the storage itself.
func (p packedCol) panel(_ []float32, p0, kb, j0, _ int) []float32 {
	off := (j0/nr*p.rows + p0) * nr
	return p.data[off : off+kb*nr]
}

// packedColT is op(B) = col^T, for the weight gradient dW = dY col^T:
// its inner dimension runs over the columns of col, its columns over the
// rows.
type packedColT struct {
	packedCol
}

// panel transposes 16 x 16 blocks of the stored panels into dst.
func (p packedColT) panel(dst []float32, p0, kb, j0, cols int) []float32 {
	dst = dst[:kb*nr]
	for q := 0; q < kb; {
		j := p0 + q // a column of col
		jj0 := j % nr
		n := min(nr-jj0, kb-q)
		// Rows j0.. of the panel that holds column j.
		src := p.data[(j/nr*p.rows+j0)*nr:]
		if n == nr && cols == nr {
			packTransposed(dst[q*nr:], src, nr, nr)
			q += n
			continue
		}
		for pp := range n {
			d := dst[(q+pp)*nr : (q+pp+1)*nr]
			for r := range cols {
				d[r] = src[r*nr+jj0+pp]
			}
			zero(d[cols:])
		}
		q += n
	}
	return dst
}

// im2colPacked writes the im2col matrix of x into dst as a packedCol:
// element (i*Size+k, n*lout+t) is x[i][n][t*Stride+k-Pad], or 0 in the
// padding.
func (c *Conv1d) im2colPacked(x *Tensor, lout int, dst []float32) packedCol {
	rows, cols := c.In*c.Size, x.N*lout
	panels := (cols + nr - 1) / nr
	p := packedCol{data: dst[:panels*rows*nr], rows: rows, cols: cols}
	parallelFor(c.threads, panels, 8, func(lo, hi int) {
		for jp := lo; jp < hi; jp++ {
			c.im2colPanel(x, lout, jp*nr, min(nr, cols-jp*nr),
				p.data[jp*rows*nr:(jp+1)*rows*nr])
		}
	})
	return p
}

// im2colPanel fills one panel: columns [j0, j0+w) of every row. The
// columns split into runs that lie in one example each; within a run,
// the taps read evenly spaced inputs.
func (c *Conv1d) im2colPanel(x *Tensor, lout, j0, w int, blk []float32) {
	// The runs: columns [at, at+len) are steps [t, t+len) of example n.
	type run struct{ at, n, t, len int }
	var runs [nr]run
	nruns := 0
	for jj := 0; jj < w; {
		n, t := (j0+jj)/lout, (j0+jj)%lout
		l := min(lout-t, w-jj)
		runs[nruns] = run{jj, n, t, l}
		nruns++
		jj += l
	}
	plane := x.N * x.L
	// A whole panel inside one example reads its taps from x directly
	// unless they reach into the padding.
	whole := nruns == 1 && w == nr
	r0 := runs[0]
	for i := 0; i < c.In; i++ {
		src := x.Data[i*plane : (i+1)*plane]
		for k := 0; k < c.Size; k++ {
			out := blk[(i*c.Size+k)*nr : (i*c.Size+k+1)*nr]
			if first := r0.t*c.Stride + k - c.Pad; whole && first >= 0 &&
				first+(nr-1)*c.Stride < x.L {
				row := src[r0.n*x.L+first:]
				if c.Stride == 1 {
					*(*[nr]float32)(out) = *(*[nr]float32)(row)
					continue
				}
				row = row[:(nr-1)*c.Stride+1]
				for q := range nr {
					out[q] = row[q*c.Stride]
				}
				continue
			}
			zero(out[w:])
			for _, r := range runs[:nruns] {
				c.tapRun(out[r.at:r.at+r.len], src[r.n*x.L:(r.n+1)*x.L], r.t, k)
			}
		}
	}
}

// tapRun writes dst[q] = row[(t+q)*Stride+k-Pad] for the steps of one
// example, with zeros where that falls in the padding.
func (c *Conv1d) tapRun(dst, row []float32, t, k int) {
	off := t*c.Stride + k - c.Pad
	// The valid q satisfy 0 <= q*Stride+off < len(row).
	q0 := 0
	if off < 0 {
		q0 = min((-off+c.Stride-1)/c.Stride, len(dst))
	}
	q1 := 0
	if len(row)-1-off >= 0 {
		q1 = min((len(row)-1-off)/c.Stride+1, len(dst))
	}
	if q1 <= q0 {
		zero(dst) // every tap falls in the padding
		return
	}
	zero(dst[:q0])
	zero(dst[q1:])
	if c.Stride == 1 {
		copy(dst[q0:q1], row[q0+off:q1+off])
		return
	}
	for q := q0; q < q1; q++ {
		dst[q] = row[q*c.Stride+off]
	}
}
