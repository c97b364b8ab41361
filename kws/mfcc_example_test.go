package kws_test

import (
	"fmt"
	"math"

	"github.com/nascent-nas/nascent/kws"
)

// ExampleMFCC computes the features of half a second of a 440 Hz tone at
// 16 kHz, padded to 1 s as every clip is.
func ExampleMFCC() {
	const rate = 16000
	tone := make([]float32, rate/2)
	for i := range tone {
		tone[i] = float32(0.5 * math.Sin(2*math.Pi*440*float64(i)/rate))
	}
	m, err := kws.NewMFCC(rate)
	if err != nil {
		panic(err)
	}
	feats := make([]float32, kws.NumCoeffs*kws.NumFrames)
	m.Compute(feats, kws.FitSamples(tone, rate))

	// Coefficient 0 is sqrt(40) times the mean log mel energy: higher
	// during the tone, ln(1e-6)*sqrt(40) = -87.4 in the padded silence.
	fmt.Printf("%d x %d features\n", kws.NumCoeffs, kws.NumFrames)
	fmt.Printf("c0 at 0.25 s: %.1f\n", feats[25])
	fmt.Printf("c0 at 0.90 s: %.1f\n", feats[90])
	// Output:
	// 40 x 101 features
	// c0 at 0.25 s: -64.1
	// c0 at 0.90 s: -87.4
}
