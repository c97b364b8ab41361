package nn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/nascent-nas/nascent/nn"
)

// A two-layer network learns to tell rising from falling sequences.
func Example() {
	r := rand.New(rand.NewPCG(1, 2))
	conv := nn.NewConv1d("conv", 1, 4, 3, 1, 1)
	nn.HeInit(conv.Weight, 3, r)
	fc := nn.NewLinear("fc", 4, 2, true)
	nn.UniformInit(fc.Weight, 4, r)
	net := nn.Sequential{conv, &nn.ReLU{}, &nn.GlobalAvgPool{}, fc}
	opt := nn.NewAdamW(net.Params(), 0)

	// A batch of 32 sequences of 8 steps: label 1 rises, label 0 falls.
	x := nn.NewTensor(1, 32, 8)
	labels := make([]int, 32)
	for n := range labels {
		labels[n] = n % 2
		for t := range 8 {
			v := float32(t) / 8
			if labels[n] == 0 {
				v = -v
			}
			x.Data[t*32+n] = v + 0.1*float32(r.NormFloat64()) // [C][L][N]
		}
	}
	grad := nn.NewTensor(2, 32, 1)
	var correct int
	for range 100 {
		_, correct = nn.SoftmaxCrossEntropy(net.Forward(x, true), labels, grad)
		net.Backward(grad)
		opt.Step(0.05)
	}
	fmt.Printf("%d of 32 correct\n", correct)
	// Output: 32 of 32 correct
}
