//go:build !amd64 || purego

package nn

// kernel adds the product of packed panels into a tile of c, or stores
// it when add is false; see kernelGo.
func kernel(kb int, a, b, c []float32, ldc int, add bool) {
	kernelGo(kb, a, b, c, ldc, add)
}
