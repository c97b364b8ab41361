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

// im2colPanel fills one panel: columns [j0, j0+w) of every row.
func (c *Conv1d) im2colPanel(x *Tensor, lout, j0, w int, blk []float32) {
	// Where each column's example and first tap start in x's rows.
	var base, start [nr]int
	for jj := range w {
		n, t := (j0+jj)/lout, (j0+jj)%lout
		base[jj] = n * x.L
		start[jj] = t*c.Stride - c.Pad
	}
	// A panel inside one example reads evenly spaced inputs.
	oneExample := w == nr && base[0] == base[nr-1]
	plane := x.N * x.L
	for i := 0; i < c.In; i++ {
		src := x.Data[i*plane : (i+1)*plane]
		for k := 0; k < c.Size; k++ {
			out := blk[(i*c.Size+k)*nr : (i*c.Size+k+1)*nr]
			first, last := start[0]+k, start[nr-1]+k
			if oneExample && first >= 0 && last < x.L {
				row := src[base[0]+first:]
				if c.Stride == 1 {
					copy(out, row[:nr])
					continue
				}
				for jj := range out {
					out[jj] = row[jj*c.Stride]
				}
				continue
			}
			for jj := range w {
				if s := start[jj] + k; s >= 0 && s < x.L {
					out[jj] = src[base[jj]+s]
				} else {
					out[jj] = 0
				}
			}
			zero(out[w:])
		}
	}
}
