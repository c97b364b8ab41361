// Package cli wires nascent's packages into the nascent command: it parses
// flags, opens stores, builds spaces and optimizers, and maps errors to exit
// codes. Results go to stdout, diagnostics and progress to stderr.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nascent-nas/nascent"
)

// Exit codes of the nascent command.
const (
	ExitOK          = 0   // success
	ExitFailure     = 1   // the command ran and failed
	ExitUsage       = 2   // bad flags, arguments or input files
	ExitNotFound    = 3   // a named file, study or trial does not exist
	ExitConflict    = 4   // existing state disagrees (changed study, lock held)
	ExitUnavailable = 5   // a resource could not be reached
	ExitInterrupted = 130 // stopped by Ctrl-C before the work was done
)

// errInterrupted marks a command stopped by the user before it finished.
var errInterrupted = errors.New("interrupted")

// Run executes the nascent command with args (without the program name)
// and returns the process exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(stderr, "nascent: %v\n", err)
	return exitCode(err)
}

// exitCode maps an error to the exit code documented in the README.
func exitCode(err error) int {
	switch {
	case errors.Is(err, errInterrupted):
		return ExitInterrupted
	case errors.Is(err, errUsage), errors.Is(err, nascent.ErrInvalid):
		return ExitUsage
	case errors.Is(err, nascent.ErrNotFound):
		return ExitNotFound
	case errors.Is(err, nascent.ErrConflict):
		return ExitConflict
	case errors.Is(err, nascent.ErrUnavailable):
		return ExitUnavailable
	}
	return ExitFailure
}

// errUsage marks an error in how the command was called.
var errUsage = errors.New("usage")

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "nascent",
		Short:         "Neural architecture search: evolve, train and compare networks",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w: %v (see %s --help)", errUsage, err, c.CommandPath())
	})
	root.AddCommand(
		newSpaceCmd(),
		newBenchCmd(),
		newKWSCmd(),
		newPlotCmd(),
	)
	addStudyCmds(root)
	return root
}
