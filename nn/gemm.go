package nn

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

var blasImpl gonum.Implementation

// gemm computes C = op(A) op(B) + beta C for row-major matrices, where
// op(A) is m x k and op(B) is k x n, transposed in storage when tA or tB
// is set. The work is split over threads goroutines by rows of C, or by
// columns when C has few rows.
func gemm(threads int, tA, tB bool, m, n, k int, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	ta, tb := blas.NoTrans, blas.NoTrans
	if tA {
		ta = blas.Trans
	}
	if tB {
		tb = blas.Trans
	}
	if m >= n {
		parallelFor(threads, m, 16, func(lo, hi int) {
			aOff := lo * lda
			if tA {
				aOff = lo
			}
			blasImpl.Sgemm(ta, tb, hi-lo, n, k, 1, a[aOff:], lda,
				b, ldb, beta, c[lo*ldc:], ldc)
		})
		return
	}
	parallelFor(threads, n, 64, func(lo, hi int) {
		bOff := lo
		if tB {
			bOff = lo * ldb
		}
		blasImpl.Sgemm(ta, tb, m, hi-lo, k, 1, a, lda,
			b[bOff:], ldb, beta, c[lo:], ldc)
	})
}
