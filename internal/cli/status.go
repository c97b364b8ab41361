package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
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
	Study   string    `json:"study"`
	Storage string    `json:"storage"`
	Created time.Time `json:"created"`
	Seed    uint64    `json:"seed"`
	Budget  int       `json:"budget"`

	// Evaluated counts the trials that ran to an end: completed, failed
	// and pruned. Done counts those the budget counts: completed and
	// pruned. Failed counts the failed ones.
	Evaluated int `json:"evaluated"`
	Done      int `json:"done"`
	Failed    int `json:"failed"`

	States  map[string]int     `json:"states"`
	Changed bool               `json:"changed"`
	Best    map[string]float64 `json:"best"`

	// Controller names the controller holding the study's lease, and
	// LeaseUntil when its lease ends; both empty when none holds it.
	// ControllerGone reports that the controller was a process of this
	// host that no longer runs, though its lease has not ended.
	Controller     string     `json:"controller,omitempty"`
	LeaseUntil     *time.Time `json:"lease_until,omitempty"`
	ControllerGone bool       `json:"controller_gone,omitempty"`

	// objectives are the objectives' names in the study's order, the
	// order in which Best is printed.
	objectives []string
}

func summarize(f *study.File, stored nascent.Study, trials []nascent.Trial) statusJSON {
	s := statusJSON{
		Study: f.Name, Storage: f.Storage, Created: stored.Created, Seed: stored.Seed,
		Budget: f.Budget, States: map[string]int{}, Best: map[string]float64{},
		Changed: stored.Fingerprint != f.Fingerprint(),
	}
	if h := stored.Holder; h.Owner != "" {
		s.Controller, s.LeaseUntil = h.Owner, &h.Expires
		s.ControllerGone = study.OwnerGone(h.Owner)
	}

	// Count as the controller's budget does: completed and pruned trials
	// spend it, failed ones do not.
	for _, t := range trials {
		s.States[string(t.State)]++
		if t.State.Evaluated() {
			s.Evaluated++
		}
		switch t.State {
		case nascent.Completed, nascent.Pruned:
			s.Done++
		case nascent.Failed:
			s.Failed++
		}
	}
	for _, o := range f.Objectives {
		s.objectives = append(s.objectives, o.Name)
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
	fmt.Fprintf(w, "progress %d of %d trials done", s.Done, s.Budget)
	if s.Failed > 0 {
		fmt.Fprintf(w, " (and %d failed, which the budget does not count)", s.Failed)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "running  %s\n", controllerState(s))
	for _, st := range []nascent.TrialState{nascent.Completed, nascent.Failed, nascent.Pruned,
		nascent.Rejected, nascent.Running, nascent.Queued, nascent.Interrupted} {
		if n := s.States[string(st)]; n > 0 {
			fmt.Fprintf(w, "  %-11s %d\n", st, n)
		}
	}
	for _, name := range s.objectives {
		if v, ok := s.Best[name]; ok {
			fmt.Fprintf(w, "best     %s = %s\n", name, formatMetric(v))
		}
	}
	if s.Changed {
		fmt.Fprintln(w, "warning  the study file's space, objectives, optimizer or seed differ "+
			"from the stored study's; search will refuse without --force")
	}
}

// controllerState says whether a controller runs the study.
func controllerState(s statusJSON) string {
	switch {
	case s.Controller == "":
		return "no controller"
	case s.ControllerGone:
		// Killed: its lease has not expired, but search takes it over
		// at once.
		return fmt.Sprintf("stopped (controller %s is gone; run nascent search to resume)",
			processName(s.Controller))
	case time.Now().Before(*s.LeaseUntil):
		return fmt.Sprintf("controller %s (lease until %s)",
			s.Controller, s.LeaseUntil.Local().Format(time.DateTime))
	}
	return fmt.Sprintf("no controller (%s stopped renewing its lease at %s)",
		s.Controller, s.LeaseUntil.Local().Format(time.DateTime))
}

// processName returns "host:pid" of a lease owner "host:pid:nonce", or
// the owner as it is.
func processName(owner string) string {
	if i := strings.LastIndexByte(owner, ':'); i > 0 && strings.Count(owner, ":") == 2 {
		return owner[:i]
	}
	return owner
}
