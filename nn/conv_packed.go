package nn

// packedCol is a convolution's im2col matrix (rows = In*Size, cols =
// N*Lout) stored the way gemm consumes op(B): in panels of nr columns,
// element (r, j) at ((j/nr)*rows+r)*nr + j%nr, zero past the last column.
// Writing the columns straight into this layout saves gemm a packing pass
// over the largest operand of the forward product, and weightGrad reads
// the same storage as its left operand.
type packedCol struct {
	data       []float32
	rows, cols int
}

// panel returns op(B) = col as a packed panel; it is the storage itself.
func (p packedCol) panel(_ []float32, p0, kb, j0, _ int) []float32 {
	off := (j0/nr*p.rows + p0) * nr
	return p.data[off : off+kb*nr]
}

// im2colPacked writes the im2col matrix of x into dst as a packedCol;
// dst must have mr*nr values to spare past the matrix. Element
// (i*Size+k, t*N+n) is x[i][t*Stride+k-Pad][n], or 0 in the padding.
func (c *Conv1d) im2colPacked(x *Tensor, lout int, dst []float32) packedCol {
	rows, cols := c.In*c.Size, x.N*lout
	panels := (cols + nr - 1) / nr
	// data keeps dst's spare tail (see Conv1d.Forward) for weightGrad.
	p := packedCol{data: dst[:panels*rows*nr+mr*nr], rows: rows, cols: cols}
	parallelFor(c.threads, panels, 8, func(lo, hi int) {
		for jp := lo; jp < hi; jp++ {
			c.im2colPanel(x, jp*nr, min(nr, cols-jp*nr),
				p.data[jp*rows*nr:(jp+1)*rows*nr])
		}
	})
	return p
}

// im2colPanel fills one panel: columns [j0, j0+w) of every row. Columns
// t*N+n of one time step t read examples side by side, so each row of
// the panel is one or two straight copies from x, or zeros where the tap
// falls in the padding.
func (c *Conv1d) im2colPanel(x *Tensor, j0, w int, blk []float32) {
	// The runs: columns [at, at+len) are examples [n, n+len) of step t.
	type run struct{ at, t, n, len int }
	var runs [nr]run
	nruns := 0
	for jj := 0; jj < w; {
		t, n := (j0+jj)/x.N, (j0+jj)%x.N
		l := min(x.N-n, w-jj)
		runs[nruns] = run{jj, t, n, l}
		nruns++
		jj += l
	}
	whole := nruns == 1 && w == nr
	plane := x.N * x.L
	for i := 0; i < c.In; i++ {
		src := x.Data[i*plane : (i+1)*plane]
		for k := 0; k < c.Size; k++ {
			out := blk[(i*c.Size+k)*nr : (i*c.Size+k+1)*nr]
			if whole {
				s := runs[0].t*c.Stride + k - c.Pad
				if s < 0 || s >= x.L {
					*(*[nr]float32)(out) = [nr]float32{}
				} else {
					*(*[nr]float32)(out) = *(*[nr]float32)(src[s*x.N+runs[0].n:])
				}
				continue
			}
			zero(out[w:])
			for _, r := range runs[:nruns] {
				dst := out[r.at : r.at+r.len]
				s := r.t*c.Stride + k - c.Pad
				if s < 0 || s >= x.L {
					zero(dst)
					continue
				}
				copy(dst, src[s*x.N+r.n:])
			}
		}
	}
}

// kernelColGo is kernelCol in Go: the tile's row i at inner step
// q*nr+pp is a[q*astride+i*nr+pp].
func kernelColGo(chunks int, a []float32, astride int, b, c []float32, ldc int, add bool) {
	var acc [mr][nr]float32
	for q := range chunks {
		for pp := range nr {
			bp := (*[nr]float32)(b[(q*nr+pp)*nr:])
			for i := range mr {
				av := a[q*astride+i*nr+pp]
				row := &acc[i]
				for j, bv := range bp {
					row[j] += av * bv
				}
			}
		}
	}
	for i := range mr {
		row := c[i*ldc : i*ldc+nr]
		if !add {
			copy(row, acc[i][:])
			continue
		}
		for j := range row {
			row[j] += acc[i][j]
		}
	}
}

// weightGrad adds dW = dY col^T into grad, where dY is out x cols and
// col the packed im2col matrix (rows = In*Size). It computes the
// transpose, dW^T = col dY^T, reading col in place as the left operand,
// so that the large matrix is never transposed; only dY is packed.
// Threads share out the panels of six rows of col.
func (c *Conv1d) weightGrad(dy []float32, out int, col packedCol, grad []float32) {
	rows, cols := col.rows, col.cols
	chunksAll := (cols + nr - 1) / nr
	mPanels := (rows + mr - 1) / mr
	nPanels := (out + nr - 1) / nr
	c.dwt = grow(c.dwt, rows*out)
	dwt := c.dwt
	parallelFor(c.threads, mPanels, 1, func(lo, hi int) {
		buf := packPool.Get().(*[]float32)
		defer packPool.Put(buf)
		*buf = grow(*buf, nPanels*kc*nr)
		pb := *buf
		var edge [mr * nr]float32
		for q0 := 0; q0 < chunksAll; q0 += kc / nr {
			chunks := min(kc/nr, chunksAll-q0)
			p0, kb := q0*nr, min(chunks*nr, cols-q0*nr)
			// Pack dY^T for these inner steps, zero past the last column.
			for jp := range nPanels {
				panel := pb[jp*chunks*nr*nr : (jp+1)*chunks*nr*nr]
				packB(panel, true, dy, cols, p0, kb, jp*nr, min(nr, out-jp*nr))
				zero(panel[kb*nr:])
			}
			add := q0 > 0
			for ip := lo; ip < hi; ip++ {
				a := col.data[(q0*rows+ip*mr)*nr:]
				for jp := range nPanels {
					b := pb[jp*chunks*nr*nr:]
					ct := dwt[ip*mr*out+jp*nr:]
					if (ip+1)*mr <= rows && (jp+1)*nr <= out {
						kernelCol(chunks, a, rows*nr, b, ct, out, add)
						continue
					}
					kernelCol(chunks, a, rows*nr, b, edge[:], nr, false)
					for i := range min(mr, rows-ip*mr) {
						row := ct[i*out : i*out+min(nr, out-jp*nr)]
						e := edge[i*nr:]
						for j := range row {
							if add {
								row[j] += e[j]
							} else {
								row[j] = e[j]
							}
						}
					}
				}
			}
		}
	})
	// grad[o][r] += dwt[r][o].
	for r := range rows {
		for o, v := range dwt[r*out : (r+1)*out] {
			grad[o*rows+r] += v
		}
	}
}
