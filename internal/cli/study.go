package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/evo"
	"github.com/nascent-nas/nascent/space"
	"github.com/nascent-nas/nascent/sqlite"
	"github.com/nascent-nas/nascent/study"
)

// addStudyCmds adds the study commands: search, status, trials, best,
// export.
func addStudyCmds(root *cobra.Command) {
	root.AddCommand(
		newSearchCmd(),
		newStatusCmd(),
		newTrialsCmd(),
		newBestCmd(),
		newExportCmd(),
	)
}

// lenientEnv resolves every environment reference, set or not: commands
// that only read a study (status, trials, best, export) must not fail
// because a variable the trials need is unset.
func lenientEnv(name string) (string, bool) {
	return os.Getenv(name), true
}

// loadStudyFile reads a study file; strict commands need its environment.
func loadStudyFile(path string, strict bool) (*study.File, error) {
	lookup := lenientEnv
	if strict {
		lookup = os.LookupEnv
	}
	return study.Load(path, lookup)
}

// parseSpace builds the study's search space from wherever it is written.
func parseSpace(src study.SpaceSource) (*space.Space, error) {
	if src.Node != nil {
		return space.ParseNode(src.File, src.Node, src.NodePath)
	}
	return space.Parse(src.File, src.Data)
}

// newOptimizer builds the optimizer a study file asks for.
func newOptimizer(f *study.File, sp nascent.Space) (nascent.Optimizer, error) {
	cfg := evo.Config{
		PopulationSize:  f.Optimizer.PopulationSize,
		SampleSize:      f.Optimizer.SampleSize,
		Eps:             f.Optimizer.Eps,
		Selection:       evo.Selection(f.Optimizer.Selection),
		AllowDuplicates: f.Optimizer.AllowDuplicates,
		Objectives:      f.Objectives,
		Constraints:     f.Constraints,
	}
	if f.Optimizer.Name == "random" {
		return evo.NewRandom(sp, cfg, f.Seed)
	}
	return evo.New(sp, cfg, f.Seed)
}

// openStore opens the study's database, creating its directory when
// create is set; otherwise a missing database is a not-found error.
func openStore(ctx context.Context, f *study.File, create bool) (*sqlite.Store, error) {
	if create {
		if err := os.MkdirAll(filepath.Dir(f.Storage), 0o755); err != nil {
			return nil, fmt.Errorf("storage: %w", err)
		}
	} else if _, err := os.Stat(f.Storage); err != nil {
		return nil, fmt.Errorf("study %q: %w: no database at %s (run nascent search %s first)",
			f.Name, nascent.ErrNotFound, f.Storage, f.Path)
	}
	return sqlite.Open(ctx, f.Storage)
}

// readStudy opens a study file's database and returns the file, the store
// and the stored trials, for the commands that only read.
func readStudy(ctx context.Context, path string) (*study.File, *sqlite.Store, []nascent.Trial, error) {
	f, err := loadStudyFile(path, false)
	if err != nil {
		return nil, nil, nil, err
	}
	st, err := openStore(ctx, f, false)
	if err != nil {
		return nil, nil, nil, err
	}
	trials, err := st.Trials(ctx, f.Name)
	if errors.Is(err, nascent.ErrNotFound) {
		err = fmt.Errorf("study %q: %w in %s (run nascent search %s first)",
			f.Name, nascent.ErrNotFound, f.Storage, f.Path)
	}
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	return f, st, trials, nil
}

// studyFunc is the body of a command that reads a study.
type studyFunc func(cmd *cobra.Command, args []string, f *study.File,
	st *sqlite.Store, trials []nascent.Trial) error

// onStudy returns a RunE that reads the study named by the first argument
// and hands it to fn, closing the store afterwards.
func onStudy(fn studyFunc) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		f, st, trials, err := readStudy(cmd.Context(), args[0])
		if err != nil {
			return err
		}
		defer st.Close()
		return fn(cmd, args, f, st, trials)
	}
}
