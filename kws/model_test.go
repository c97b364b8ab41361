package kws

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/nascent-nas/nascent"
)

func TestTCResNet8Weights(t *testing.T) {
	// The PyTorch reference counts its parameters with
	// sum(p.numel() for p in model.parameters()): convolution and linear
	// weights and batch-norm scales and shifts. These are its figures
	// for the default widths and for CH=4,4,8,8.
	tests := []struct {
		name           string
		c0, c1, c2, c3 int
		want           int
	}{
		{"16 24 32 48", 16, 24, 32, 48, 65040},
		{"4 4 8 8", 4, 4, 8, 8, 3096},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := BuildModel(TCResNet8(tc.c0, tc.c1, tc.c2, tc.c3), 10, 1)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Weights(); got != tc.want {
				t.Errorf("Weights() = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestTCResNet8YAML(t *testing.T) {
	b, err := os.ReadFile("testdata/tc-resnet8.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var values map[string]any
	if err := yaml.Unmarshal(b, &values); err != nil {
		t.Fatal(err)
	}
	got, err := ParseSpec(values)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ParseSpec(TCResNet8(16, 24, 32, 48))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
		t.Errorf("ParseSpec(tc-resnet8.yaml) = %+v, want %+v", got, want)
	}
}

func TestModelForwardShape(t *testing.T) {
	m, err := BuildModel(map[string]any{"model": TCResNet8(4, 4, 8, 8)}, 12, 1)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 3*NumCoeffs*NumFrames)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)))
	}
	y := m.Forward(x, 3, false)
	if y.C != 12 || y.N != 3 || y.L != 1 {
		t.Fatalf("logits shape %v, want [C=12 N=3 L=1]", y)
	}
	for _, v := range y.Data {
		if math.IsNaN(float64(v)) {
			t.Fatal("NaN logit")
		}
	}
}

// block is a shorthand for a major block in the tests.
func block(ch, stride int64, branch string, minors ...any) map[string]any {
	return map[string]any{"output_channels": ch, "stride": stride,
		"branch": branch, "minor_blocks": minors}
}

func minor(size int64, parallel bool) map[string]any {
	return map[string]any{"size": size, "padding": true, "batchnorm": true,
		"activation": "relu", "parallel": parallel}
}

func TestBlockSemantics(t *testing.T) {
	// Weights count which convolutions were built: a block with a skip
	// path has its weights, one without has none invented.
	tests := []struct {
		name   string
		block  map[string]any
		weight int
		res    bool
	}{
		{"residual with skip", block(8, 2, "residual", minor(3, false), minor(1, true)),
			40*8*3 + 40*8 + 4*8, true},
		{"residual without skip", block(8, 2, "residual", minor(3, false)),
			40*8*3 + 2*8, false},
		{"residual with empty main", block(8, 1, "residual", minor(1, true), minor(3, true)),
			40*8 + 8*8*3 + 4*8, false},
		{"forward ignores parallel", block(8, 1, "forward", minor(3, false), minor(1, true)),
			40*8*3 + 8*8 + 4*8, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			values := map[string]any{"major_blocks": []any{tc.block}, "dropout_prob": 0.0}
			m, err := BuildModel(values, 2, 1)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := m.Weights(), tc.weight+8*2; got != want {
				t.Errorf("Weights() = %d, want %d", got, want)
			}
			plan, _ := planSpec(m.Spec)
			if got := plan.blocks[0].skip != nil; got != tc.res {
				t.Errorf("residual = %v, want %v", got, tc.res)
			}
		})
	}
}

func TestResidualMovesLastActivation(t *testing.T) {
	plan, err := planSpec(mustSpec(t, TCResNet8(16, 24, 32, 48)))
	if err != nil {
		t.Fatal(err)
	}
	b := plan.blocks[1]
	if !b.postReLU || b.main[1].relu || !b.main[0].relu || !b.skip[0].relu {
		t.Errorf("block 1 activations: post %v, main %v %v, skip %v; want "+
			"true, true false, true", b.postReLU, b.main[0].relu, b.main[1].relu, b.skip[0].relu)
	}
	lengths := []int{101, 51, 26, 13}
	for i, want := range lengths {
		if got := plan.blocks[i].lout; got != want {
			t.Errorf("block %d length = %d, want %d", i, got, want)
		}
	}
}

func mustSpec(t *testing.T, v map[string]any) Spec {
	t.Helper()
	s, err := ParseSpec(v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBuildModelErrors(t *testing.T) {
	good := func() map[string]any { return TCResNet8(4, 4, 8, 8) }
	set := func(f func(v map[string]any)) map[string]any {
		v := good()
		f(v)
		return v
	}
	mb := func(v map[string]any, i int) map[string]any {
		return v["major_blocks"].([]any)[i].(map[string]any)
	}
	mn := func(v map[string]any, i, j int) map[string]any {
		return mb(v, i)["minor_blocks"].([]any)[j].(map[string]any)
	}
	tests := []struct {
		name   string
		values map[string]any
		want   string
	}{
		{"no blocks", map[string]any{}, "major_blocks: missing"},
		{"empty blocks", map[string]any{"major_blocks": []any{}}, "major_blocks: must not be empty"},
		{"blocks not a list", map[string]any{"major_blocks": "x"}, "major_blocks: must be a list"},
		{"size 0", set(func(v map[string]any) { mn(v, 1, 0)["size"] = int64(0) }),
			"major_blocks[1].minor_blocks[0].size: must be >= 1, got 0"},
		{"size fraction", set(func(v map[string]any) { mn(v, 1, 0)["size"] = 2.5 }),
			"major_blocks[1].minor_blocks[0].size: must be an integer"},
		{"size string", set(func(v map[string]any) { mn(v, 2, 1)["size"] = "9" }),
			"major_blocks[2].minor_blocks[1].size: must be an integer"},
		{"no channels", set(func(v map[string]any) { delete(mb(v, 3), "output_channels") }),
			"major_blocks[3].output_channels: missing"},
		{"negative channels", set(func(v map[string]any) { mb(v, 3)["output_channels"] = int64(-1) }),
			"major_blocks[3].output_channels: must be >= 1"},
		{"stride 0", set(func(v map[string]any) { mb(v, 2)["stride"] = int64(0) }),
			"major_blocks[2].stride: must be >= 1"},
		{"padding not bool", set(func(v map[string]any) { mn(v, 1, 2)["padding"] = "yes" }),
			"major_blocks[1].minor_blocks[2].padding: must be true or false"},
		{"unknown activation", set(func(v map[string]any) { mn(v, 1, 0)["activation"] = "swish" }),
			"major_blocks[1].minor_blocks[0].activation: unknown activation"},
		{"dropout 1", set(func(v map[string]any) { v["dropout_prob"] = 1.0 }),
			"dropout_prob: must be in [0, 1)"},
		{"minor not a map", set(func(v map[string]any) { mb(v, 1)["minor_blocks"] = []any{3} }),
			"major_blocks[1].minor_blocks[0]: must be a mapping"},
		{"empty minors", set(func(v map[string]any) { mb(v, 1)["minor_blocks"] = []any{} }),
			"major_blocks[1].minor_blocks: must not be empty"},
		{"too long", set(func(v map[string]any) {
			mn(v, 3, 1)["size"] = int64(40)
			mn(v, 3, 1)["padding"] = false
		}), "major_blocks[3].minor_blocks[1].size: 40 does not fit the 13 steps"},
		{"under model", map[string]any{"model": set(func(v map[string]any) {
			mn(v, 0, 0)["size"] = int64(0)
		})},
			"model.major_blocks[0].minor_blocks[0].size: must be >= 1"},
		{"too many weights", set(func(v map[string]any) {
			mb(v, 3)["output_channels"] = int64(60_000)
		}), "more than the trainer's limit"},
		{"channels past the range", set(func(v map[string]any) {
			mb(v, 2)["output_channels"] = int64(1 << 20)
		}), "major_blocks[2].output_channels: must be <= 65536"},
		{"huge stride", set(func(v map[string]any) { mb(v, 1)["stride"] = 1e12 }),
			"major_blocks[1].stride: must be an integer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := BuildModel(tc.values, 10, 1)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("BuildModel() error = %v, want one containing %q", err, tc.want)
			}
			if !errors.Is(err, nascent.ErrInvalid) {
				t.Errorf("BuildModel() error %v does not wrap ErrInvalid", err)
			}
		})
	}
}

func TestBuildModelJSONNumbers(t *testing.T) {
	// JSON decoding gives float64 for every number.
	values := map[string]any{"major_blocks": []any{map[string]any{
		"output_channels": 8.0, "stride": 2.0, "branch": "residual",
		"minor_blocks": []any{map[string]any{"size": 3.0}},
	}}}
	m, err := BuildModel(values, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Weights(), 40*8*3+8*10; got != want {
		t.Errorf("Weights() = %d, want %d", got, want)
	}
}
