//go:build amd64 && !purego

package nn

import "golang.org/x/sys/cpu"

// hasFMA reports whether the AVX2 and FMA micro-kernels can run, and
// hasAVX512 whether the AVX-512 ones can (twice the multiply-adds per
// instruction; on cores with full-width AVX-512 units, such as AMD Zen 5
// and Intel server cores, twice the throughput).
var (
	hasFMA    = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAVX512 = hasFMA && cpu.X86.HasAVX512F
)

// kern6x16 is the AVX2/FMA micro-kernel of kernel, in gemm_amd64.s.
//
//go:noescape
func kern6x16(kb int, a, b, c *float32, ldc, add int)

// kern6x16z is kern6x16 with AVX-512.
//
//go:noescape
func kern6x16z(kb int, a, b, c *float32, ldc, add int)

// kernel adds the product of packed panels into a tile of c, or stores
// it when add is false; see kernelGo.
func kernel(kb int, a, b, c []float32, ldc int, add bool) {
	if !hasFMA || kb == 0 {
		kernelGo(kb, a, b, c, ldc, add)
		return
	}
	// Bounds the assembly relies on.
	_ = a[kb*mr-1]
	_ = b[kb*nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	flag := 0
	if add {
		flag = 1
	}
	if hasAVX512 {
		kern6x16z(kb, &a[0], &b[0], &c[0], ldc, flag)
		return
	}
	kern6x16(kb, &a[0], &b[0], &c[0], ldc, flag)
}

// transpose16 is the AVX2 transposing pack of packB, in gemm_amd64.s.
//
//go:noescape
func transpose16(blocks int, src *float32, ldb int, dst *float32)

// packTransposed writes dst[p*nr+j] = b[j*ldb+p] for j in [0, nr) and p
// in [0, kb).
func packTransposed(dst, b []float32, ldb, kb int) {
	done := 0
	if hasFMA && kb >= 8 {
		// Bounds the assembly relies on.
		_ = b[(nr-1)*ldb+kb-1]
		_ = dst[kb*nr-1]
		done = kb / 8 * 8
		transpose16(kb/8, &b[0], ldb, &dst[0])
	}
	packTransposedGo(dst, b, ldb, done, kb)
}

// kern6x16a is the micro-kernel of kernelCol, in gemm_amd64.s.
//
//go:noescape
func kern6x16a(chunks int, a *float32, astride int, b, c *float32, ldc, add int)

// kern6x16az is kern6x16a with AVX-512.
//
//go:noescape
func kern6x16az(chunks int, a *float32, astride int, b, c *float32, ldc, add int)

// kernelCol adds (or stores, when add is false) into the 6 x 16 tile of
// c the product of six rows of a packedCol, starting at a, over chunks
// chunks of 16 inner steps each astride floats apart, and a packed panel
// b of 16*chunks rows.
func kernelCol(chunks int, a []float32, astride int, b, c []float32, ldc int, add bool) {
	if !hasFMA || chunks == 0 {
		kernelColGo(chunks, a, astride, b, c, ldc, add)
		return
	}
	// Bounds the assembly relies on.
	_ = a[(chunks-1)*astride+(mr-1)*nr+nr-1]
	_ = b[chunks*nr*nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	flag := 0
	if add {
		flag = 1
	}
	if hasAVX512 {
		kern6x16az(chunks, &a[0], astride*4, &b[0], &c[0], ldc, flag)
		return
	}
	kern6x16a(chunks, &a[0], astride*4, &b[0], &c[0], ldc, flag)
}
