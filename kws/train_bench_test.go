//go:build unix

package kws

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/nascent-nas/nascent/nn"
)

// BenchmarkTrainStep measures training throughput of TC-ResNet8 on random
// features: forward, loss, backward and an AdamW step per batch, as
// testdata/train_bench_torch.py measures PyTorch. Run both side by side
// with testdata/train_bench.sh.
func BenchmarkTrainStep(b *testing.B) {
	for _, bs := range []int{64, 128} {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("batch=%d/threads=%d", bs, threads), func(b *testing.B) {
				benchTrainStep(b, bs, threads)
			})
		}
	}
}

func benchTrainStep(b *testing.B, bs, threads int) {
	m, err := BuildModel(TCResNet8(16, 24, 32, 48), 10, 1)
	if err != nil {
		b.Fatal(err)
	}
	m.SetThreads(threads)
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, bs*NumCoeffs*NumFrames)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	y := make([]int, bs)
	for i := range y {
		y[i] = r.IntN(10)
	}
	opt := nn.NewAdamW(m.Params(), 1e-4)
	grad := nn.NewTensor(10, bs, 1)
	step := func() {
		logits := m.Forward(x, bs, true)
		nn.SoftmaxCrossEntropy(logits, y, grad)
		m.Backward(grad)
		opt.Step(1e-3)
	}
	step() // allocate buffers outside the timing
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		step()
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(bs*b.N)/b.Elapsed().Seconds(), "samples/s")
	// Samples per second of processor time: on a shared machine the wall
	// clock measures the scheduler as much as the code.
	b.ReportMetric(float64(bs*b.N)/cpu.Seconds(), "samples/cpu-s")
}

// cpuTime returns the user and system time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
