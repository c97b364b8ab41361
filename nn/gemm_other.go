//go:build !amd64 || purego

package nn

// kernel adds the product of packed panels into a tile of c, or stores
// it when add is false; see kernelGo.
func kernel(kb int, a, b, c []float32, ldc int, add bool) {
	kernelGo(kb, a, b, c, ldc, add)
}

// packTransposed writes dst[p*nr+j] = b[j*ldb+p] for j in [0, nr) and p
// in [0, kb).
func packTransposed(dst, b []float32, ldb, kb int) {
	packTransposedGo(dst, b, ldb, 0, kb)
}

// kernelCol adds (or stores) a product of packedCol rows and a packed
// panel into a tile of c; see kernelColGo.
func kernelCol(chunks int, a []float32, astride int, b, c []float32, ldc int, add bool) {
	kernelColGo(chunks, a, astride, b, c, ldc, add)
}

// hasAVX512 is false: there is no assembly in this build.
var hasAVX512 = false
