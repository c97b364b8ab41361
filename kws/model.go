package kws

import (
	"fmt"
	"math/rand/v2"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/nn"
)

// Model is a keyword-spotting network built from a [Spec]: the major
// blocks over MFCC frames (coefficients as channels, time along the
// convolution axis), then global average pooling, dropout and a linear
// classifier without bias.
//
// How a major block becomes layers (hannah's TC structure, as its network
// factory builds it, with the differences noted):
//
//   - Branch other than "residual": all minor blocks in the order listed
//     form one chain, whatever their parallel flag.
//   - Branch "residual" with convolutions on both paths: parallel: false
//     ones form the main path and parallel: true ones the skip path, both
//     fed the block's input; their outputs are added. The activation of
//     the last main-path convolution is applied to the sum instead of
//     before it, which gives ResNet's y = relu(main(x) + skip(x)); hannah
//     drops that activation, and the issue asks for it after the sum.
//   - Branch "residual" with no skip path: the main path alone, a plain
//     chain. There is nothing to add, so no channel mismatch arises.
//     hannah does the same at stride 1 but invents a 1-wide convolution
//     skip at larger strides; nascent builds only what the candidate
//     lists, so that its weights and MACs are what the search sees.
//   - Branch "residual" with an empty main path: the skip path becomes
//     the chain (hannah swaps the paths the same way).
//
// Every convolution outputs the block's output_channels; the block's
// stride applies to the first convolution of each path, the others have
// stride 1. When the two paths end at different lengths (unpadded
// convolutions), the sum keeps the first steps of the shorter length.
//
// A Model is not safe for concurrent use.
type Model struct {
	Spec       Spec
	NumClasses int

	net     nn.Sequential
	norms   []*nn.BatchNorm
	dropout *nn.Dropout
	first   *nn.Conv1d
	inits   []initFn
	x       *nn.Tensor
}

// MaxWeights is the most trainable values BuildModel accepts: a guard
// against a candidate that would exhaust memory, far above any
// keyword-spotting network (TC-ResNet8 has 65,040).
const MaxWeights = 50_000_000

// initFn initialises one parameter.
type initFn func(r *rand.Rand)

// BuildModel builds the network that values describe (see [ParseSpec])
// for numClasses classes and inputs of NumCoeffs x NumFrames features.
// Weights are initialised from seed. A candidate that does not describe a
// usable network, such as one whose strides shrink the input to nothing,
// gives an error wrapping nascent.ErrInvalid that names the key path.
func BuildModel(values map[string]any, numClasses int, seed uint64) (*Model, error) {
	spec, err := ParseSpec(values)
	if err != nil {
		return nil, err
	}
	return NewModel(spec, numClasses, seed)
}

// NewModel builds the network of a parsed spec; see [BuildModel].
func NewModel(spec Spec, numClasses int, seed uint64) (*Model, error) {
	if numClasses < 2 {
		return nil, fmt.Errorf("kws model: %d classes, want at least 2: %w",
			numClasses, nascent.ErrInvalid)
	}
	plan, err := planSpec(spec)
	if err != nil {
		return nil, err
	}
	if w, _ := plan.count(numClasses); w > MaxWeights {
		return nil, fmt.Errorf("%smajor_blocks: %d weights, more than the "+
			"trainer's limit of %d: %w", spec.path, w, MaxWeights, nascent.ErrInvalid)
	}
	m := &Model{Spec: spec, NumClasses: numClasses}
	for i, b := range plan.blocks {
		m.net = append(m.net, m.buildBlock(i, b))
	}
	m.dropout = &nn.Dropout{P: spec.DropoutProb}
	fc := nn.NewLinear("fc", plan.channels, numClasses, false)
	m.inits = append(m.inits, func(r *rand.Rand) {
		nn.UniformInit(fc.Weight, fc.In, r)
	})
	m.net = append(m.net, &nn.GlobalAvgPool{}, m.dropout, fc)
	// The features need no gradient; skip it when nothing else needs
	// the first convolution's (a residual path must return one).
	if plan.blocks[0].skip == nil {
		m.first.NoInputGrad = true
	}
	m.Init(seed)
	return m, nil
}

// Init re-draws every weight from seed: He initialisation for the
// convolutions, PyTorch's uniform scale for the classifier, batch norm at
// scale 1 and shift 0 with fresh running statistics. It also re-seeds
// dropout.
func (m *Model) Init(seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0x6e6173636e74))
	for _, f := range m.inits {
		f(r)
	}
	m.dropout.Rand = rand.New(rand.NewPCG(seed, 0x64726f70))
}

// buildBlock makes the layers of one planned block.
func (m *Model) buildBlock(i int, b blockPlan) nn.Layer {
	main := m.buildPath(fmt.Sprintf("b%d.main", i), b.main)
	if b.skip == nil {
		return main
	}
	res := &nn.Residual{Main: main,
		Skip: m.buildPath(fmt.Sprintf("b%d.skip", i), b.skip)}
	res.ReLU = b.postReLU
	return res
}

// buildPath makes a chain of convolutions with their batch norms and
// activations.
func (m *Model) buildPath(name string, convs []convPlan) nn.Sequential {
	var s nn.Sequential
	for j, c := range convs {
		cname := fmt.Sprintf("%s%d", name, j)
		conv := nn.NewConv1d(cname, c.in, c.out, c.size, c.stride, c.pad)
		m.inits = append(m.inits, func(r *rand.Rand) {
			nn.HeInit(conv.Weight, c.in*c.size, r)
		})
		if m.first == nil {
			m.first = conv
		}
		s = append(s, conv)
		switch {
		case c.batchNorm:
			bn := nn.NewBatchNorm(cname+".bn", c.out)
			bn.ReLU = c.relu
			m.inits = append(m.inits, func(*rand.Rand) { bn.Reset() })
			m.norms = append(m.norms, bn)
			s = append(s, bn)
		case c.relu:
			s = append(s, &nn.ReLU{})
		}
	}
	return s
}

// Params returns every trainable parameter.
func (m *Model) Params() []*nn.Param { return m.net.Params() }

// Weights returns the number of trainable values: convolution and
// classifier weights and batch-norm scales and shifts.
func (m *Model) Weights() int {
	n := 0
	for _, p := range m.Params() {
		n += len(p.Data)
	}
	return n
}

// snapshot returns a copy of the model's state: every parameter, then
// every batch norm's running statistics.
func (m *Model) snapshot(dst [][]float32) [][]float32 {
	dst = dst[:0]
	for _, p := range m.Params() {
		dst = append(dst, append([]float32(nil), p.Data...))
	}
	for _, bn := range m.norms {
		dst = append(dst, append([]float32(nil), bn.RunningMean...),
			append([]float32(nil), bn.RunningVar...))
	}
	return dst
}

// restore sets the model's state from a snapshot.
func (m *Model) restore(s [][]float32) {
	i := 0
	for _, p := range m.Params() {
		copy(p.Data, s[i])
		i++
	}
	for _, bn := range m.norms {
		copy(bn.RunningMean, s[i])
		copy(bn.RunningVar, s[i+1])
		i += 2
	}
}

// SetThreads spreads the work of each layer over n goroutines.
func (m *Model) SetThreads(n int) { nn.SetThreads(m.net, n) }

// Forward returns the logits (NumClasses channels, L = 1) for n examples
// whose features x are laid out as in [Split].X. The result is valid until
// the next call. train selects batch statistics and dropout.
func (m *Model) Forward(x []float32, n int, train bool) *nn.Tensor {
	const c, l = NumCoeffs, NumFrames
	if len(x) != n*c*l {
		panic(fmt.Sprintf("kws model: %d features for %d examples", len(x), n))
	}
	// Examples arrive as [N][C][L]; the engine wants [C][L][N].
	if m.x == nil || cap(m.x.Data) < len(x) {
		m.x = nn.NewTensor(c, n, l)
	}
	m.x.N, m.x.Data = n, m.x.Data[:len(x)]
	for i := range n {
		src := x[i*c*l : (i+1)*c*l]
		for j, v := range src {
			m.x.Data[j*n+i] = v
		}
	}
	return m.net.Forward(m.x, train)
}

// Backward back-propagates the gradient of the loss with respect to the
// logits of the last Forward, adding into the parameters' gradients.
func (m *Model) Backward(dlogits *nn.Tensor) { m.net.Backward(dlogits) }
