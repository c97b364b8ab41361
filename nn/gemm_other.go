//go:build !amd64 || purego

package nn

// kernel adds the product of packed panels into a tile of c; see
// kernelGo.
func kernel(kb int, a, b, c []float32, ldc int) { kernelGo(kb, a, b, c, ldc) }
