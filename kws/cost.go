package kws

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/nascent-nas/nascent"
)

// Cost metric names, as trials report them.
const (
	MetricWeights     = "weights"
	MetricMACs        = "macs"
	MetricActivations = "activations"
)

// Cost returns a network's cost metrics, computed from its candidate
// values without building or training it, for numClasses classes:
//
//   - "weights": trainable values: convolution and classifier weights
//     plus the scale and shift of every batch norm (running statistics
//     are not counted). Equal to Model.Weights, and to PyTorch's
//     sum(p.numel() for p in model.parameters()).
//   - "macs": multiply-accumulates of one inference on a 1 s clip
//     (NumCoeffs x NumFrames features): Out*In*Size per output step of
//     every convolution and In*Classes for the classifier. Batch norm,
//     activations, additions and pooling are not counted (at inference
//     batch norm folds into the convolution before it).
//   - "activations": the peak number of values (float32 elements, not
//     bytes) alive at once during that inference, counting the input
//     features: a convolution needs its input and output, with batch norm
//     and activation done in place; a residual block keeps its input until
//     both paths have read it and the main path's output until the sum.
//
// Errors are those of ParseSpec and BuildModel and wrap
// nascent.ErrInvalid.
func Cost(values map[string]any, numClasses int) (map[string]float64, error) {
	spec, err := ParseSpec(values)
	if err != nil {
		return nil, err
	}
	plan, err := planSpec(spec)
	if err != nil {
		return nil, err
	}
	weights, macs := plan.count(numClasses)
	return map[string]float64{
		MetricWeights:     float64(weights),
		MetricMACs:        float64(macs),
		MetricActivations: float64(plan.peakActivations(numClasses)),
	}, nil
}

// CostModel computes [Cost] for candidates of a keyword-spotting search.
// It is safe for concurrent use.
type CostModel struct {
	// NumClasses is the number of output classes; 0 means 10 (FSDD).
	NumClasses int
}

var _ nascent.CostModel = CostModel{}

// Cost returns Cost(c.Values, m.NumClasses).
func (m CostModel) Cost(c nascent.Candidate) (map[string]float64, error) {
	n := m.NumClasses
	if n == 0 {
		n = 10
	}
	return Cost(c.Values, n)
}

var _ nascent.Identifier = CostModel{}

// Identity returns a digest of the network that c's values build and of
// its dropout: candidates that differ only in settings the network does
// not depend on (the parallel flag in a forward block, the branch of a
// block without a skip path) have the same identity, and train alike.
func (m CostModel) Identity(c nascent.Candidate) (string, error) {
	spec, err := ParseSpec(c.Values)
	if err != nil {
		return "", err
	}
	plan, err := planSpec(spec)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%v|dropout %v", plan, spec.DropoutProb))
	return hex.EncodeToString(sum[:16]), nil
}

// count returns the trainable values and the MACs of the network.
func (p netPlan) count(numClasses int) (weights, macs int) {
	for _, b := range p.blocks {
		for _, path := range [][]convPlan{b.main, b.skip} {
			for _, c := range path {
				w := c.out * c.in * c.size
				weights += w
				macs += w * c.lout
				if c.batchNorm {
					weights += 2 * c.out
				}
			}
		}
	}
	fc := p.channels * numClasses
	return weights + fc, macs + fc
}

// peakActivations returns the largest number of values alive at once in
// one inference, as Cost documents it.
func (p netPlan) peakActivations(numClasses int) int {
	x := NumCoeffs * NumFrames // the block input, alive until read
	peak := x
	for _, b := range p.blocks {
		// The main path: each convolution holds its input and output,
		// and in a residual block the block input stays alive too.
		keep := 0
		if b.skip != nil {
			keep = x
		}
		in := x
		for j, c := range b.main {
			out := c.out * c.lout
			live := in + out
			if j > 0 {
				live += keep
			}
			peak = max(peak, live)
			in = out
		}
		mainOut := in
		// The skip path runs while the main output waits for the sum.
		in = x
		for _, c := range b.skip {
			out := c.out * c.lout
			peak = max(peak, mainOut+in+out)
			in = out
		}
		x = mainOut
	}
	// Pooling and the classifier.
	peak = max(peak, x+p.channels, p.channels+numClasses)
	return peak
}
