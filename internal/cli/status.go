package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/sqlite"
	"github.com/nascent-nas/nascent/study"
)

func newStatusCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status STUDY.yaml",
		Short: "Show how far a study is",
		Args:  cobra.ExactArgs(1),
		RunE: onStudy(func(cmd *cobra.Command, _ []string, f *study.File, st *sqlite.Store, trials []nascent.Trial) error {
			stored, err := st.Study(cmd.Context(), f.Name)
			if err != nil {
				return err
			}
			s := summarize(f, stored, trials)
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(s)
			}
			printStatus(cmd.OutOrStdout(), s)
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "write JSON (fields are only ever added)")
	return cmd
}

// statusJSON is what nascent status reports. Fields are only added.
type statusJSON struct {
	Study     string             `json:"study"`
	Storage   string             `json:"storage"`
	Created   time.Time          `json:"created"`
	Seed      uint64             `json:"seed"`
	Budget    int                `json:"budget"`
	Evaluated int                `json:"evaluated"`
	States    map[string]int     `json:"states"`
	Changed   bool               `json:"changed"`
	Best      map[string]float64 `json:"best"`

	// Controller names the controller holding the study's lease, and
	// LeaseUntil when its lease ends; both empty when none holds it.
	Controller string     `json:"controller,omitempty"`
	LeaseUntil *time.Time `json:"lease_until,omitempty"`
}

func summarize(f *study.File, stored nascent.Study, trials []nascent.Trial) statusJSON {
	s := statusJSON{
		Study: f.Name, Storage: f.Storage, Created: stored.Created, Seed: stored.Seed,
		Budget: f.Budget, States: map[string]int{}, Best: map[string]float64{},
		Changed: stored.Fingerprint != f.Fingerprint(),
	}
	if h := stored.Holder; h.Owner != "" {
		s.Controller, s.LeaseUntil = h.Owner, &h.Expires
	}
	for _, t := range trials {
		s.States[string(t.State)]++
		if t.State.Evaluated() {
			s.Evaluated++
		}
	}
	done := completed(f, trials)
	if len(done) > 0 {
		for name, t := range bestPer(f, done) {
			s.Best[name] = t.Metrics[name]
		}
	}
	return s
}

func printStatus(w io.Writer, s statusJSON) {
	fmt.Fprintf(w, "study    %s\nstorage  %s\ncreated  %s\nseed     %d\n",
		s.Study, s.Storage, s.Created.Local().Format(time.DateTime), s.Seed)
	fmt.Fprintf(w, "progress %d of %d trials evaluated\n", s.Evaluated, s.Budget)
	switch {
	case s.Controller == "":
		fmt.Fprintln(w, "running  no controller")
	case time.Now().Before(*s.LeaseUntil):
		fmt.Fprintf(w, "running  controller %s (lease until %s)\n",
			s.Controller, s.LeaseUntil.Local().Format(time.DateTime))
	default:
		fmt.Fprintf(w, "running  no controller (%s stopped renewing its lease at %s)\n",
			s.Controller, s.LeaseUntil.Local().Format(time.DateTime))
	}
	for _, st := range []nascent.TrialState{nascent.Completed, nascent.Failed, nascent.Pruned,
		nascent.Rejected, nascent.Running, nascent.Queued, nascent.Interrupted} {
		if n := s.States[string(st)]; n > 0 {
			fmt.Fprintf(w, "  %-11s %d\n", st, n)
		}
	}
	for name, v := range s.Best {
		fmt.Fprintf(w, "best     %s = %s\n", name, formatMetric(v))
	}
	if s.Changed {
		fmt.Fprintln(w, "warning  the study file's space, objectives, optimizer or seed differ "+
			"from the stored study's; search will refuse without --force")
	}
}
