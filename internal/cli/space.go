package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/spf13/cobra"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/space"
)

func newSpaceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "space",
		Short: "Check and sample search spaces",
		Long: "Check and sample hannah-style YAML search spaces " +
			"(see docs/search-space.md for the format).\n" +
			"A study file gives the space under its space key.",
	}
	cmd.AddCommand(newSpaceCheckCmd(), newSpaceSampleCmd())
	return cmd
}

// argsAtLeast is cobra.MinimumNArgs with a usage error.
func argsAtLeast(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) < n {
			return fmt.Errorf("%w: %s needs at least %d argument(s) (see %s --help)",
				errUsage, c.CommandPath(), n, c.CommandPath())
		}
		return nil
	}
}

// argsExactly is cobra.ExactArgs with a usage error.
func argsExactly(n int) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return fmt.Errorf("%w: %s takes %d argument(s), got %d (see %s --help)",
				errUsage, c.CommandPath(), n, len(args), c.CommandPath())
		}
		return nil
	}
}

// spaceCheck is one line of `nascent space check --json`. Fields are only
// ever added.
type spaceCheck struct {
	File   string          `json:"file"`
	Valid  bool            `json:"valid"`
	Params int             `json:"params,omitempty"`
	Size   string          `json:"size,omitempty"` // decimal, "unbounded" or "too large to count"
	Errors []spaceCheckErr `json:"errors,omitempty"`
}

type spaceCheckErr struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

func newSpaceCheckCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check FILE...",
		Short: "Check search space files and print their number of parameters and size",
		Long: "Check search space files. For each valid file print its number of\n" +
			"parameters and the number of points of the space (or \"unbounded\");\n" +
			"for an invalid one print every error with its line, column and key\n" +
			"path on stderr. The exit status is 0 only when every file is valid.",
		Args: argsAtLeast(1),
		RunE: func(c *cobra.Command, args []string) error {
			return spaceCheckFiles(c.OutOrStdout(), c.ErrOrStderr(), args, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per file on stdout")
	return cmd
}

func spaceCheckFiles(stdout, stderr io.Writer, files []string, asJSON bool) error {
	var firstErr error
	bad := 0
	for _, f := range files {
		res, err := checkOne(f)
		if err != nil {
			bad++
			if firstErr == nil {
				firstErr = err
			}
			if !asJSON {
				fmt.Fprintln(stderr, err)
			}
		}
		if asJSON {
			if err := json.NewEncoder(stdout).Encode(res); err != nil {
				return err
			}
		} else if res.Valid {
			noun := "parameters"
			if res.Params == 1 {
				noun = "parameter"
			}
			fmt.Fprintf(stdout, "%s: valid, %d %s, size %s\n", f, res.Params, noun, res.Size)
		}
	}
	if bad == 0 {
		return nil
	}
	kind := nascent.ErrInvalid
	if errors.Is(firstErr, nascent.ErrNotFound) && bad == 1 {
		kind = nascent.ErrNotFound
	}
	return fmt.Errorf("%w: space check: %d of %d files are not valid", kind, bad, len(files))
}

// checkOne parses one file and summarises the result.
func checkOne(file string) (spaceCheck, error) {
	res := spaceCheck{File: file}
	s, err := space.ParseFile(file)
	if err != nil {
		var errs space.Errors
		if errors.As(err, &errs) {
			for _, e := range errs {
				res.Errors = append(res.Errors, spaceCheckErr{
					Line: e.Line, Column: e.Column, Path: e.Path, Message: e.Msg})
			}
		} else {
			res.Errors = []spaceCheckErr{{Message: err.Error()}}
		}
		return res, err
	}
	res.Valid = true
	res.Params = s.NumParams()
	res.Size = s.SizeString()
	return res, nil
}

// spaceSample is one line of `nascent space sample --json`. Fields are
// only ever added.
type spaceSample struct {
	Index  int            `json:"index"`
	Hash   string         `json:"hash"`
	Values map[string]any `json:"values"`
}

func newSpaceSampleCmd() *cobra.Command {
	var (
		n      int
		seed   uint64
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "sample FILE",
		Short: "Draw random candidates from a search space",
		Long: "Draw N candidates from a search space with a seeded random source,\n" +
			"as YAML documents, or with --json as one JSON object per line. The\n" +
			"same file and seed always give the same candidates.",
		Args: argsExactly(1),
		RunE: func(c *cobra.Command, args []string) error {
			if n < 0 {
				return fmt.Errorf("%w: -n must be >= 0, got %d", errUsage, n)
			}
			s, err := space.ParseFile(args[0])
			if err != nil {
				return err
			}
			return spaceSamples(c.OutOrStdout(), s, n, seed, asJSON)
		},
	}
	cmd.Flags().IntVarP(&n, "count", "n", 1, "number of candidates")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the random source")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per line")
	return cmd
}

func spaceSamples(w io.Writer, s *space.Space, n int, seed uint64, asJSON bool) error {
	r := rand.New(rand.NewPCG(seed, 0))
	enc := json.NewEncoder(w)
	for i := range n {
		c := s.Sample(r)
		if asJSON {
			if err := enc.Encode(spaceSample{Index: i, Hash: c.Hash, Values: c.Values}); err != nil {
				return err
			}
			continue
		}
		b, err := space.MarshalYAML(c.Values)
		if err != nil {
			return err
		}
		if i > 0 {
			fmt.Fprintln(w, "---")
		}
		fmt.Fprintf(w, "# sample %d, hash %s\n%s", i, c.Hash, b)
	}
	return nil
}
