package kws

import (
	"fmt"
	"math"
	"strings"

	"github.com/nascent-nas/nascent"
)

// Spec is a network in hannah's TC structure, parsed from a candidate's
// values. See [ParseSpec] for the keys.
type Spec struct {
	Blocks []BlockSpec
	// DropoutProb is the dropout probability before the classifier.
	DropoutProb float64

	// path is "model." when the spec was read from under "model", for
	// error messages.
	path string
}

// BlockSpec is one major block: convolutions that all produce
// OutputChannels channels, the first one of each path with Stride.
type BlockSpec struct {
	OutputChannels int
	Stride         int
	// Residual is true for branch "residual"; see [ParseSpec].
	Residual bool
	Convs    []ConvSpec
}

// ConvSpec is one minor block: a 1-D convolution without bias, then
// optionally batch norm, then optionally an activation.
type ConvSpec struct {
	Size int
	// Padding pads Size/2 steps on each side ("same" for odd sizes at
	// stride 1); without it the convolution shortens its input.
	Padding   bool
	BatchNorm bool
	// ReLU is true for activation "relu"; false for no activation.
	ReLU bool
	// Parallel puts the convolution on the skip path of a residual block.
	Parallel bool
}

// Spec defaults, used where a candidate leaves a key out.
const (
	// DefaultDropoutProb is hannah's default network dropout.
	DefaultDropoutProb = 0.5
	defaultStride      = 1
)

// ParseSpec reads a network from candidate values. The network may sit at
// the top level or under "model" (the Hydra form model.major_blocks=...).
//
// Keys, with defaults for optional ones:
//
//	major_blocks: list of blocks, required, non-empty
//	  output_channels: int in [1, 65536], required
//	  stride: int in [1, 65536], default 1
//	  branch: "residual" (default) or anything else for a plain chain
//	  minor_blocks: list of convolutions, required, non-empty
//	    size: int in [1, 65536], required
//	    padding: bool, default true
//	    batchnorm: bool, default false
//	    activation: "relu", or "none", "" or false for none; default none
//	    parallel: bool, default false
//	dropout_prob: number in [0, 1), default 0.5 (hannah's default)
//
// Integers may arrive as int, int64, uint64 (from YAML) or integral
// float64 (from JSON).
// Unknown keys are ignored, so that a candidate may carry other settings.
// Errors wrap nascent.ErrInvalid and name the key path, e.g.
// "model.major_blocks[1].minor_blocks[0].size: must be >= 1, got 0".
func ParseSpec(values map[string]any) (Spec, error) {
	root, prefix := values, ""
	if _, ok := values["major_blocks"]; !ok {
		if m, ok := values["model"].(map[string]any); ok {
			root, prefix = m, "model."
		}
	}
	p := parser{}
	s := Spec{path: prefix}
	s.DropoutProb = p.float(root, prefix, "dropout_prob", DefaultDropoutProb)
	if p.err == nil && (s.DropoutProb < 0 || s.DropoutProb >= 1) {
		p.fail(prefix+"dropout_prob", "must be in [0, 1), got %v", s.DropoutProb)
	}
	blocks := p.list(root, prefix, "major_blocks")
	for i, b := range blocks {
		path := fmt.Sprintf("%smajor_blocks[%d]", prefix, i)
		s.Blocks = append(s.Blocks, p.block(b, path))
	}
	if p.err != nil {
		return Spec{}, p.err
	}
	return s, nil
}

// parser collects the first error met while reading values.
type parser struct {
	err error
}

func (p *parser) fail(path, format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf("%s: %s: %w", path, fmt.Sprintf(format, args...),
			nascent.ErrInvalid)
	}
}

func (p *parser) block(v any, path string) BlockSpec {
	m, ok := v.(map[string]any)
	if !ok {
		p.fail(path, "must be a mapping, got %s", typeName(v))
		return BlockSpec{}
	}
	pre := path + "."
	b := BlockSpec{
		OutputChannels: p.int(m, pre, "output_channels", 0, true),
		Stride:         p.int(m, pre, "stride", defaultStride, false),
		Residual:       p.str(m, pre, "branch", "residual") == "residual",
	}
	p.inRange(pre+"output_channels", b.OutputChannels)
	p.inRange(pre+"stride", b.Stride)
	for j, c := range p.list(m, pre, "minor_blocks") {
		b.Convs = append(b.Convs, p.conv(c, fmt.Sprintf("%sminor_blocks[%d]", pre, j)))
	}
	return b
}

func (p *parser) conv(v any, path string) ConvSpec {
	m, ok := v.(map[string]any)
	if !ok {
		p.fail(path, "must be a mapping, got %s", typeName(v))
		return ConvSpec{}
	}
	pre := path + "."
	c := ConvSpec{
		Size:      p.int(m, pre, "size", 0, true),
		Padding:   p.bool(m, pre, "padding", true),
		BatchNorm: p.bool(m, pre, "batchnorm", false),
		ReLU:      p.activation(m, pre),
		Parallel:  p.bool(m, pre, "parallel", false),
	}
	p.inRange(pre+"size", c.Size)
	return c
}

// maxDim bounds channels, sizes and strides, so that no product of
// them can overflow; real networks stay far below it.
const maxDim = 1 << 16

// inRange fails unless 1 <= v <= maxDim.
func (p *parser) inRange(path string, v int) {
	switch {
	case v < 1:
		p.fail(path, "must be >= 1, got %d", v)
	case v > maxDim:
		p.fail(path, "must be <= %d, got %d", maxDim, v)
	}
}

// activation reads "activation": "relu" (any case), or none written as
// "none", "", false or null. hannah's true means its default, ReLU.
func (p *parser) activation(m map[string]any, pre string) bool {
	v, ok := m["activation"]
	if !ok || v == nil {
		return false
	}
	switch a := v.(type) {
	case bool:
		return a
	case string:
		switch strings.ToLower(a) {
		case "relu":
			return true
		case "", "none", "linear", "identity":
			return false
		}
		// TODO(kws): hannah also offers hardtanh, elu, sigmoid and tanh;
		// nn has only ReLU so far.
		p.fail(pre+"activation", "unknown activation %q (want relu or none)", a)
		return false
	}
	p.fail(pre+"activation", "must be a string, got %s", typeName(v))
	return false
}

func (p *parser) list(m map[string]any, pre, key string) []any {
	v, ok := m[key]
	if !ok {
		p.fail(pre+key, "missing")
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		p.fail(pre+key, "must be a list, got %s", typeName(v))
		return nil
	}
	if len(l) == 0 {
		p.fail(pre+key, "must not be empty")
	}
	return l
}

func (p *parser) int(m map[string]any, pre, key string, def int, required bool) int {
	v, ok := m[key]
	if !ok {
		if required {
			p.fail(pre+key, "missing")
		}
		return def
	}
	switch n := v.(type) {
	case int:
		return n
	case int64:
		if n > math.MaxInt32 || n < math.MinInt32 {
			p.fail(pre+key, "out of range: %d", n)
			return def
		}
		return int(n)
	case uint64:
		if n > math.MaxInt32 {
			p.fail(pre+key, "out of range: %d", n)
			return def
		}
		return int(n)
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > math.MaxInt32 {
			p.fail(pre+key, "must be an integer, got %v", n)
			return def
		}
		return int(n)
	}
	p.fail(pre+key, "must be an integer, got %s", typeName(v))
	return def
}

func (p *parser) float(m map[string]any, pre, key string, def float64) float64 {
	v, ok := m[key]
	if !ok {
		return def
	}
	switch n := v.(type) {
	case float64:
		if math.IsNaN(n) || math.IsInf(n, 0) {
			p.fail(pre+key, "must be finite, got %v", n)
			return def
		}
		return n
	case int64:
		return float64(n)
	case int:
		return float64(n)
	case uint64:
		return float64(n)
	}
	p.fail(pre+key, "must be a number, got %s", typeName(v))
	return def
}

func (p *parser) bool(m map[string]any, pre, key string, def bool) bool {
	v, ok := m[key]
	if !ok {
		return def
	}
	b, ok := v.(bool)
	if !ok {
		p.fail(pre+key, "must be true or false, got %s", typeName(v))
	}
	return b
}

func (p *parser) str(m map[string]any, pre, key, def string) string {
	v, ok := m[key]
	if !ok {
		return def
	}
	s, ok := v.(string)
	if !ok {
		p.fail(pre+key, "must be a string, got %s", typeName(v))
	}
	return s
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int, int64, uint64, float64:
		return fmt.Sprintf("the number %v", v)
	}
	return fmt.Sprintf("%T", v)
}
