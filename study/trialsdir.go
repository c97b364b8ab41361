package study

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nascent-nas/nascent"
)

// MarkerName is the file in a trials folder that names the study the
// folder belongs to.
const MarkerName = ".study"

// A trials folder belongs to one study, and says so in its marker file.
//
// Trial folders are named by trial number alone (000042), and every study
// numbers its trials from 0. Two studies sharing a trials folder would
// therefore write into each other's trial folders: a study renamed in
// its file (name: kws-v2) but left with the file's default folder
// (kws.trials) overwrote the old study's configs, metrics and logs. So a
// controller claims its folder before launching anything, and refuses a
// folder another study claimed.
//
// Two studies in one database are fine: the database keys trials by
// study name. Only their trial folders must be apart. We refuse rather
// than nest per-study folders (kws.trials/kws-v2/000000) so that the
// trial paths of existing studies, which users and their scripts know,
// never move.

// claimTrialsDir makes sure that c.TrialsDir holds the trials of c's
// study alone (see claimDir); an empty TrialsDir is not checked. It
// needs no lease: claims of one study agree, and of two studies racing
// for one folder, the marker's exclusive creation lets one win.
func (c *Controller) claimTrialsDir(ctx context.Context) error {
	if c.TrialsDir == "" {
		return nil
	}
	stored := func() (int, error) {
		trials, err := c.Store.Trials(ctx, c.Study.Name)
		if errors.Is(err, nascent.ErrNotFound) {
			return 0, nil
		}
		return len(trials), err
	}
	return claimDir(c.TrialsDir, c.Study.Name, stored)
}

// claimDir makes sure that dir holds the trials of study name alone,
// creating dir and its marker when it is new. A dir without a marker,
// from a nascent that wrote none, is claimed when the study has stored
// trials (it is most likely the study's own; stored says how many) or
// when it holds no trial folder yet; one that holds trial folders the
// store does not account for is refused.
func claimDir(dir, name string, stored func() (int, error)) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("trials folder: %w", err)
	}
	owner, err := readMarker(dir)
	switch {
	case err == nil:
		return checkOwner(dir, name, owner)
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("trials folder: %w", err)
	}
	n, err := stored()
	if err != nil {
		return err
	}
	if n == 0 {
		if first, err := firstTrialFolder(dir); err != nil || first != "" {
			return orphanError(dir, name, first, err)
		}
	}
	return writeMarker(dir, name)
}

// readMarker returns the study named by dir's marker.
func readMarker(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, MarkerName))
	return strings.TrimSpace(string(b)), err
}

// checkOwner refuses a folder that owner, another study than name, holds.
func checkOwner(dir, name, owner string) error {
	if owner == name {
		return nil
	}
	return conflictf("study %q: the trials folder %s holds the trials of study %q, "+
		"and trial folders are numbered per study, so one would overwrite the other's; "+
		"copy the study file under a new name (a study's database and trials folder "+
		"are named after its file), or set trials_dir: to a folder of its own",
		name, dir, owner)
}

// orphanError refuses a folder without a marker that holds trial folders
// the study did not write.
func orphanError(dir, name, trial string, err error) error {
	if err != nil {
		return fmt.Errorf("trials folder: %w", err)
	}
	return conflictf("study %q has no trials yet, but its trials folder %s holds "+
		"trial folders (%s) of another or an earlier study, which it would overwrite; "+
		"move that folder away, or set trials_dir: to a folder of its own",
		name, dir, trial)
}

// firstTrialFolder returns the name of a trial folder in dir, or "".
func firstTrialFolder(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if e.IsDir() && isTrialNumber(e.Name()) {
			return e.Name(), nil
		}
	}
	return "", nil
}

func isTrialNumber(s string) bool {
	if len(s) < 6 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// writeMarker writes dir's marker atomically and exclusively: the content
// goes to a temporary file that is then linked under the marker's name,
// which fails if the marker exists. Of two controllers claiming one
// folder at once, one wins, and the other reads and checks its marker.
func writeMarker(dir, name string) error {
	tmp, err := os.CreateTemp(dir, MarkerName+".*")
	if err != nil {
		return fmt.Errorf("trials folder: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(name + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("trials folder marker: %w", err)
	}
	err = os.Link(tmp.Name(), filepath.Join(dir, MarkerName))
	if errors.Is(err, fs.ErrExist) {
		owner, rerr := readMarker(dir)
		if rerr != nil {
			return fmt.Errorf("trials folder: %w", rerr)
		}
		return checkOwner(dir, name, owner)
	}
	if err != nil {
		return fmt.Errorf("trials folder marker: %w", err)
	}
	return nil
}
