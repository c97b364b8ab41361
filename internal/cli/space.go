package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(space): placeholder until the space commands land (issue 2).
func newSpaceCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "space",
		Short: "Check and sample search spaces",
		RunE:  func(*cobra.Command, []string) error { return errors.New("space: not built yet") },
	}
}
