package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// refGemm is C = op(A) op(B) + beta C in float64.
func refGemm(tA, tB bool, m, n, k int, a []float32, lda int, b []float32,
	ldb int, beta float32, c []float32, ldc int) []float64 {
	out := make([]float64, len(c))
	for i := range c {
		out[i] = float64(c[i])
	}
	for i := range m {
		for j := range n {
			var s float64
			for p := range k {
				ai, bi := i*lda+p, p*ldb+j
				if tA {
					ai = p*lda + i
				}
				if tB {
					bi = j*ldb + p
				}
				av, bv := a[ai], b[bi]
				s += float64(av) * float64(bv)
			}
			out[i*ldc+j] = s + float64(beta)*float64(c[i*ldc+j])
		}
	}
	return out
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

func TestGemm(t *testing.T) {
	sizes := [][3]int{{1, 1, 1}, {6, 16, 3}, {7, 17, 5}, {13, 40, 300},
		{48, 700, 9}, {5, 3, 600}, {30, 33, 257}}
	for _, sz := range sizes {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, threads := range []int{1, 2} {
					for _, beta := range []float32{0, 1} {
						m, n, k := sz[0], sz[1], sz[2]
						name := fmt.Sprintf("%dx%dx%d tA=%v tB=%v threads=%d beta=%v",
							m, n, k, tA, tB, threads, beta)
						t.Run(name, func(t *testing.T) {
							checkGemm(t, tA, tB, m, n, k, threads, beta)
						})
					}
				}
			}
		}
	}
}

func checkGemm(t *testing.T, tA, tB bool, m, n, k, threads int, beta float32) {
	r := rand.New(rand.NewPCG(uint64(m*n), uint64(k)))
	// Leading dimensions larger than needed, to catch stride mistakes.
	lda, ldb, ldc := k+2, n+3, n+1
	if tA {
		lda = m + 2
	}
	if tB {
		ldb = k + 3
	}
	rowsA, rowsB := m, k
	if tA {
		rowsA = k
	}
	if tB {
		rowsB = n
	}
	a := randSlice(r, rowsA*lda)
	b := randSlice(r, rowsB*ldb)
	c := randSlice(r, m*ldc)
	want := refGemm(tA, tB, m, n, k, a, lda, b, ldb, beta, c, ldc)
	gemm(threads, tA, tB, m, n, k, a, lda, b, ldb, beta, c, ldc)
	for i := range m {
		for j := range ldc {
			got, w := float64(c[i*ldc+j]), want[i*ldc+j]
			if j >= n {
				continue // the padding is left alone: checked by value below
			}
			if math.Abs(got-w) > 1e-4*math.Sqrt(float64(k))*(1+math.Abs(w)) {
				t.Fatalf("C[%d][%d] = %g, want %g", i, j, got, w)
			}
		}
	}
	for i := range m {
		for j := n; j < ldc; j++ {
			if float64(c[i*ldc+j]) != want[i*ldc+j] {
				t.Fatalf("C[%d][%d] outside the matrix changed", i, j)
			}
		}
	}
}

func TestKernelMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, kb := range []int{0, 1, 7, 256} {
		for _, add := range []bool{false, true} {
			checkKernel(t, r, kb, add)
		}
	}
}

func checkKernel(t *testing.T, r *rand.Rand, kb int, add bool) {
	{
		a, b := randSlice(r, kb*mr), randSlice(r, kb*nr)
		c1 := randSlice(r, mr*20)
		c2 := append([]float32(nil), c1...)
		kernel(kb, a, b, c1, 20, add)
		kernelGo(kb, a, b, c2, 20, add)
		for i := range c1 {
			if math.Abs(float64(c1[i]-c2[i])) > 1e-4*(1+math.Abs(float64(c2[i]))) {
				t.Fatalf("kb=%d add=%v: kernel c[%d] = %g, Go kernel %g",
					kb, add, i, c1[i], c2[i])
			}
		}
	}
}

// BenchmarkGemm measures the products of a TC-ResNet8 training step at
// batch 128: block 1's second 9-wide convolution forward (24 x 216 by
// 216 x 6528), its weight gradient and its input gradient.
func BenchmarkGemm(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const cout, kdim, cols = 24, 216, 128 * 51
	w, col, y := randSlice(r, cout*kdim), randSlice(r, kdim*cols), randSlice(r, cout*cols)
	dw, dcol := make([]float32, cout*kdim), make([]float32, kdim*cols)
	cases := []struct {
		name string
		run  func(threads int)
	}{
		{"forward", func(th int) {
			gemm(th, false, false, cout, cols, kdim, w, kdim, col, cols, 0, y, cols)
		}},
		{"weightgrad", func(th int) {
			gemm(th, false, true, cout, kdim, cols, y, cols, col, cols, 1, dw, kdim)
		}},
		{"inputgrad", func(th int) {
			gemm(th, true, false, kdim, cols, cout, w, kdim, y, cols, 0, dcol, cols)
		}},
	}
	for _, tc := range cases {
		for _, th := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", tc.name, th), func(b *testing.B) {
				flops := 2 * float64(cout*kdim*cols)
				for b.Loop() {
					tc.run(th)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

func TestKernelColMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 3))
	for _, chunks := range []int{0, 1, 3} {
		for _, add := range []bool{false, true} {
			const astride = 7 * nr // rows of a packedCol, times nr
			a := randSlice(r, max(chunks, 1)*astride)
			b := randSlice(r, chunks*nr*nr)
			c1 := randSlice(r, mr*20)
			c2 := append([]float32(nil), c1...)
			kernelCol(chunks, a, astride, b, c1, 20, add)
			kernelColGo(chunks, a, astride, b, c2, 20, add)
			for i := range c1 {
				if math.Abs(float64(c1[i]-c2[i])) > 1e-4*(1+math.Abs(float64(c2[i]))) {
					t.Fatalf("chunks=%d add=%v: kernelCol c[%d] = %g, Go %g",
						chunks, add, i, c1[i], c2[i])
				}
			}
		}
	}
}

// TestKernelVariants runs every micro-kernel this machine supports, not
// only the one kernel picks, against the Go kernel.
func TestKernelVariants(t *testing.T) {
	saved := hasAVX512
	defer func() { hasAVX512 = saved }()
	for _, wide := range []bool{false, true} {
		if wide && !saved {
			t.Log("no AVX-512 here: only the AVX2 kernels run")
			continue
		}
		hasAVX512 = wide
		TestKernelMatchesGo(t)
		TestKernelColMatchesGo(t)
	}
}

// BenchmarkKernel measures the micro-kernels alone on panels that stay in
// the first-level cache: 256 inner steps of a 6 x 16 tile.
func BenchmarkKernel(b *testing.B) {
	r := rand.New(rand.NewPCG(4, 5))
	a, p, c := randSlice(r, kc*mr), randSlice(r, kc*nr), make([]float32, mr*nr)
	saved := hasAVX512
	defer func() { hasAVX512 = saved }()
	for _, wide := range []bool{false, true} {
		if wide && !saved {
			continue
		}
		name := "avx2"
		if wide {
			name = "avx512"
		}
		b.Run(name, func(b *testing.B) {
			hasAVX512 = wide
			for b.Loop() {
				kernel(kc, a, p, c, nr, false)
			}
			b.ReportMetric(2*kc*mr*nr*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
