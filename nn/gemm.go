package nn

import "sync"

// Blocking of the matrix product, in the manner of Goto and van de Geijn
// ("Anatomy of high-performance matrix multiplication", ACM TOMS 2008):
// op(A) is packed into panels of mr rows and op(B) into panels of nr
// columns, kc steps of the inner dimension at a time, so that a
// micro-kernel streams both panels and keeps an mr x nr tile of C in
// registers.
const (
	mr = 6
	nr = 16
	kc = 256
	nc = 512
)

// gemm computes C = op(A) op(B) + beta C for row-major matrices, where
// op(A) is m x k and op(B) is k x n, transposed in storage when tA or tB
// is set; beta is 0 or 1.
//
// op(A) is packed once, its panels shared out over threads goroutines;
// then the goroutines take column ranges of C, each packing its own
// panels of op(B). Every element of C is summed by one goroutine in a
// fixed order, so results do not depend on the thread count.
func gemm(threads int, tA, tB bool, m, n, k int, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmSrc(threads, tA, m, n, k, a, lda, denseB{b, ldb, tB}, beta, c, ldc)
}

// bSource supplies op(B) to gemmSrc as packed panels.
type bSource interface {
	// panel returns inner steps [p0, p0+kb) of columns [j0, j0+cols) of
	// op(B), with j0 a multiple of nr, as a kb x nr panel laid out
	// dst[p*nr+j] and zero-padded past cols. It fills dst (which has
	// room for kb*nr values) or returns storage of its own.
	panel(dst []float32, p0, kb, j0, cols int) []float32
}

// denseB is a row-major matrix B, transposed in storage when t is set.
type denseB struct {
	b   []float32
	ldb int
	t   bool
}

func (d denseB) panel(dst []float32, p0, kb, j0, cols int) []float32 {
	packB(dst, d.t, d.b, d.ldb, p0, kb, j0, cols)
	return dst[:kb*nr]
}

// gemmSrc is gemm with op(B) given as a bSource.
func gemmSrc(threads int, tA bool, m, n, k int, a []float32, lda int,
	b bSource, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if beta == 0 {
			for i := range m {
				zero(c[i*ldc : i*ldc+n])
			}
		}
		return
	}

	bufA := packPool.Get().(*[]float32)
	defer packPool.Put(bufA)
	pa := packAll(threads, tA, m, k, a, lda, bufA)

	// Multiply, by column ranges.
	nPanels := (n + nr - 1) / nr
	parallelFor(threads, nPanels, 1, func(lo, hi int) {
		gemmCols(m, k, pa, b, beta, c, ldc, lo*nr, min(hi*nr, n))
	})
}

// packAll packs all of op(A), m x k, into buf and returns it: block p0
// of the inner dimension starts at mPanels*mr*p0, and within it panel ip
// at ip*mr*kb.
func packAll(threads int, tA bool, m, k int, a []float32, lda int, buf *[]float32) []float32 {
	mPanels := (m + mr - 1) / mr
	*buf = grow(*buf, mPanels*mr*k)
	pa := *buf
	parallelFor(threads, mPanels, 4, func(lo, hi int) {
		for p0 := 0; p0 < k; p0 += kc {
			kb := min(kc, k-p0)
			blk := pa[mPanels*mr*p0:]
			for ip := lo; ip < hi; ip++ {
				packA(blk[ip*mr*kb:], tA, a, lda, ip*mr, min(mr, m-ip*mr), p0, kb)
			}
		}
	})
	return pa
}

// packPool recycles packing buffers between calls.
var packPool = sync.Pool{New: func() any { return new([]float32) }}

// gemmCols computes columns [j0, j1) of C from the packed op(A).
func gemmCols(m, k int, pa []float32, b bSource, beta float32,
	c []float32, ldc, j0, j1 int) {
	mPanels := (m + mr - 1) / mr
	bufB := packPool.Get().(*[]float32)
	defer packPool.Put(bufB)
	*bufB = grow(*bufB, nc*kc)
	var panels [nc / nr][]float32
	var edge [mr * nr]float32
	for p0 := 0; p0 < k; p0 += kc {
		kb := min(kc, k-p0)
		blk := pa[mPanels*mr*p0:]
		// The first block overwrites C unless beta asks to keep it.
		add := p0 > 0 || beta != 0
		for jb := j0; jb < j1; jb += nc {
			nb := min(nc, j1-jb)
			for jp := 0; jp*nr < nb; jp++ {
				panels[jp] = b.panel((*bufB)[jp*nr*kb:], p0, kb, jb+jp*nr,
					min(nr, nb-jp*nr))
			}
			for jp := 0; jp*nr < nb; jp++ {
				cols := min(nr, nb-jp*nr)
				for ip := range mPanels {
					rows := min(mr, m-ip*mr)
					ct := c[ip*mr*ldc+jb+jp*nr:]
					ap, bp := blk[ip*mr*kb:], panels[jp]
					if rows == mr && cols == nr {
						kernel(kb, ap, bp, ct, ldc, add)
						continue
					}
					// A partial tile: compute it whole into a scratch
					// tile (the packed panels are zero-padded) and copy
					// or add the valid part.
					kernel(kb, ap, bp, edge[:], nr, false)
					for i := range rows {
						row := ct[i*ldc : i*ldc+cols]
						e := edge[i*nr : i*nr+cols]
						if !add {
							copy(row, e)
							continue
						}
						for j := range row {
							row[j] += e[j]
						}
					}
				}
			}
		}
	}
}

// packA writes rows [i0, i0+rows) and inner steps [p0, p0+kb) of op(A)
// as dst[p*mr+i], padding missing rows with zeros.
func packA(dst []float32, tA bool, a []float32, lda, i0, rows, p0, kb int) {
	dst = dst[:kb*mr]
	if rows < mr {
		zero(dst)
	}
	if tA {
		for p := range kb {
			copy(dst[p*mr:p*mr+rows], a[(p0+p)*lda+i0:(p0+p)*lda+i0+rows])
		}
		return
	}
	if rows == mr {
		// Six source rows read side by side, the panel written in order.
		var src [mr][]float32
		for i := range mr {
			src[i] = a[(i0+i)*lda+p0 : (i0+i)*lda+p0+kb]
		}
		for p := range kb {
			d := (*[mr]float32)(dst[p*mr : p*mr+mr])
			d[0], d[1], d[2] = src[0][p], src[1][p], src[2][p]
			d[3], d[4], d[5] = src[3][p], src[4][p], src[5][p]
		}
		return
	}
	for i := range rows {
		src := a[(i0+i)*lda+p0 : (i0+i)*lda+p0+kb]
		for p, v := range src {
			dst[p*mr+i] = v
		}
	}
}

// packB writes inner steps [p0, p0+kb) and columns [j0, j0+cols) of
// op(B) as dst[p*nr+j], padding missing columns with zeros.
func packB(dst []float32, tB bool, b []float32, ldb, p0, kb, j0, cols int) {
	dst = dst[:kb*nr]
	if cols < nr {
		zero(dst)
	}
	if tB && cols == nr {
		packTransposed(dst, b[j0*ldb+p0:], ldb, kb)
		return
	}
	if tB {
		for j := range cols {
			src := b[(j0+j)*ldb+p0 : (j0+j)*ldb+p0+kb]
			for p, v := range src {
				dst[p*nr+j] = v
			}
		}
		return
	}
	if cols == nr {
		for p := range kb {
			*(*[nr]float32)(dst[p*nr:]) = *(*[nr]float32)(b[(p0+p)*ldb+j0:])
		}
		return
	}
	for p := range kb {
		copy(dst[p*nr:p*nr+cols], b[(p0+p)*ldb+j0:(p0+p)*ldb+j0+cols])
	}
}

// kernelGo adds the product of an mr x kb packed panel of A and a kb x nr
// packed panel of B into the mr x nr tile of c with row stride ldc, or
// stores it there when add is false.
func kernelGo(kb int, a, b, c []float32, ldc int, add bool) {
	var acc [mr][nr]float32
	for p := range kb {
		bp := (*[nr]float32)(b[p*nr : p*nr+nr])
		ap := (*[mr]float32)(a[p*mr : p*mr+mr])
		for i, av := range ap {
			row := &acc[i]
			for j, bv := range bp {
				row[j] += av * bv
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

// packTransposedGo writes dst[p*nr+j] = b[j*ldb+p] for j in [0, nr) and
// p in [from, kb): sixteen source rows read side by side, the panel
// written in order.
func packTransposedGo(dst, b []float32, ldb, from, kb int) {
	if from >= kb {
		return
	}
	var src [nr][]float32
	for j := range nr {
		src[j] = b[j*ldb : j*ldb+kb]
	}
	for p := from; p < kb; p++ {
		d := (*[nr]float32)(dst[p*nr : p*nr+nr])
		for j := range d {
			d[j] = src[j][p]
		}
	}
}
