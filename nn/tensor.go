package nn

import "fmt"

// Tensor is a float32 activation of C channels, N examples and L time
// steps. Element (c, n, t) is Data[(c*L+t)*N+n]: channel-major, then
// time, with the examples of a batch side by side. A matrix such as the
// logits of a linear layer is a Tensor with L = 1.
type Tensor struct {
	C, N, L int
	Data    []float32
}

// NewTensor returns a zeroed tensor of the given shape.
func NewTensor(c, n, l int) *Tensor {
	return &Tensor{C: c, N: n, L: l, Data: make([]float32, c*n*l)}
}

// Len returns the number of elements, C*N*L.
func (t *Tensor) Len() int { return t.C * t.N * t.L }

// String returns the tensor's shape, for messages.
func (t *Tensor) String() string {
	return fmt.Sprintf("[C=%d N=%d L=%d]", t.C, t.N, t.L)
}

// reshape makes t (which may be nil) hold shape (c, n, l), reusing its
// storage when large enough. The contents are unspecified.
func reshape(t *Tensor, c, n, l int) *Tensor {
	if t == nil {
		t = &Tensor{}
	}
	size := c * n * l
	if cap(t.Data) < size {
		t.Data = make([]float32, size)
	}
	t.C, t.N, t.L, t.Data = c, n, l, t.Data[:size]
	return t
}

// zero sets every element of s to 0.
func zero(s []float32) {
	for i := range s {
		s[i] = 0
	}
}

// Param is a trainable parameter: its values, its gradient and whether
// weight decay applies to it.
type Param struct {
	// Name labels the parameter in messages, e.g. "conv3.weight".
	Name string
	Data []float32
	Grad []float32
	// NoDecay excludes the parameter from weight decay.
	NoDecay bool
}

func newParam(name string, n int) *Param {
	return &Param{Name: name, Data: make([]float32, n), Grad: make([]float32, n)}
}

// Layer is one differentiable step of a network.
//
// Forward computes the layer's output for input x; train selects training
// behaviour (batch statistics, dropout). Backward takes the gradient of
// the loss with respect to the last Forward's output and returns the
// gradient with respect to its input, adding parameter gradients into
// Params' Grad. A layer that was told not to compute input gradients
// returns nil. Shapes that do not fit the layer panic.
type Layer interface {
	Forward(x *Tensor, train bool) *Tensor
	Backward(dy *Tensor) *Tensor
	Params() []*Param
}

func mustShape(what string, t *Tensor, c, n, l int) {
	if t.C != c || t.N != n || t.L != l {
		panic(fmt.Sprintf("nn: %s: shape %v, want [C=%d N=%d L=%d]",
			what, t, c, n, l))
	}
}
