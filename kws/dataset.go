package kws

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/nascent-nas/nascent"
)

// Layout names how a dataset folder is organised.
type Layout string

// Dataset layouts that Load reads.
const (
	// LayoutAuto detects the layout: FSDD when the folder has a
	// recordings/ subfolder, Speech Commands when it has
	// validation_list.txt, else FSDD when it holds .wav files itself.
	LayoutAuto Layout = ""
	// LayoutFSDD is the Free Spoken Digit Dataset:
	// recordings/{digit}_{speaker}_{index}.wav.
	LayoutFSDD Layout = "fsdd"
	// LayoutSpeechCommands is Google Speech Commands: a folder per word,
	// validation_list.txt, testing_list.txt and _background_noise_/.
	LayoutSpeechCommands Layout = "speech_commands"
)

// FSDDURL is where to get the Free Spoken Digit Dataset.
const FSDDURL = "https://github.com/Jakobovski/free-spoken-digit-dataset"

// LoadOptions configures Load. The zero value detects the layout, caches
// features under DefaultCacheDir, standardises them and uses every core.
type LoadOptions struct {
	// Layout is the folder layout; LayoutAuto (zero) detects it.
	Layout Layout
	// CacheDir holds feature caches; "" means DefaultCacheDir().
	CacheDir string
	// NoCache computes features without reading or writing a cache.
	NoCache bool
	// Raw keeps the MFCCs as computed. By default every split is
	// standardised with the mean and standard deviation of all training
	// features (one scalar each, as the PyTorch reference does).
	Raw bool
	// Threads is the number of feature extraction workers; 0 means
	// runtime.GOMAXPROCS(0).
	Threads int
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
}

// splitID says which part of a dataset an example belongs to.
type splitID uint8

const (
	splitTrain splitID = iota
	splitVal
	splitTest
)

// example is one clip to turn into features.
type example struct {
	rel   string // file path relative to the dataset folder, with '/'
	label int
	split splitID
	size  int64 // file size and modification time, for the cache key
	mtime int64 // nanoseconds since the epoch

	// Silence examples are cut from a longer clip: 1 s from sample
	// offset on, scaled by gain. Ordinary examples have cut false.
	cut    bool
	offset int
	gain   float32
}

// listing is a dataset folder's classes and examples, before features.
type listing struct {
	layout   Layout
	classes  []string
	examples []example
}

// Load reads the dataset in dir and returns its features, split into
// training, validation and test. Features come from the cache when one
// matches the folder's file list, sizes and modification times and the
// feature settings; otherwise they are computed on opt.Threads cores and
// cached. A missing folder or file is an ErrNotFound error, a malformed
// one an ErrInvalid error; both name the path.
func Load(ctx context.Context, dir string, opt LoadOptions) (*Dataset, error) {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}

	// List the examples, then fetch or compute their features.
	l, err := list(abs, opt.Layout)
	if err != nil {
		return nil, err
	}
	var ds *Dataset
	var path string
	if !opt.NoCache {
		cacheDir := opt.CacheDir
		if cacheDir == "" {
			if cacheDir, err = DefaultCacheDir(); err != nil {
				return nil, err
			}
		}
		path = filepath.Join(cacheDir, cacheKey(abs, l)+".feat")
		ds, err = readCache(path)
		switch {
		case err == nil:
			log.Info("kws features from cache", "data", abs, "cache", path)
		case errors.Is(err, fs.ErrNotExist):
		default:
			log.Warn("kws feature cache unreadable, recomputing", "cache", path, "err", err)
		}
	}
	if ds == nil {
		start := time.Now()
		if ds, err = extract(ctx, abs, l, opt.Threads); err != nil {
			return nil, err
		}
		log.Info("kws features computed", "data", abs, "examples", len(l.examples),
			"seconds", time.Since(start).Seconds())
		if path != "" {
			if err := writeCache(path, ds); err != nil {
				log.Warn("kws feature cache not written", "cache", path, "err", err)
			}
		}
	}

	if !opt.Raw {
		ds.Standardize()
	}
	return ds, nil
}

// LoadFSDD is Load with the Free Spoken Digit Dataset layout.
func LoadFSDD(ctx context.Context, dir string, opt LoadOptions) (*Dataset, error) {
	opt.Layout = LayoutFSDD
	return Load(ctx, dir, opt)
}

// list reads the examples of dir in the given layout, detecting it when
// layout is LayoutAuto.
func list(dir string, layout Layout) (listing, error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return listing{}, fmt.Errorf("%w: dataset folder %s does not exist "+
			"(for FSDD, clone %s and pass the folder holding recordings/)",
			nascent.ErrNotFound, dir, FSDDURL)
	case err != nil:
		return listing{}, err
	case !st.IsDir():
		return listing{}, fmt.Errorf("%w: dataset path %s is not a folder",
			nascent.ErrInvalid, dir)
	}
	if layout == LayoutAuto {
		layout = detectLayout(dir)
	}
	switch layout {
	case LayoutFSDD:
		return listFSDD(dir)
	case LayoutSpeechCommands:
		return listSpeechCommands(dir)
	case LayoutAuto:
		return listing{}, fmt.Errorf("%w: %s has neither recordings/ (FSDD, "+
			"from %s) nor validation_list.txt (Speech Commands)",
			nascent.ErrNotFound, dir, FSDDURL)
	}
	return listing{}, fmt.Errorf("%w: unknown dataset layout %q, want %q or %q",
		nascent.ErrInvalid, layout, LayoutFSDD, LayoutSpeechCommands)
}

// detectLayout guesses the layout of dir from its marker files, or
// returns LayoutAuto when it finds none.
func detectLayout(dir string) Layout {
	switch {
	case isDir(filepath.Join(dir, "recordings")):
		return LayoutFSDD
	case fileExists(filepath.Join(dir, "validation_list.txt")):
		return LayoutSpeechCommands
	case hasWAV(dir):
		return LayoutFSDD // the recordings folder itself
	}
	return LayoutAuto
}

// extract computes the features of every example on threads workers
// (0 = GOMAXPROCS), each with its own MFCC per sample rate.
func extract(ctx context.Context, dir string, l listing, threads int) (*Dataset, error) {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	const size = NumCoeffs * NumFrames
	feats := make([]float32, len(l.examples)*size)
	long := newClipCache(dir) // the noise files that silence is cut from

	// Workers take example indices from a channel; the first error
	// stops the others.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range threads {
		wg.Go(func() {
			mfccs := map[int]*MFCC{}
			for i := range next {
				dst := feats[i*size : (i+1)*size]
				if err := featurize(dst, dir, l.examples[i], mfccs, long); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for i := range l.examples {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return split(l, feats), nil
}

// featurize reads one example's audio and writes its MFCCs into dst,
// reusing mfccs (one per sample rate, owned by the calling worker).
func featurize(dst []float32, dir string, e example, mfccs map[int]*MFCC, long *clipCache) error {
	var clip Clip
	var err error
	if e.cut {
		clip, err = long.get(e.rel)
	} else {
		clip, err = ReadWAV(filepath.Join(dir, filepath.FromSlash(e.rel)))
	}
	if err != nil {
		return err
	}
	m := mfccs[clip.Rate]
	if m == nil {
		if m, err = NewMFCC(clip.Rate); err != nil {
			return fmt.Errorf("%s: %w", e.rel, err)
		}
		mfccs[clip.Rate] = m
	}

	samples := clip.Samples
	if e.cut {
		samples = cutSilence(samples, e.offset, clip.Rate, e.gain)
	}
	m.Compute(dst, FitSamples(samples, clip.Rate))
	return nil
}

// cutSilence returns n samples of x from offset on, scaled by gain.
func cutSilence(x []float32, offset, n int, gain float32) []float32 {
	r := make([]float32, n)
	if offset < len(x) {
		copy(r, x[offset:])
	}
	for i := range r {
		r[i] *= gain
	}
	return r
}

// clipCache decodes each long clip once and shares it between workers.
type clipCache struct {
	dir   string
	mu    sync.Mutex
	clips map[string]*clipOnce
}

type clipOnce struct {
	once sync.Once
	clip Clip
	err  error
}

func newClipCache(dir string) *clipCache {
	return &clipCache{dir: dir, clips: map[string]*clipOnce{}}
}

// get returns the decoded clip at rel; it is safe for concurrent use.
func (c *clipCache) get(rel string) (Clip, error) {
	c.mu.Lock()
	o := c.clips[rel]
	if o == nil {
		o = &clipOnce{}
		c.clips[rel] = o
	}
	c.mu.Unlock()
	o.once.Do(func() {
		o.clip, o.err = ReadWAV(filepath.Join(c.dir, filepath.FromSlash(rel)))
	})
	return o.clip, o.err
}

// split gathers the features of l's examples into a Dataset.
func split(l listing, feats []float32) *Dataset {
	const size = NumCoeffs * NumFrames
	ds := &Dataset{Classes: l.classes}
	var counts [3]int
	for _, e := range l.examples {
		counts[e.split]++
	}
	for id, n := range counts {
		s := ds.part(splitID(id))
		s.X = make([]float32, 0, n*size)
		s.Y = make([]int, 0, n)
	}
	for i, e := range l.examples {
		s := ds.part(e.split)
		s.X = append(s.X, feats[i*size:(i+1)*size]...)
		s.Y = append(s.Y, e.label)
	}
	return ds
}

// part returns the split of ds that id names.
func (ds *Dataset) part(id splitID) *Split {
	switch id {
	case splitVal:
		return &ds.Val
	case splitTest:
		return &ds.Test
	}
	return &ds.Train
}

// Standardize shifts and scales every split by the mean and standard
// deviation of all training features (two scalars, as the PyTorch
// reference does), so that training features have mean 0 and standard
// deviation 1. Running it again changes nothing beyond rounding. A
// training split of fewer than two values, or a constant one, leaves the
// features unchanged.
func (ds *Dataset) Standardize() {
	var sum, sq float64
	for _, v := range ds.Train.X {
		sum += float64(v)
	}
	n := float64(len(ds.Train.X))
	mean := sum / n
	for _, v := range ds.Train.X {
		d := float64(v) - mean
		sq += d * d
	}
	sd := math.Sqrt(sq / (n - 1)) // unbiased, as torch.std
	if n < 2 || sd == 0 || math.IsNaN(sd) {
		return
	}
	for _, s := range []*Split{&ds.Train, &ds.Val, &ds.Test} {
		for i, v := range s.X {
			s.X[i] = float32((float64(v) - mean) / sd)
		}
	}
}

// fileExists reports whether path exists.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
