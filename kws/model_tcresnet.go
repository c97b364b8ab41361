package kws

// TCResNet8 returns the candidate values of TC-ResNet8 (Choi et al.,
// "Temporal convolution for real-time keyword spotting on mobile
// devices", Interspeech 2019) with first-convolution width c0 and block
// widths c1, c2, c3: a 3-wide convolution without batch norm or
// activation, then three residual blocks of stride 2, each with two 9-wide
// convolutions on the main path and a 1-wide one on the skip path, all
// with batch norm and ReLU (the main path's last ReLU acts on the sum),
// and dropout 0.1 before the classifier. TCResNet8(16, 24, 32, 48) is the
// network of the paper and of the PyTorch reference; it is also
// testdata/tc-resnet8.yaml.
func TCResNet8(c0, c1, c2, c3 int) map[string]any {
	conv := func(size int64, bn bool, act string, parallel bool) any {
		return map[string]any{"size": size, "padding": true,
			"batchnorm": bn, "activation": act, "parallel": parallel}
	}
	block := func(ch int) any {
		return map[string]any{
			"output_channels": int64(ch), "stride": int64(2),
			"branch": "residual",
			"minor_blocks": []any{
				conv(9, true, "relu", false),
				conv(9, true, "relu", false),
				conv(1, true, "relu", true),
			},
		}
	}
	first := map[string]any{
		"output_channels": int64(c0), "stride": int64(1),
		"branch":       "forward",
		"minor_blocks": []any{conv(3, false, "none", false)},
	}
	return map[string]any{
		"major_blocks": []any{first, block(c1), block(c2), block(c3)},
		"dropout_prob": 0.1,
	}
}
