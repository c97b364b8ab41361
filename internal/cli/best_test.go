package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/study"
)

// TestPrintBestOneTrial checks the counts of a study with one completed
// trial, which is its own Pareto set.
func TestPrintBestOneTrial(t *testing.T) {
	f := &study.File{Name: "s", Objectives: []nascent.Objective{{Name: "loss"}, {Name: "size"}}}
	trials := []nascent.Trial{{Number: 0, State: nascent.Completed,
		Metrics: map[string]float64{"loss": 0.5, "size": 3}}}
	var b bytes.Buffer
	printBest(&b, f, trials)
	for _, want := range []string{"study s: 1 completed trial\n", "Pareto set (1 trial):"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("printBest output lacks %q:\n%s", want, b.String())
		}
	}
}

func TestPlural(t *testing.T) {
	tests := []struct {
		name string
		n    int
		want string
	}{
		{name: "none", n: 0, want: "0 trials"},
		{name: "one", n: 1, want: "1 trial"},
		{name: "many", n: 12, want: "12 trials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := plural(tt.n, "trial"); got != tt.want {
				t.Errorf("plural(%d, %q) = %q, want %q", tt.n, "trial", got, tt.want)
			}
		})
	}
}
