package kws

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nascent-nas/nascent"
)

// TestLoadFSDD loads the real FSDD twice, computing then from the cache,
// and checks the split sizes, labels and that both loads agree.
func TestLoadFSDD(t *testing.T) {
	dir := fsddDir(t)
	opt := LoadOptions{CacheDir: t.TempDir(), Raw: true}
	start := time.Now()
	first, err := LoadFSDD(context.Background(), dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	computed := time.Since(start)
	start = time.Now()
	second, err := LoadFSDD(context.Background(), dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	cached := time.Since(start)
	t.Logf("FSDD load: computed %v, cached %v", computed, cached)

	// 6 speakers x 10 digits x 50 takes: takes 0-4 test, 5-9 validation.
	for _, c := range []struct {
		name string
		s    Split
		want int
	}{
		{"train", first.Train, 2400},
		{"val", first.Val, 300},
		{"test", first.Test, 300},
	} {
		if c.s.Len() != c.want || len(c.s.X) != c.want*NumCoeffs*NumFrames {
			t.Errorf("%s: %d examples, %d features; want %d examples",
				c.name, c.s.Len(), len(c.s.X), c.want)
		}
	}
	if len(first.Classes) != 10 || first.Classes[0] != "0" || first.Classes[9] != "9" {
		t.Errorf("Classes = %q, want \"0\"..\"9\"", first.Classes)
	}
	perClass := make([]int, 10)
	for _, y := range first.Test.Y {
		perClass[y]++
	}
	for d, n := range perClass {
		if n != 30 {
			t.Errorf("test examples of digit %d = %d, want 30", d, n)
		}
	}
	if !sameDataset(first, second) {
		t.Errorf("cached load differs from computed load")
	}
}

func sameDataset(a, b *Dataset) bool {
	if len(a.Classes) != len(b.Classes) {
		return false
	}
	pairs := [][2]Split{{a.Train, b.Train}, {a.Val, b.Val}, {a.Test, b.Test}}
	for _, p := range pairs {
		if len(p[0].X) != len(p[1].X) || len(p[0].Y) != len(p[1].Y) {
			return false
		}
		for i := range p[0].X {
			if p[0].X[i] != p[1].X[i] {
				return false
			}
		}
		for i := range p[0].Y {
			if p[0].Y[i] != p[1].Y[i] {
				return false
			}
		}
	}
	return true
}

// writeFile writes data to dir/rel, creating folders.
func writeFile(t *testing.T, dir, rel string, data []byte) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// tone returns n samples of a sine of freq hertz at rate, plus seeded
// noise, as 16-bit PCM bytes.
func tone(rate, n int, freq, noise float64, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	s := make([]int16, n)
	for i := range s {
		v := 0.3*math.Sin(2*math.Pi*freq*float64(i)/float64(rate)) + noise*r.NormFloat64()
		s[i] = int16(math.Max(-1, math.Min(1, v)) * 32767)
	}
	return pcm16(s...)
}

// fakeSpeechCommands writes a tiny Speech Commands tree of real WAV
// files: the ten keywords and two other words, ten takes each (take 8
// in validation_list.txt, take 9 in testing_list.txt), and two 12 s
// background noise recordings.
func fakeSpeechCommands(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	words := append(append([]string{}, SpeechCommandsKeywords...), "bed", "cat")
	var val, test strings.Builder
	for w, word := range words {
		for take := range 10 {
			rel := fmt.Sprintf("%s/spk%d_nohash_0.wav", word, take)
			pcm := tone(8000, 3000+200*take, 200+100*float64(w), 0.01, uint64(w*10+take))
			writeFile(t, dir, rel, makeWAV(wavSpec{data: pcm}))
			switch take {
			case 8:
				fmt.Fprintln(&val, rel)
			case 9:
				fmt.Fprintln(&test, rel)
			}
		}
	}
	writeFile(t, dir, "validation_list.txt", []byte(val.String()))
	writeFile(t, dir, "testing_list.txt", []byte(test.String()))
	for i, name := range []string{"white_noise.wav", "pink_noise.wav"} {
		pcm := tone(16000, 12*16000, 50, 0.2, uint64(100+i))
		writeFile(t, dir, speechNoiseDir+"/"+name, makeWAV(wavSpec{rate: 16000, data: pcm}))
	}
	writeFile(t, dir, speechNoiseDir+"/README.md", []byte("not audio"))
	return dir
}

func TestLoadSpeechCommands(t *testing.T) {
	dir := fakeSpeechCommands(t)
	opt := LoadOptions{CacheDir: t.TempDir(), Raw: true}
	ds, err := Load(context.Background(), dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	wantClasses := append([]string{"silence", "unknown"}, SpeechCommandsKeywords...)
	if strings.Join(ds.Classes, ",") != strings.Join(wantClasses, ",") {
		t.Errorf("Classes = %q, want %q", ds.Classes, wantClasses)
	}

	// Per split: keywords from the lists, then 10% (rounded up) of the
	// keyword count each as unknown and as silence.
	for _, c := range []struct {
		name                       string
		s                          Split
		keyword, unknown, silences int
	}{
		{"train", ds.Train, 8, 8, 8},
		{"val", ds.Val, 1, 1, 1},
		{"test", ds.Test, 1, 1, 1},
	} {
		counts := make([]int, len(ds.Classes))
		for _, y := range c.s.Y {
			counts[y]++
		}
		want := []int{c.silences, c.unknown}
		for range SpeechCommandsKeywords {
			want = append(want, c.keyword)
		}
		if fmt.Sprint(counts) != fmt.Sprint(want) {
			t.Errorf("%s examples per class = %v, want %v", c.name, counts, want)
		}
		for i, v := range c.s.X {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("%s feature %d = %v, want finite", c.name, i, v)
			}
		}
	}

	// Silence examples are different cuts at different gains.
	const size = NumCoeffs * NumFrames
	var silences [][]float32
	for i, y := range ds.Train.Y {
		if y == 0 {
			silences = append(silences, ds.Train.X[i*size:(i+1)*size])
		}
	}
	if len(silences) < 2 || silences[0][0] == silences[1][0] {
		t.Errorf("silence examples not distinct: %d examples", len(silences))
	}

	// The choice of unknown and silence examples is the same every time.
	again, err := Load(context.Background(), dir, LoadOptions{NoCache: true, Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	if !sameDataset(ds, again) {
		t.Errorf("a second uncached load differs from the first")
	}
}

func TestLoadErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nowhere")
	badName := t.TempDir()
	writeFile(t, badName, "recordings/0_george_0.wav", makeWAV(wavSpec{data: pcm16(1, 2)}))
	writeFile(t, badName, "recordings/zero_george.wav", makeWAV(wavSpec{data: pcm16(1, 2)}))
	stereo := t.TempDir()
	writeFile(t, stereo, "recordings/1_theo_20.wav", makeWAV(wavSpec{channels: 2, data: pcm16(1, 2)}))
	noLists := fakeSpeechCommands(t)
	os.Remove(filepath.Join(noLists, "testing_list.txt"))
	noNoise := fakeSpeechCommands(t)
	os.RemoveAll(filepath.Join(noNoise, speechNoiseDir))
	badList := fakeSpeechCommands(t)
	writeFile(t, badList, "validation_list.txt", []byte("yes/a.wav\n/etc/passwd\n"))

	for _, c := range []struct {
		name   string
		dir    string
		layout Layout
		kind   error
		want   []string
	}{
		{"missing folder", missing, LayoutAuto, nascent.ErrNotFound, []string{missing, FSDDURL}},
		{"empty folder", t.TempDir(), LayoutAuto, nascent.ErrNotFound, []string{"recordings/", FSDDURL}},
		{"no recordings", t.TempDir(), LayoutFSDD, nascent.ErrNotFound, []string{"recordings", FSDDURL}},
		{"bad fsdd name", badName, LayoutFSDD, nascent.ErrInvalid, []string{"zero_george.wav"}},
		{"stereo", stereo, LayoutFSDD, nascent.ErrInvalid, []string{"1_theo_20.wav", "2 channels"}},
		{"no testing list", noLists, LayoutSpeechCommands, nascent.ErrNotFound, []string{"testing_list.txt"}},
		{"no noise", noNoise, LayoutSpeechCommands, nascent.ErrNotFound, []string{speechNoiseDir}},
		{"bad list line", badList, LayoutSpeechCommands, nascent.ErrInvalid, []string{"validation_list.txt:2"}},
		{"unknown layout", badName, Layout("timit"), nascent.ErrInvalid, []string{"timit"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(context.Background(), c.dir, LoadOptions{Layout: c.layout, NoCache: true})
			if err == nil {
				t.Fatalf("Load(%s) = nil error, want one", c.name)
			}
			if !errors.Is(err, c.kind) {
				t.Errorf("Load(%s) = %v, want an error wrapping %v", c.name, err, c.kind)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Load(%s) = %v, want it to mention %q", c.name, err, w)
				}
			}
		})
	}
}

// TestCacheSharedAndDamaged runs two loads at once into one cache folder,
// then damages the cache file: loads must succeed every time, leave no
// temporary files, and recompute from a damaged cache.
func TestCacheSharedAndDamaged(t *testing.T) {
	dir := t.TempDir()
	for i := range 30 {
		rel := fmt.Sprintf("recordings/%d_spk_%d.wav", i%10, i/10*5)
		writeFile(t, dir, rel, makeWAV(wavSpec{data: tone(8000, 4000, 300+50*float64(i), 0.05, uint64(i))}))
	}
	cache := t.TempDir()
	opt := LoadOptions{CacheDir: cache, Raw: true, Threads: 2}
	var wg sync.WaitGroup
	results := make([]*Dataset, 2)
	errs := make([]error, 2)
	for i := range results {
		wg.Go(func() { results[i], errs[i] = Load(context.Background(), dir, opt) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if !sameDataset(results[0], results[1]) {
		t.Fatal("parallel loads differ")
	}
	files, _ := filepath.Glob(filepath.Join(cache, "*"))
	if len(files) != 1 || !strings.HasSuffix(files[0], ".feat") {
		t.Fatalf("cache folder holds %q, want one .feat file", files)
	}

	// Damage every part of the file in turn.
	orig, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []int{0, 20, len(orig) / 2, len(orig) - 1} {
		bad := append([]byte{}, orig...)
		bad[at] ^= 0xff
		if err := os.WriteFile(files[0], bad, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := readCache(files[0]); err == nil {
			t.Errorf("readCache with byte %d flipped = nil error, want one", at)
		}
		ds, err := Load(context.Background(), dir, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !sameDataset(ds, results[0]) {
			t.Errorf("load after damaging byte %d differs", at)
		}
	}
	if err := os.WriteFile(files[0], orig[:len(orig)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readCache(files[0]); err == nil {
		t.Errorf("readCache of a truncated file = nil error, want one")
	}
}

func TestStandardize(t *testing.T) {
	ds := &Dataset{
		Train: Split{X: []float32{1, 2, 3, 4}},
		Val:   Split{X: []float32{2.5}},
	}
	ds.Standardize()
	// Mean 2.5, unbiased standard deviation sqrt(5/3).
	sd := math.Sqrt(5.0 / 3)
	want := []float32{float32(-1.5 / sd), float32(-0.5 / sd), float32(0.5 / sd), float32(1.5 / sd)}
	for i, v := range ds.Train.X {
		if math.Abs(float64(v-want[i])) > 1e-6 {
			t.Errorf("Train.X[%d] = %v, want %v", i, v, want[i])
		}
	}
	if ds.Val.X[0] != 0 {
		t.Errorf("Val.X[0] = %v, want 0", ds.Val.X[0])
	}
}

// FuzzParseFSDDName checks that any file name either parses to a digit
// in 0-9 and a take >= 0, or gives an error; never a panic.
func FuzzParseFSDDName(f *testing.F) {
	for _, s := range []string{"0_george_0.wav", "9_theo_49.wav", "x_y_z.wav", "1__2.wav", "1_a_-3.wav"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		d, take, err := parseFSDDName(name)
		if err == nil && (d < 0 || d > 9 || take < 0) {
			t.Fatalf("parseFSDDName(%q) = %d, %d, want digit 0-9 and take >= 0", name, d, take)
		}
	})
}

// FuzzReadList feeds arbitrary text as a Speech Commands split list.
func FuzzReadList(f *testing.F) {
	f.Add("yes/0a_nohash_0.wav\nno/1b_nohash_2.wav\n")
	f.Add("\n\n  \nbad\n")
	f.Add("a/b/c\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		path := filepath.Join(dir, "list.txt")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		set, err := readList(path)
		if err != nil {
			if !errors.Is(err, nascent.ErrInvalid) && !strings.Contains(err.Error(), path) {
				t.Fatalf("readList error %v neither ErrInvalid nor naming the file", err)
			}
			return
		}
		for s := range set {
			if strings.Count(s, "/") != 1 {
				t.Fatalf("readList accepted %q", s)
			}
		}
	})
}

// BenchmarkLoadFSDD measures loading the real FSDD (3,000 clips) with
// features computed on every core and without the cache, then from the
// cache; report both as seconds per load.
func BenchmarkLoadFSDD(b *testing.B) {
	dir := fsddDir(b)
	cache := b.TempDir()
	b.Run("computed", func(b *testing.B) {
		for b.Loop() {
			if _, err := LoadFSDD(context.Background(), dir, LoadOptions{NoCache: true}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(3000*float64(b.N)/b.Elapsed().Seconds(), "clips/s")
	})
	if _, err := LoadFSDD(context.Background(), dir, LoadOptions{CacheDir: cache}); err != nil {
		b.Fatal(err)
	}
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			if _, err := LoadFSDD(context.Background(), dir, LoadOptions{CacheDir: cache}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestLoadCancelled(t *testing.T) {
	dir := t.TempDir()
	for i := range 20 {
		rel := fmt.Sprintf("recordings/%d_spk_%d.wav", i%10, i)
		writeFile(t, dir, rel, makeWAV(wavSpec{data: tone(8000, 800, 440, 0, uint64(i))}))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Load(ctx, dir, LoadOptions{NoCache: true})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Load with a cancelled context = %v, want context.Canceled", err)
	}
}
