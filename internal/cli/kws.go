package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(kws): placeholder until the trainer lands (issue 5).
func newKWSCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "kws",
		Short: "Train keyword-spotting networks",
		RunE:  func(*cobra.Command, []string) error { return errors.New("kws: not built yet") },
	}
}
