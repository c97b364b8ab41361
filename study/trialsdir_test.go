package study_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/sqlite"
	"github.com/nascent-nas/nascent/study"
)

// TestTrialsDirBelongsToOneStudy runs a study, then a second study of
// another name in the same database and the same trials folder, as when
// a user renames the study in its file: the second is refused before it
// can overwrite the first one's trial folders, and runs in a folder of
// its own.
func TestTrialsDirBelongsToOneStudy(t *testing.T) {
	dir := t.TempDir()
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	trials := filepath.Join(dir, "c.trials")
	run := func(name, trialsDir string) error {
		values := []map[string]any{{"x": int64(1)}, {"x": int64(2)}}
		eval := funcEvaluator(func(c nascent.Candidate) map[string]float64 {
			return map[string]float64{"loss": float64(c.Values["x"].(int64))}
		})
		ctl := &study.Controller{
			Store: store, Study: nascent.Study{Name: name, Fingerprint: name},
			Optimizer: &listOptimizer{values: values}, Evaluator: eval,
			Objectives: []nascent.Objective{{Name: "loss"}}, Budget: 2, TrialsDir: trialsDir,
		}
		_, err := ctl.Run(context.Background(), nil)
		return err
	}
	if err := run("c", trials); err != nil {
		t.Fatalf("first study: Run = %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(trials, study.MarkerName)); string(got) != "c\n" {
		t.Errorf("marker = %q, want %q", got, "c\n")
	}

	err = run("kws-fsdd-v2", trials)
	if !errors.Is(err, nascent.ErrConflict) {
		t.Fatalf("second study in the first one's folder: Run = %v, want a conflict", err)
	}
	for _, want := range []string{`"c"`, "new name", "trials_dir:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Run = %q, want it to say %q", err, want)
		}
	}
	if _, err := store.Study(context.Background(), "kws-fsdd-v2"); !errors.Is(err, nascent.ErrNotFound) {
		t.Errorf("refused study: Study = %v, want it not stored", err)
	}

	if err := run("kws-fsdd-v2", filepath.Join(dir, "v2.trials")); err != nil {
		t.Errorf("second study in its own folder: Run = %v", err)
	}
	if err := run("c", trials); err != nil {
		t.Errorf("first study again: Run = %v", err)
	}
}

// TestTrialsDirUnmarked checks folders written before trials folders
// were marked: one holding trial folders is refused to a study with no
// stored trials, and claimed by an empty one.
func TestTrialsDirUnmarked(t *testing.T) {
	tests := []struct {
		name    string
		trial   bool // the folder holds a trial folder
		wantErr bool
	}{
		{name: "with a trial folder", trial: true, wantErr: true},
		{name: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			trials := filepath.Join(dir, "c.trials")
			if tt.trial {
				if err := os.MkdirAll(study.TrialDir(trials, 4), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			store, err := sqlite.Open(context.Background(), filepath.Join(dir, "c.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			eval := funcEvaluator(func(nascent.Candidate) map[string]float64 {
				return map[string]float64{"loss": 1}
			})
			ctl := &study.Controller{
				Store: store, Study: nascent.Study{Name: "new", Fingerprint: "f"},
				Optimizer:  &listOptimizer{values: []map[string]any{{"x": int64(1)}}},
				Evaluator:  eval,
				Objectives: []nascent.Objective{{Name: "loss"}}, Budget: 1, TrialsDir: trials,
			}
			_, err = ctl.Run(context.Background(), nil)
			if got := errors.Is(err, nascent.ErrConflict); got != tt.wantErr {
				t.Errorf("Run = %v, want a conflict: %v", err, tt.wantErr)
			}
		})
	}
}
