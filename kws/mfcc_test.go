package kws

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fsddDir returns the Free Spoken Digit Dataset folder (the one holding
// recordings/): $NASCENT_FSDD if set, else ../shared/data/fsdd relative to
// the repository root. When it is missing the test is skipped, unless
// $CI is set, where missing data is a failure.
func fsddDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("NASCENT_FSDD")
	if dir == "" {
		root, err := repoRoot()
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(root, "..", "shared", "data", "fsdd")
	}
	if _, err := os.Stat(filepath.Join(dir, "recordings")); err != nil {
		msg := fmt.Sprintf("FSDD not found (%v); put the recordings/ folder of "+
			"https://github.com/Jakobovski/free-spoken-digit-dataset in %s "+
			"or set NASCENT_FSDD", err, dir)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dir
}

// repoRoot walks up from the working directory to the folder with go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// golden is one clip's reference MFCCs from kws/testdata/mfcc_golden.py.
type golden struct {
	clip  string // relative to the FSDD folder or to testdata
	rate  int
	feats []float64 // NumCoeffs x NumFrames, coefficient-major
}

func readGolden(t *testing.T, path string) golden {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var g golden
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		if line == 1 {
			_, err := fmt.Sscanf(sc.Text(), "# clip %s rate %d", &g.clip, &g.rate)
			if err != nil {
				t.Fatalf("%s:1: header: %v", path, err)
			}
			continue
		}
		fields := strings.Fields(sc.Text())
		if len(fields) != NumFrames {
			t.Fatalf("%s:%d: %d values, want %d", path, line, len(fields), NumFrames)
		}
		for _, s := range fields {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s:%d: %v", path, line, err)
			}
			g.feats = append(g.feats, v)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(g.feats) != NumCoeffs*NumFrames {
		t.Fatalf("%s: %d values, want %d", path, len(g.feats), NumCoeffs*NumFrames)
	}
	return g
}

// TestMFCCGolden compares MFCC with torchaudio's on real FSDD clips and
// on synthetic clips at 16 and 22.05 kHz. The golden values are printed
// with 3 decimals; the bound is 1e-3 of each clip's feature range. There
// is no -update flag: the golden files come from torchaudio, not from
// this code, and are remade only by running testdata/mfcc_golden.py.
func TestMFCCGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "mfcc", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files in testdata/mfcc (%v)", err)
	}
	for _, file := range files {
		g := readGolden(t, file)
		t.Run(g.clip, func(t *testing.T) {
			path := filepath.Join("testdata", g.clip)
			if strings.HasPrefix(g.clip, "recordings/") {
				path = filepath.Join(fsddDir(t), g.clip)
			}
			clip, err := ReadWAV(path)
			if err != nil {
				t.Fatal(err)
			}
			if clip.Rate != g.rate {
				t.Fatalf("ReadWAV(%s).Rate = %d, want %d", path, clip.Rate, g.rate)
			}
			m, err := NewMFCC(clip.Rate)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]float32, NumCoeffs*NumFrames)
			m.Compute(got, FitSamples(clip.Samples, clip.Rate))

			lo, hi := math.Inf(1), math.Inf(-1)
			for _, v := range g.feats {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
			worst, at := 0.0, 0
			for i, want := range g.feats {
				if d := math.Abs(float64(got[i]) - want); d > worst {
					worst, at = d, i
				}
			}
			t.Logf("max abs error %.2g over range %.1f (relative %.2g)",
				worst, hi-lo, worst/(hi-lo))
			if worst > 1e-3*(hi-lo) {
				c, f := at/NumFrames, at%NumFrames
				t.Errorf("MFCC coefficient %d frame %d = %.4f, want %.4f "+
					"(error %.3g > 1e-3 of range %.1f)",
					c, f, got[at], g.feats[at], worst, hi-lo)
			}
		})
	}
}

func TestNewMFCCRejectsRates(t *testing.T) {
	for _, rate := range []int{0, -8000, MinSampleRate - 1, MaxSampleRate + 1} {
		if _, err := NewMFCC(rate); err == nil {
			t.Errorf("NewMFCC(%d) = nil error, want an error", rate)
		}
	}
}

// TestMFCCSilence checks the closed form for digital silence: every mel
// energy is 0, so the log is ln(1e-6) in every band, and the orthonormal
// DCT puts all of it into coefficient 0 as sqrt(40) ln(1e-6).
func TestMFCCSilence(t *testing.T) {
	m, err := NewMFCC(8000)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]float32, NumCoeffs*NumFrames)
	m.Compute(got, make([]float32, 8000))
	want0 := math.Sqrt(NumCoeffs) * math.Log(logOffset)
	for i, v := range got {
		want := 0.0
		if i < NumFrames {
			want = want0
		}
		if math.Abs(float64(v)-want) > 1e-4 {
			t.Fatalf("MFCC(silence)[c=%d, t=%d] = %g, want %g",
				i/NumFrames, i%NumFrames, v, want)
		}
	}
}

// BenchmarkMFCC measures one 1 s clip at 8 kHz (FSDD) and 16 kHz
// (Speech Commands); clips/s is the figure to report.
func BenchmarkMFCC(b *testing.B) {
	for _, rate := range []int{8000, 16000} {
		b.Run(strconv.Itoa(rate), func(b *testing.B) {
			m, err := NewMFCC(rate)
			if err != nil {
				b.Fatal(err)
			}
			x := make([]float32, rate)
			for i := range x {
				x[i] = float32(math.Sin(float64(i) * 0.37))
			}
			dst := make([]float32, NumCoeffs*NumFrames)
			b.ResetTimer()
			for b.Loop() {
				m.Compute(dst, x)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "clips/s")
		})
	}
}
