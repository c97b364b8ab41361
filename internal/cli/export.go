package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/local"
	"github.com/nascent-nas/nascent/space"
	"github.com/nascent-nas/nascent/sqlite"
	"github.com/nascent-nas/nascent/study"
)

func newExportCmd() *cobra.Command {
	var format string
	var merged bool
	cmd := &cobra.Command{
		Use:   "export STUDY.yaml TRIAL",
		Short: "Write a trial's candidate as YAML, JSON or Hydra overrides",
		Args:  cobra.ExactArgs(2),
		RunE: onStudy(func(cmd *cobra.Command, args []string, f *study.File, _ *sqlite.Store, trials []nascent.Trial) error {
			n, err := strconv.Atoi(args[1])
			if err != nil || n < 0 {
				return fmt.Errorf("%w: trial %q: want a trial number", errUsage, args[1])
			}
			if n >= len(trials) {
				return fmt.Errorf("study %q: trial %d: %w (the study has %s)",
					f.Name, n, nascent.ErrNotFound, plural(len(trials), "trial"))
			}
			values := trials[n].Candidate.Values
			if merged {
				values = local.Merge(f.Base, values)
			}
			out, err := exportValues(values, format)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(out)
			return err
		}),
	}
	cmd.Flags().StringVar(&format, "format", "yaml", "yaml, json or overrides")
	cmd.Flags().BoolVar(&merged, "merged", false, "merge the candidate into the study's base config")
	return cmd
}

// exportValues writes values in one of the export formats.
func exportValues(values map[string]any, format string) ([]byte, error) {
	switch format {
	case "yaml":
		return space.MarshalYAML(values)
	case "json":
		// EncodeValues keeps 3.0 a float; Indent keeps its text.
		b, err := nascent.EncodeValues(values)
		if err != nil {
			return nil, err
		}
		var out bytes.Buffer
		if err := json.Indent(&out, b, "", "  "); err != nil {
			return nil, err
		}
		out.WriteByte('\n')
		return out.Bytes(), nil
	case "overrides":
		ov, err := local.Overrides(values)
		if err != nil {
			return nil, err
		}
		return []byte(shellJoin(ov) + "\n"), nil
	}
	return nil, fmt.Errorf("%w: --format %q: want yaml, json or overrides", errUsage, format)
}

// shellJoin quotes arguments for a POSIX shell, so that the printed
// overrides can be pasted after a command.
func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(out, " ")
}
