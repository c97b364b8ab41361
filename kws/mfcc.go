package kws

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/dsp/fourier"

	"github.com/nascent-nas/nascent"
)

// Sample rates that MFCC accepts. Below 1 kHz the 10 ms hop would be
// under ten samples; above 384 kHz no speech recording lives.
const (
	MinSampleRate = 1000
	MaxSampleRate = 384000
)

// logOffset is added to mel energies before the logarithm, as torchaudio's
// MFCC does with log_mels=True, so that silence stays finite.
const logOffset = 1e-6

// MFCC turns 1 s of audio into NumCoeffs x NumFrames mel-frequency
// cepstral coefficients, matching
//
//	torchaudio.transforms.MFCC(sample_rate=r, n_mfcc=40, log_mels=True,
//	    melkwargs=dict(n_fft=w, win_length=w, hop_length=h, n_mels=40))
//
// with w = 3r/100 and h = r/100 (integer division, so 30 ms and 10 ms):
// frames are centred (reflect padding of w/2 on each side), windowed by a
// periodic Hann window, turned into a power spectrum |X|², summed by 40
// triangular HTK-scale mel filters between 0 Hz and r/2 (integer
// division, as torchaudio's default f_max) without area
// normalisation, compressed as ln(e + 1e-6) and decorrelated by an
// orthonormal DCT-II:
//
//	c[k] = sqrt(2/M) s(k) Σ_m ln(e[m] + 1e-6) cos(π k (m + 1/2) / M),
//	s(0) = 1/sqrt(2), s(k>0) = 1, M = 40.
//
// Frame t starts at t*h in the padded signal, for t = 0..100: 101 frames
// per second at any rate. (Where r is a multiple of 100 and w is odd,
// torchaudio would stop at 100 frames; the last frame then reads one more
// reflected sample.)
//
// An MFCC holds scratch buffers: it is not safe for concurrent use. Make
// one per goroutine; NewMFCC is cheap.
type MFCC struct {
	rate   int
	nfft   int // window and FFT length
	hop    int
	window []float64 // periodic Hann, length nfft
	fft    *fourier.FFT
	mel    []melFilter // NumCoeffs triangular filters over power bins
	dct    []float64   // NumCoeffs x numMels, row-major

	// Scratch, reused by every frame.
	frame []float64
	spec  []complex128
	power []float64
	logs  []float64
}

// numMels is the number of mel bands, equal to the number of coefficients.
const numMels = NumCoeffs

// melFilter is one triangular filter, stored sparsely: weights for the
// power bins from first on.
type melFilter struct {
	first   int
	weights []float64
}

// NewMFCC returns an MFCC for audio sampled at rate hertz. It fails with
// an ErrInvalid error when rate is outside [MinSampleRate, MaxSampleRate].
func NewMFCC(rate int) (*MFCC, error) {
	if rate < MinSampleRate || rate > MaxSampleRate {
		return nil, fmt.Errorf("%w mfcc: sample rate %d Hz, want %d to %d",
			nascent.ErrInvalid, rate, MinSampleRate, MaxSampleRate)
	}
	nfft := 3 * rate / 100
	m := &MFCC{
		rate:   rate,
		nfft:   nfft,
		hop:    rate / 100,
		window: hannPeriodic(nfft),
		fft:    fourier.NewFFT(nfft),
		mel:    melFilters(rate, nfft, numMels),
		dct:    dctOrtho(NumCoeffs, numMels),
		frame:  make([]float64, nfft),
		spec:   make([]complex128, nfft/2+1),
		power:  make([]float64, nfft/2+1),
		logs:   make([]float64, numMels),
	}
	return m, nil
}

// Rate returns the sample rate m was made for, in hertz.
func (m *MFCC) Rate() int { return m.rate }

// Compute writes the features of samples into dst, coefficient-major:
// dst[c*NumFrames+t] is coefficient c of frame t. samples must hold
// exactly Rate() values (use FitSamples) and dst NumCoeffs*NumFrames;
// other lengths are a programming error and panic.
func (m *MFCC) Compute(dst, samples []float32) {
	if len(samples) != m.rate || len(dst) != NumCoeffs*NumFrames {
		panic(fmt.Sprintf("kws: MFCC.Compute with %d samples and %d outputs, want %d and %d",
			len(samples), len(dst), m.rate, NumCoeffs*NumFrames))
	}
	pad := m.nfft / 2
	for t := range NumFrames {
		// Window the frame, reading the signal as if reflect-padded.
		start := t*m.hop - pad
		if start >= 0 && start+m.nfft <= len(samples) {
			for i, x := range samples[start : start+m.nfft] {
				m.frame[i] = m.window[i] * float64(x)
			}
		} else {
			for i, w := range m.window {
				m.frame[i] = w * float64(samples[reflectIndex(start+i, len(samples))])
			}
		}

		// Power spectrum, then mel energies and their logarithms.
		m.fft.Coefficients(m.spec, m.frame)
		for i, c := range m.spec {
			m.power[i] = real(c)*real(c) + imag(c)*imag(c)
		}
		for j, f := range m.mel {
			e := 0.0
			for i, w := range f.weights {
				e += w * m.power[f.first+i]
			}
			m.logs[j] = math.Log(e + logOffset)
		}

		// Orthonormal DCT-II across the mel bands.
		for k := range NumCoeffs {
			row := m.dct[k*numMels : (k+1)*numMels]
			s := 0.0
			for j, v := range m.logs {
				s += row[j] * v
			}
			dst[k*NumFrames+t] = float32(s)
		}
	}
}

// reflectIndex maps an index of the reflect-padded signal (numpy's "reflect":
// the edge sample is not repeated) back into [0, n). It handles indices
// up to one signal length outside either end, far more than the half
// window padding needs.
func reflectIndex(i, n int) int {
	if i < 0 {
		i = -i
	}
	if i >= n {
		i = 2*(n-1) - i
	}
	return i
}

// hannPeriodic returns the periodic Hann window of length n,
// w[i] = 0.5 - 0.5 cos(2πi/n), torch.hann_window's default.
func hannPeriodic(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
	}
	return w
}

// hzToMel and melToHz are the HTK mel scale, mel = 2595 log10(1 + f/700).
func hzToMel(f float64) float64 { return 2595 * math.Log10(1+f/700) }
func melToHz(m float64) float64 { return 700 * (math.Pow(10, m/2595) - 1) }

// melFilters builds n triangular filters over the nfft/2+1 power bins
// the way torchaudio.functional.melscale_fbanks does (htk scale, no
// normalisation, 0 Hz to rate/2): bin frequencies are spaced evenly from
// 0 to rate/2 (integer division, as torchaudio does), filter edges evenly
// in mel, and a bin's weight is the lower of the rising and falling
// slopes, clipped at zero.
func melFilters(rate, nfft, n int) []melFilter {
	bins := nfft/2 + 1
	freqs := make([]float64, bins)
	for i := range freqs {
		freqs[i] = float64(rate/2) * float64(i) / float64(bins-1)
	}
	lo, hi := hzToMel(0), hzToMel(float64(rate/2))
	edges := make([]float64, n+2)
	for i := range edges {
		edges[i] = melToHz(lo + (hi-lo)*float64(i)/float64(n+1))
	}

	filters := make([]melFilter, n)
	for j := range filters {
		left, centre, right := edges[j], edges[j+1], edges[j+2]
		f := &filters[j]
		for i, fr := range freqs {
			up := (fr - left) / (centre - left)
			down := (right - fr) / (right - centre)
			w := math.Max(0, math.Min(up, down))
			if w == 0 {
				if f.weights != nil {
					break // past the triangle
				}
				continue
			}
			if f.weights == nil {
				f.first = i
			}
			f.weights = append(f.weights, w)
		}
	}
	return filters
}

// dctOrtho returns the orthonormal DCT-II as a k x n row-major matrix:
// row k, column m holds sqrt(2/n) s(k) cos(π k (m + 1/2) / n).
func dctOrtho(k, n int) []float64 {
	d := make([]float64, k*n)
	for r := range k {
		scale := math.Sqrt(2 / float64(n))
		if r == 0 {
			scale /= math.Sqrt2
		}
		for c := range n {
			d[r*n+c] = scale * math.Cos(math.Pi*float64(r)*(float64(c)+0.5)/float64(n))
		}
	}
	return d
}
