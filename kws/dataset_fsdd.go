package kws

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/nascent-nas/nascent"
)

// FSDD split by take index: takes 0-4 of every digit and speaker are the
// customary test set; nascent holds out 5-9 for validation and trains on
// the rest, so that the test set never chooses anything.
const (
	fsddTestTakes = 5
	fsddValTakes  = 10
)

// listFSDD lists dir/recordings/{digit}_{speaker}_{index}.wav, or
// dir/{digit}_{speaker}_{index}.wav when dir is the recordings folder
// itself. Classes are "0" to "9"; the split follows the take index (see
// fsddTestTakes). A .wav file whose name does not fit the pattern is an
// error naming it, rather than being skipped, so that a stray file cannot
// silently change the data.
func listFSDD(dir string) (listing, error) {
	rec, prefix := filepath.Join(dir, "recordings"), "recordings/"
	if !isDir(rec) && hasWAV(dir) {
		rec, prefix = dir, ""
	}
	entries, err := os.ReadDir(rec)
	if errors.Is(err, fs.ErrNotExist) {
		return listing{}, fmt.Errorf("%w: %s does not exist: want the recordings/ "+
			"folder of the Free Spoken Digit Dataset (%s) inside %s",
			nascent.ErrNotFound, rec, FSDDURL, dir)
	}
	if err != nil {
		return listing{}, err
	}

	l := listing{layout: LayoutFSDD}
	for d := range 10 {
		l.classes = append(l.classes, strconv.Itoa(d))
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.EqualFold(filepath.Ext(name), ".wav") {
			continue
		}
		digit, take, err := parseFSDDName(name)
		if err != nil {
			return listing{}, fmt.Errorf("%w: %s: %v", nascent.ErrInvalid,
				filepath.Join(rec, name), err)
		}
		info, err := e.Info()
		if err != nil {
			return listing{}, err
		}
		ex := example{
			rel:   prefix + name,
			label: digit,
			size:  info.Size(),
			mtime: info.ModTime().UnixNano(),
		}
		switch {
		case take < fsddTestTakes:
			ex.split = splitTest
		case take < fsddValTakes:
			ex.split = splitVal
		}
		l.examples = append(l.examples, ex)
	}
	if len(l.examples) == 0 {
		return listing{}, fmt.Errorf("%w: no .wav files in %s (want the "+
			"recordings/ folder of %s)", nascent.ErrNotFound, rec, FSDDURL)
	}
	sort.Slice(l.examples, func(i, j int) bool { return l.examples[i].rel < l.examples[j].rel })
	return l, nil
}

// parseFSDDName splits "{digit}_{speaker}_{index}.wav" into the digit
// (0-9) and the take index (0 or more).
func parseFSDDName(name string) (digit, take int, err error) {
	parts := strings.Split(strings.TrimSuffix(name, filepath.Ext(name)), "_")
	if len(parts) != 3 || parts[1] == "" {
		return 0, 0, errors.New("name is not {digit}_{speaker}_{index}.wav")
	}
	digit, err = strconv.Atoi(parts[0])
	if err != nil || digit < 0 || digit > 9 || len(parts[0]) != 1 {
		return 0, 0, fmt.Errorf("digit %q is not 0-9", parts[0])
	}
	take, err = strconv.Atoi(parts[2])
	if err != nil || take < 0 || strings.HasPrefix(parts[2], "+") {
		return 0, 0, fmt.Errorf("index %q is not a whole number", parts[2])
	}
	return digit, take, nil
}

// isDir reports whether path is an existing folder.
func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// hasWAV reports whether dir directly holds a .wav file.
func hasWAV(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".wav") {
			return true
		}
	}
	return false
}
