package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/sqlite"
	"github.com/nascent-nas/nascent/study"
)

func newTrialsCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "trials STUDY.yaml",
		Short: "List a study's trials",
		Args:  cobra.ExactArgs(1),
		RunE: onStudy(func(cmd *cobra.Command, _ []string, f *study.File, _ *sqlite.Store, trials []nascent.Trial) error {
			if asJSON {
				return writeTrialsJSON(cmd.OutOrStdout(), trials)
			}
			printTrials(cmd.OutOrStdout(), f, trials)
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "write a JSON array of trials (fields are only ever added)")
	return cmd
}

// trialJSON is a trial in --json output. Fields are only ever added.
type trialJSON struct {
	Number    int                `json:"number"`
	State     string             `json:"state"`
	Candidate map[string]any     `json:"candidate"`
	Hash      string             `json:"hash"`
	Parent    int                `json:"parent"`
	Mutation  string             `json:"mutation,omitempty"`
	Metrics   map[string]float64 `json:"metrics,omitempty"`
	Attempt   int                `json:"attempt"`
	Worker    string             `json:"worker,omitempty"`
	ExitCode  int                `json:"exit_code"`
	Reason    string             `json:"reason,omitempty"`
	Queued    *time.Time         `json:"queued,omitempty"`
	Started   *time.Time         `json:"started,omitempty"`
	Finished  *time.Time         `json:"finished,omitempty"`
}

func toJSON(t nascent.Trial) trialJSON {
	opt := func(x time.Time) *time.Time {
		if x.IsZero() {
			return nil
		}
		return &x
	}
	return trialJSON{
		Number: t.Number, State: string(t.State), Candidate: t.Candidate.Values,
		Hash: t.Candidate.Hash, Parent: t.Parent, Mutation: t.Mutation,
		Metrics: t.Metrics, Attempt: t.Attempt, Worker: t.Worker,
		ExitCode: t.ExitCode, Reason: t.Reason,
		Queued: opt(t.Queued), Started: opt(t.Started), Finished: opt(t.Finished),
	}
}

func writeTrialsJSON(w io.Writer, trials []nascent.Trial) error {
	out := make([]trialJSON, len(trials))
	for i, t := range trials {
		out[i] = toJSON(t)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// printTrials writes one row per trial: number, state, objectives,
// duration, attempt, parent and the reason or mutation.
func printTrials(w io.Writer, f *study.File, trials []nascent.Trial) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, "trial\tstate\t")
	for _, o := range f.Objectives {
		fmt.Fprintf(tw, "%s\t", o.Name)
	}
	fmt.Fprintln(tw, "time\tattempt\tparent\tnote")
	for _, t := range trials {
		fmt.Fprintf(tw, "%d\t%s\t", t.Number, t.State)
		for _, o := range f.Objectives {
			s := "-"
			if v, ok := t.Metrics[o.Name]; ok && t.State == nascent.Completed {
				s = formatMetric(v)
			}
			fmt.Fprintf(tw, "%s\t", s)
		}
		dur := "-"
		if !t.Started.IsZero() && !t.Finished.IsZero() {
			dur = t.Finished.Sub(t.Started).Round(time.Millisecond).String()
		}
		parent := "-"
		if t.Parent >= 0 {
			parent = fmt.Sprint(t.Parent)
		}
		note := t.Reason
		if note == "" {
			note = t.Mutation
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", dur, t.Attempt, parent, oneLine(note, 80))
	}
	tw.Flush()
}

// oneLine flattens s to one line of at most n bytes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n-3] + "..."
	}
	return s
}
