package kws

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nascent-nas/nascent"
)

// SpeechCommandsKeywords are the ten keywords of hannah's (and the
// original TensorFlow recipe's) 12-class Speech Commands task. The
// classes are "silence", "unknown", then these, in this order.
var SpeechCommandsKeywords = []string{
	"yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go",
}

// Speech Commands choices, following TensorFlow's speech_commands recipe
// that hannah inherits: in each split, silence and unknown examples each
// number 10% of that split's keyword examples (rounded up).
const (
	speechSilencePercent = 10
	speechUnknownPercent = 10
	speechNoiseDir       = "_background_noise_"
)

// speechNoiseRegions splits every background noise recording in time:
// silence for training is cut from its first 80%, for validation from the
// next 10%, for testing from the last 10%, so no noise is shared between
// splits.
var speechNoiseRegions = [3][2]float64{
	splitTrain: {0, 0.8},
	splitVal:   {0.8, 0.9},
	splitTest:  {0.9, 1},
}

// listSpeechCommands lists a Google Speech Commands folder (v0.01 or
// v0.02): a folder per word, validation_list.txt and testing_list.txt
// naming the held-out files as word/file.wav, and _background_noise_/.
// Files in neither list are training data. Words other than the ten
// keywords are "unknown"; a seeded random choice (the same on every run)
// keeps 10% as many unknown examples as keywords in each split. Silence
// examples are 1 s cuts of the background noise at seeded random offsets
// and gains in [0, 1), from a region of each recording kept for that
// split (see speechNoiseRegions).
func listSpeechCommands(dir string) (listing, error) {
	// The held-out lists.
	val, err := readList(filepath.Join(dir, "validation_list.txt"))
	if err != nil {
		return listing{}, err
	}
	test, err := readList(filepath.Join(dir, "testing_list.txt"))
	if err != nil {
		return listing{}, err
	}

	// Every word folder's clips, split by the lists.
	l := listing{layout: LayoutSpeechCommands}
	l.classes = append([]string{"silence", "unknown"}, SpeechCommandsKeywords...)
	var unknown [3][]example
	var keywords [3]int
	entries, err := os.ReadDir(dir)
	if err != nil {
		return listing{}, err
	}
	for _, e := range entries {
		word := e.Name()
		if !e.IsDir() || strings.HasPrefix(word, "_") || strings.HasPrefix(word, ".") {
			continue
		}
		label := slices.Index(SpeechCommandsKeywords, word) + 2 // 1 = unknown
		clips, err := listWords(dir, word, label, val, test)
		if err != nil {
			return listing{}, err
		}
		for _, c := range clips {
			if label == 1 {
				unknown[c.split] = append(unknown[c.split], c)
				continue
			}
			keywords[c.split]++
			l.examples = append(l.examples, c)
		}
	}
	for _, w := range SpeechCommandsKeywords {
		if _, err := os.Stat(filepath.Join(dir, w)); err != nil {
			return listing{}, fmt.Errorf("%w: Speech Commands keyword folder %s missing",
				nascent.ErrNotFound, filepath.Join(dir, w))
		}
	}

	// Unknown and silence examples, 10% of the keywords each per split.
	for s := range unknown {
		rng := rand.New(rand.NewPCG(0x6b7773, uint64(s))) // "kws"
		n := percentCeil(keywords[s], speechUnknownPercent)
		rng.Shuffle(len(unknown[s]), func(i, j int) {
			unknown[s][i], unknown[s][j] = unknown[s][j], unknown[s][i]
		})
		l.examples = append(l.examples, unknown[s][:min(n, len(unknown[s]))]...)
	}
	silence, err := silenceCuts(dir, keywords)
	if err != nil {
		return listing{}, err
	}
	l.examples = append(l.examples, silence...)
	return l, nil
}

// percentCeil returns ceil(n * p / 100).
func percentCeil(n, p int) int { return (n*p + 99) / 100 }

// listWords returns the clips of one word folder with their splits.
func listWords(dir, word string, label int, val, test map[string]bool) ([]example, error) {
	entries, err := os.ReadDir(filepath.Join(dir, word))
	if err != nil {
		return nil, err
	}
	var r []example
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".wav") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, err
		}
		ex := example{
			rel:   word + "/" + e.Name(),
			label: label,
			size:  info.Size(),
			mtime: info.ModTime().UnixNano(),
		}
		switch {
		case test[ex.rel]:
			ex.split = splitTest
		case val[ex.rel]:
			ex.split = splitVal
		}
		r = append(r, ex)
	}
	return r, nil
}

// readList reads a Speech Commands split list: one word/file.wav per
// line, blank lines ignored.
func readList(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: Speech Commands list %s missing",
			nascent.ErrNotFound, path)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	set := map[string]bool{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			continue
		}
		if strings.Count(s, "/") != 1 || strings.HasPrefix(s, "/") || strings.HasSuffix(s, "/") {
			return nil, fmt.Errorf("%w: %s:%d: %q is not word/file.wav",
				nascent.ErrInvalid, path, line, s)
		}
		set[s] = true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return set, nil
}

// silenceCuts picks the silence examples of every split from the
// background noise recordings (see listSpeechCommands).
func silenceCuts(dir string, keywords [3]int) ([]example, error) {
	noiseDir := filepath.Join(dir, speechNoiseDir)
	paths, err := filepath.Glob(filepath.Join(noiseDir, "*.wav"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%w: no .wav files in %s, which silence examples "+
			"are cut from", nascent.ErrNotFound, noiseDir)
	}
	slices.Sort(paths)

	// Read each recording once to know its length.
	type noise struct {
		ex   example
		n    int // samples
		rate int
	}
	var noises []noise
	for _, p := range paths {
		clip, err := ReadWAV(p)
		if err != nil {
			return nil, err
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		ex := example{rel: speechNoiseDir + "/" + filepath.Base(p),
			size: info.Size(), mtime: info.ModTime().UnixNano(), cut: true}
		noises = append(noises, noise{ex, len(clip.Samples), clip.Rate})
	}

	var r []example
	for s, region := range speechNoiseRegions {
		n := percentCeil(keywords[s], speechSilencePercent)
		rng := rand.New(rand.NewPCG(0x736c6e63, uint64(s))) // "slnc"
		for range n {
			// A random recording, a random whole second of its region.
			nz := noises[rng.IntN(len(noises))]
			lo := int(math.Floor(region[0] * float64(nz.n)))
			hi := int(math.Floor(region[1]*float64(nz.n))) - nz.rate
			if hi < lo {
				return nil, fmt.Errorf("%w: %s: %d samples, too short to cut 1 s "+
					"of silence from each split's share", nascent.ErrInvalid,
					filepath.Join(dir, filepath.FromSlash(nz.ex.rel)), nz.n)
			}
			ex := nz.ex
			ex.split = splitID(s)
			ex.offset = lo + rng.IntN(hi-lo+1)
			ex.gain = rng.Float32()
			r = append(r, ex)
		}
	}
	return r, nil
}
