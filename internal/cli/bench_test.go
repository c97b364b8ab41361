package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// nb201Table finds the shared NAS-Bench-201 table above the working
// directory, or skips the test.
func nb201Table(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "data", "nasbench201", "nb201.csv")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if filepath.Dir(dir) == dir {
			t.Skip("NAS-Bench-201 table not found: " +
				"no shared/data/nasbench201/nb201.csv above the working directory")
		}
		dir = filepath.Dir(dir)
	}
}

func runBench(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(context.Background(), append([]string{"bench", "nb201"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestBenchNB201Usage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown method", []string{"--methods", "best"}, ExitUsage, `method "best"`},
		{"bad budget", []string{"--budgets", "10,x"}, ExitUsage, `"x" is not a positive whole number`},
		{"zero budget", []string{"--budgets", "0"}, ExitUsage, `"0" is not a positive`},
		{"unknown dataset", []string{"--datasets", "mnist"}, ExitUsage, `dataset "mnist"`},
		{"no runs", []string{"--runs", "0"}, ExitUsage, "--runs 0"},
		{"unknown figure", []string{"--figure", "train"}, ExitUsage, `--figure "train"`},
		{"bad custom eps", []string{"--methods", "custom", "--eps", "2"}, ExitUsage, "eps 2"},
		{"negative custom eps", []string{"--methods", "custom", "--eps", "-0.5"}, ExitUsage, "eps -0.5"},
		{"bad custom selection", []string{"--methods", "custom", "--selection", "nsga"},
			ExitUsage, `selection "nsga"`},
		{"argument", []string{"extra"}, ExitUsage, "takes 0 argument"},
		{"missing table", []string{"--data", "/nonexistent/nb201.csv"}, ExitNotFound, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runBench(tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("nascent bench nb201 %v = exit %d, stderr %q; want exit %d, stderr containing %q",
					tt.args, code, stderr, tt.code, tt.want)
			}
		})
	}
}

func TestBenchNB201(t *testing.T) {
	data := nb201Table(t)

	// The table: a header, then a line per dataset and budget.
	code, stdout, stderr := runBench("--data", data, "--runs", "20", "--budgets", "30,60",
		"--datasets", "c10,in16")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	for _, want := range []string{
		"| dataset | evals | rea | rs | nascent |", "| CIFAR-10 | 30 |", "| ImageNet16-120 | 60 |",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}

	// JSON, multi-objective: every row has a ratio in (0, 1].
	code, stdout, stderr = runBench("--data", data, "--runs", "10", "--budgets", "50",
		"--mo", "fpga", "--json")
	if code != ExitOK {
		t.Fatalf("--mo fpga --json: exit %d, stderr %s", code, stderr)
	}
	var got struct {
		Rows []benchRow `json:"rows"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("--json output does not parse: %v\n%s", err, stdout)
	}
	if len(got.Rows) != 3 {
		t.Fatalf("--json: %d rows, want 3 (one per method)", len(got.Rows))
	}
	for _, r := range got.Rows {
		if r.Summary.Runs != 10 || !(r.Summary.Mean > 0 && r.Summary.Mean <= 1) {
			t.Errorf("row %+v: want 10 runs and a ratio in (0, 1]", r)
		}
	}

	// Custom scalarized settings are accepted (the benchmark bounds the
	// accuracy by 100).
	code, _, stderr = runBench("--data", data, "--runs", "4", "--budgets", "40", "--mo", "fpga",
		"--methods", "custom", "--selection", "scalarized", "--population", "10", "--sample", "3")
	if code != ExitOK {
		t.Errorf("--mo fpga --methods custom --selection scalarized: exit %d, stderr %s", code, stderr)
	}

	// An unknown device is a usage error.
	if code, _, stderr := runBench("--data", data, "--mo", "toaster", "--runs", "1"); code != ExitUsage {
		t.Errorf("--mo toaster: exit %d, stderr %q; want %d", code, stderr, ExitUsage)
	}
}
