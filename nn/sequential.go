package nn

// Sequential runs layers one after another.
type Sequential []Layer

// Forward feeds x through every layer in order.
func (s Sequential) Forward(x *Tensor, train bool) *Tensor {
	for _, l := range s {
		x = l.Forward(x, train)
	}
	return x
}

// Backward feeds dy back through the layers in reverse order. It stops
// early, returning nil, at a layer that computes no input gradient.
func (s Sequential) Backward(dy *Tensor) *Tensor {
	for i := len(s) - 1; i >= 0 && dy != nil; i-- {
		dy = s[i].Backward(dy)
	}
	return dy
}

// Params returns every layer's parameters, in order.
func (s Sequential) Params() []*Param {
	var ps []*Param
	for _, l := range s {
		ps = append(ps, l.Params()...)
	}
	return ps
}

func (s Sequential) setThreads(n int) {
	for _, l := range s {
		SetThreads(l, n)
	}
}
