package kws

// Feature geometry: every clip becomes NumCoeffs MFCC coefficients by
// NumFrames frames (1 s of audio at a 10 ms hop, centred frames).
const (
	NumCoeffs = 40
	NumFrames = 101
)

// Split is one part of a dataset (train, validation or test) as features
// ready for training.
type Split struct {
	// X holds N examples of NumCoeffs x NumFrames features, row-major:
	// X[(n*NumCoeffs+c)*NumFrames+t] is coefficient c of frame t of
	// example n.
	X []float32
	// Y holds the class index of each example, in [0, len(Classes)).
	Y []int
}

// Len returns the number of examples in the split.
func (s Split) Len() int { return len(s.Y) }

// Dataset is a keyword-spotting dataset as features, split three ways.
// The search sees validation metrics only; Test never chooses anything.
type Dataset struct {
	Classes []string
	Train   Split
	Val     Split
	Test    Split
}
