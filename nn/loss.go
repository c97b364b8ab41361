package nn

import (
	"fmt"
	"math"
)

// SoftmaxCrossEntropy returns the mean over the batch of
// -log softmax(logits[:, n])[labels[n]], the gradient of that mean with
// respect to the logits (softmax minus one-hot, divided by N), and the
// number of examples whose largest logit is at their label. logits has
// one channel per class and L = 1; grad, when not nil, receives the
// gradient and must have the same shape. It panics on a label out of range.
func SoftmaxCrossEntropy(logits *Tensor, labels []int, grad *Tensor) (loss float64, correct int) {
	k, n := logits.C, logits.N
	if logits.L != 1 || len(labels) != n {
		panic(fmt.Sprintf("nn: cross-entropy: logits %v for %d labels",
			logits, len(labels)))
	}
	if grad != nil {
		mustShape("cross-entropy gradient", grad, k, n, 1)
	}
	for j, y := range labels {
		if y < 0 || y >= k {
			panic(fmt.Sprintf("nn: cross-entropy: label %d of %d classes", y, k))
		}
		// Subtract the largest logit before exponentiating so that exp
		// cannot overflow.
		best := 0
		for c := 1; c < k; c++ {
			if logits.Data[c*n+j] > logits.Data[best*n+j] {
				best = c
			}
		}
		if best == y {
			correct++
		}
		top := float64(logits.Data[best*n+j])
		var sum float64
		for c := range k {
			sum += math.Exp(float64(logits.Data[c*n+j]) - top)
		}
		logZ := top + math.Log(sum)
		loss += logZ - float64(logits.Data[y*n+j])
		if grad == nil {
			continue
		}
		for c := range k {
			p := math.Exp(float64(logits.Data[c*n+j]) - logZ)
			if c == y {
				p--
			}
			grad.Data[c*n+j] = float32(p / float64(n))
		}
	}
	return loss / float64(n), correct
}
