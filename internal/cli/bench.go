package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(bench): placeholder until the benchmarks land (issue 3).
func newBenchCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "bench",
		Short: "Run benchmarks",
		RunE:  func(*cobra.Command, []string) error { return errors.New("bench: not built yet") },
	}
}
