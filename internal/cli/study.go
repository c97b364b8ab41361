package cli

import "github.com/spf13/cobra"

// addStudyCmds adds the study commands: search, status, trials, best,
// export.
// TODO(study): placeholder until the study machinery lands (issue 4).
func addStudyCmds(root *cobra.Command) {}
