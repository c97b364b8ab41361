package kws

import (
	"errors"
	"testing"

	"github.com/nascent-nas/nascent"
)

func TestCostTCResNet8(t *testing.T) {
	got, err := Cost(TCResNet8(16, 24, 32, 48), 10)
	if err != nil {
		t.Fatal(err)
	}
	// MACs by hand: output channels x input channels x size x output
	// length, per convolution, then the classifier.
	macs := 16*40*3*101 +
		24*16*9*51 + 24*24*9*51 + 24*16*51 +
		32*24*9*26 + 32*32*9*26 + 32*24*26 +
		48*32*9*13 + 48*48*9*13 + 48*32*13 +
		48*10
	// The peak is the first convolution, with its input (40x101) and
	// output (16x101); next comes block 1's second main convolution with
	// its input and output (24x51 each) and the block input (16x101),
	// 4064 values.
	acts := 40*101 + 16*101
	want := map[string]float64{"weights": 65040, "macs": float64(macs),
		"activations": float64(acts)}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("Cost()[%q] = %v, want %v", k, got[k], v)
		}
	}
}

func TestCostMatchesModel(t *testing.T) {
	values := map[string]any{"major_blocks": []any{
		block(12, 3, "residual", minor(5, false), minor(4, true), minor(2, true)),
		block(6, 1, "forward", minor(7, false)),
	}}
	m, err := BuildModel(values, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := CostModel{NumClasses: 5}.Cost(nascent.Candidate{Values: values})
	if err != nil {
		t.Fatal(err)
	}
	if got["weights"] != float64(m.Weights()) {
		t.Errorf("weights = %v, model has %d", got["weights"], m.Weights())
	}
}

func TestCostErrors(t *testing.T) {
	_, err := Cost(map[string]any{"major_blocks": []any{block(0, 1, "forward", minor(3, false))}}, 10)
	if !errors.Is(err, nascent.ErrInvalid) {
		t.Errorf("Cost(0 channels) error = %v, want ErrInvalid", err)
	}
}

func TestIdentity(t *testing.T) {
	conv := func(parallel bool) map[string]any {
		return map[string]any{"size": int64(3), "padding": true, "batchnorm": true,
			"activation": "relu", "parallel": parallel}
	}
	net := func(branch string, parallel bool, ch int64, dropout float64) map[string]any {
		return map[string]any{
			"dropout_prob": dropout,
			"major_blocks": []any{map[string]any{
				"output_channels": ch, "stride": int64(1), "branch": branch,
				"minor_blocks": []any{conv(false), conv(parallel)},
			}},
		}
	}
	id := func(v map[string]any) string {
		t.Helper()
		s, err := CostModel{}.Identity(nascent.Candidate{Values: v})
		if err != nil {
			t.Fatalf("Identity: %v", err)
		}
		return s
	}
	base := id(net("forward", false, 8, 0.1))
	tests := []struct {
		name   string
		values map[string]any
		same   bool
	}{
		{"parallel flag in a forward block", net("forward", true, 8, 0.1), true},
		{"residual block without a skip path", net("residual", false, 8, 0.1), true},
		{"residual block with a skip path", net("residual", true, 8, 0.1), false},
		{"other width", net("forward", false, 12, 0.1), false},
		{"other dropout", net("forward", false, 8, 0.2), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := id(tt.values) == base; got != tt.same {
				t.Errorf("same identity = %v, want %v", got, tt.same)
			}
		})
	}
	if _, err := (CostModel{}).Identity(nascent.Candidate{Values: map[string]any{"major_blocks": "x"}}); err == nil {
		t.Error("Identity of a non-network = nil error, want one")
	}
}
