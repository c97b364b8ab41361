package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// The benchmarks use the shapes of TC-ResNet8 at batch 128: block 1's
// 9-wide stride-2 convolution (16 to 24 channels over 101 steps), its
// batch norm and ReLU over 24 x 128 x 51 values.

func benchLayer(b *testing.B, l Layer, x *Tensor, threads int) {
	SetThreads(l, threads)
	y := l.Forward(x, true)
	dy := NewTensor(y.C, y.N, y.L)
	for i := range dy.Data {
		dy.Data[i] = 1e-3 * float32(i%7)
	}
	l.Backward(dy)
	b.Run(fmt.Sprintf("forward/threads=%d", threads), func(b *testing.B) {
		for b.Loop() {
			l.Forward(x, true)
		}
	})
	b.Run(fmt.Sprintf("backward/threads=%d", threads), func(b *testing.B) {
		for b.Loop() {
			l.Backward(dy)
		}
	})
}

func BenchmarkConv1d(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, threads := range []int{1, 2} {
		c := NewConv1d("conv", 16, 24, 9, 2, 4)
		HeInit(c.Weight, 16*9, r)
		benchLayer(b, c, randTensor(r, 16, 128, 101), threads)
	}
}

func BenchmarkConv1dPointwise(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, threads := range []int{1, 2} {
		c := NewConv1d("conv", 24, 32, 1, 1, 0)
		HeInit(c.Weight, 24, r)
		benchLayer(b, c, randTensor(r, 24, 128, 51), threads)
	}
}

func BenchmarkBatchNorm(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, threads := range []int{1, 2} {
		benchLayer(b, NewBatchNorm("bn", 24), randTensor(r, 24, 128, 51), threads)
	}
}

func BenchmarkReLU(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, threads := range []int{1, 2} {
		benchLayer(b, &ReLU{}, randTensor(r, 24, 128, 51), threads)
	}
}

func BenchmarkDropout(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	d := &Dropout{P: 0.1, Rand: rand.New(rand.NewPCG(3, 4))}
	benchLayer(b, d, randTensor(r, 48, 128, 1), 1)
}

func BenchmarkResidual(b *testing.B) {
	// The sum and ReLU of a residual block, around two cheap paths.
	r := rand.New(rand.NewPCG(1, 2))
	for _, threads := range []int{1, 2} {
		res := &Residual{Main: &ReLU{}, Skip: &ReLU{}, ReLU: true}
		benchLayer(b, res, randTensor(r, 24, 128, 51), threads)
	}
}

func BenchmarkGlobalAvgPool(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	benchLayer(b, &GlobalAvgPool{}, randTensor(r, 48, 128, 13), 1)
}

func BenchmarkLinear(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	l := NewLinear("fc", 48, 10, false)
	UniformInit(l.Weight, 48, r)
	benchLayer(b, l, randTensor(r, 48, 128, 1), 1)
}

func BenchmarkSoftmaxCrossEntropy(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	logits := randTensor(r, 10, 128, 1)
	labels := make([]int, 128)
	for i := range labels {
		labels[i] = i % 10
	}
	grad := NewTensor(10, 128, 1)
	for b.Loop() {
		SoftmaxCrossEntropy(logits, labels, grad)
	}
}

func BenchmarkAdamW(b *testing.B) {
	// TC-ResNet8 has 65,040 trainable values.
	p := newParam("w", 65040)
	o := NewAdamW([]*Param{p}, 1e-4)
	for b.Loop() {
		o.Step(1e-3)
	}
}
