package kws

import (
	"fmt"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/nn"
)

// convPlan is one convolution with its geometry worked out.
type convPlan struct {
	in, out, size, stride, pad int
	lin, lout                  int
	batchNorm, relu            bool
}

// blockPlan is a major block as built: a main path, and a skip path when
// the block adds two paths.
type blockPlan struct {
	main, skip []convPlan
	// postReLU applies ReLU to the sum of the paths.
	postReLU bool
	// lout is the block's output length.
	lout int
}

// netPlan is the whole network body.
type netPlan struct {
	blocks []blockPlan
	// channels and length are those of the body's output.
	channels, length int
}

// planSpec resolves the paths, channels, strides, paddings and lengths
// of every convolution, as [Model] documents them.
func planSpec(s Spec) (netPlan, error) {
	p := netPlan{channels: NumCoeffs, length: NumFrames}
	for i, b := range s.Blocks {
		path := fmt.Sprintf("%smajor_blocks[%d]", s.path, i)
		mainIdx, skipIdx := splitPaths(b)
		var bp blockPlan
		var err error
		bp.main, err = planPath(b, mainIdx, p.channels, p.length, path)
		if err != nil {
			return netPlan{}, err
		}
		bp.lout = bp.main[len(bp.main)-1].lout
		if skipIdx != nil {
			bp.skip, err = planPath(b, skipIdx, p.channels, p.length, path)
			if err != nil {
				return netPlan{}, err
			}
			last := &bp.main[len(bp.main)-1]
			bp.postReLU, last.relu = last.relu, false
			bp.lout = min(bp.lout, bp.skip[len(bp.skip)-1].lout)
		}
		p.blocks = append(p.blocks, bp)
		p.channels, p.length = b.OutputChannels, bp.lout
	}
	return p, nil
}

// splitPaths returns the indices of a block's main-path and skip-path
// convolutions; skip is nil when the block is a plain chain.
func splitPaths(b BlockSpec) (main, skip []int) {
	if !b.Residual {
		for j := range b.Convs {
			main = append(main, j)
		}
		return main, nil
	}
	for j, c := range b.Convs {
		if c.Parallel {
			skip = append(skip, j)
		} else {
			main = append(main, j)
		}
	}
	if len(main) == 0 {
		return skip, nil
	}
	return main, skip
}

// planPath works out the geometry of the convolutions idx of block b,
// fed channels x length inputs.
func planPath(b BlockSpec, idx []int, channels, length int, path string) ([]convPlan, error) {
	var out []convPlan
	for k, j := range idx {
		c := b.Convs[j]
		cp := convPlan{in: channels, out: b.OutputChannels, size: c.Size,
			stride: 1, lin: length, batchNorm: c.BatchNorm, relu: c.ReLU}
		if k == 0 {
			cp.stride = b.Stride
		}
		if c.Padding {
			cp.pad = c.Size / 2
		}
		cp.lout = nn.ConvOutLen(length, cp.size, cp.stride, cp.pad)
		if cp.lout < 1 {
			return nil, fmt.Errorf("%s.minor_blocks[%d].size: %d does not fit "+
				"the %d steps left at this point: %w",
				path, j, c.Size, length, nascent.ErrInvalid)
		}
		out = append(out, cp)
		channels, length = cp.out, cp.lout
	}
	return out, nil
}
