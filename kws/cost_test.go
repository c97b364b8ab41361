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
