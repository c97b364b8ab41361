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

// runSpaceCLI runs the nascent command and returns its exit code and output.
func runSpaceCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeSpaceFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSpaceCheck(t *testing.T) {
	dir := t.TempDir()
	good := writeSpaceFile(t, dir, "good.yaml", "a: [1, 2, 3]\nb: {lower: 0, upper: 4, int: true}\n")
	cont := writeSpaceFile(t, dir, "cont.yaml", "lr: {lower: 1.0e-4, upper: 1.0, log: true}\n")
	bad := writeSpaceFile(t, dir, "bad.yaml", "l: {min: -1, max: 3, choices: [a]}\nx: {lower: 2, upper: 1}\n")
	missing := filepath.Join(dir, "missing.yaml")
	typo := writeSpaceFile(t, dir, "typo.yaml", "output_channels: [4 6, 8, 12]\n")
	example := filepath.Join("..", "..", "examples", "kws-fsdd", "study.yaml")
	writeSpaceFile(t, dir, "space.yaml", "a: [1, 2, 3]\nb: [x, y]\n")
	study := writeSpaceFile(t, dir, "study.yaml",
		"name: s\ntrial: {command: [run, \"30\"]}\nspace: space.yaml\n")

	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string
		stderr   []string
		noStdout bool
	}{
		{"valid", []string{good}, ExitOK,
			[]string{good + ": valid, 2 parameters, size 12"}, nil, false},
		{"unbounded", []string{cont}, ExitOK,
			[]string{cont + ": valid, 1 parameter, size unbounded"}, nil, false},
		{"invalid reports every error", []string{bad}, ExitUsage, nil,
			[]string{bad + ":1:10: l.min: must be >= 0, got -1", bad + ":2:22: x.upper: must be greater than lower 2"}, true},
		{"mixed", []string{good, bad}, ExitUsage,
			[]string{good + ": valid"}, []string{"1 of 2 files are not valid"}, false},
		{"missing file", []string{missing}, ExitNotFound, nil, []string{"not found"}, true},
		{"missing comma", []string{typo}, ExitUsage, nil,
			[]string{typo + `:1:19: output_channels[0]: "4 6" looks like numbers missing a comma`}, true},
		{"example study file", []string{example}, ExitOK,
			[]string{example + ": valid, 10 parameters, size 58673971112513741271403097259470881096502277696000"},
			nil, false},
		{"study file naming its space file", []string{study}, ExitOK,
			[]string{study + ": valid, 2 parameters, size 6"}, nil, false},
		{"no arguments", nil, ExitUsage, nil, []string{"needs at least 1 argument"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runSpaceCLI(t, append([]string{"space", "check"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("stdout = %q, want it to contain %q", out, w)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr = %q, want it to contain %q", errOut, w)
				}
			}
			if tt.noStdout && out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
		})
	}
}

func TestSpaceCheckJSON(t *testing.T) {
	dir := t.TempDir()
	good := writeSpaceFile(t, dir, "good.yaml", "a: [1, 2, 3]\n")
	bad := writeSpaceFile(t, dir, "bad.yaml", "a: []\n")
	code, out, _ := runSpaceCLI(t, "space", "check", "--json", good, bad)
	if code != ExitUsage {
		t.Errorf("exit code = %d, want %d", code, ExitUsage)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("stdout = %q, want two JSON lines", out)
	}
	var res [2]spaceCheck
	for i, l := range lines {
		if err := json.Unmarshal([]byte(l), &res[i]); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
	}
	if !res[0].Valid || res[0].Params != 1 || res[0].Size != "3" {
		t.Errorf("good file = %+v, want valid, 1 parameter, size 3", res[0])
	}
	if res[1].Valid || len(res[1].Errors) != 1 || res[1].Errors[0].Line != 1 ||
		res[1].Errors[0].Column != 4 || res[1].Errors[0].Path != "a" {
		t.Errorf("bad file = %+v, want one error at 1:4 on a", res[1])
	}
}

func TestSpaceSample(t *testing.T) {
	dir := t.TempDir()
	f := writeSpaceFile(t, dir, "s.yaml", "a: [1, 2, 3]\nb: {lower: 0.0, upper: 1.0}\n")

	code, out, errOut := runSpaceCLI(t, "space", "sample", f, "-n", "5", "--seed", "7", "--json")
	if code != ExitOK {
		t.Fatalf("exit code = %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 {
		t.Fatalf("got %d lines, want 5:\n%s", len(lines), out)
	}
	for i, l := range lines {
		var s spaceSample
		if err := json.Unmarshal([]byte(l), &s); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		if s.Index != i || len(s.Hash) != 32 || s.Values["a"] == nil || s.Values["b"] == nil {
			t.Errorf("line %d = %+v, want index, hash and values a and b", i, s)
		}
	}

	// The same seed gives the same samples; another seed others.
	_, again, _ := runSpaceCLI(t, "space", "sample", f, "-n", "5", "--seed", "7", "--json")
	_, other, _ := runSpaceCLI(t, "space", "sample", f, "-n", "5", "--seed", "8", "--json")
	if again != out || other == out {
		t.Errorf("seeded samples not reproducible: same seed equal %v, other seed equal %v",
			again == out, other == out)
	}

	code, out, _ = runSpaceCLI(t, "space", "sample", f, "-n", "2")
	if code != ExitOK || strings.Count(out, "# sample") != 2 || strings.Count(out, "\n---\n") != 1 {
		t.Errorf("YAML output = %q (exit %d), want two documents", out, code)
	}

	code, _, errOut = runSpaceCLI(t, "space", "sample", f, "-n", "-1")
	if code != ExitUsage {
		t.Errorf("sample -n -1: exit code = %d, want %d (%s)", code, ExitUsage, errOut)
	}
	// A study file gives samples of its space only, not of its command.
	example := filepath.Join("..", "..", "examples", "kws-fsdd", "study.yaml")
	code, out, errOut = runSpaceCLI(t, "space", "sample", example, "--json")
	var s spaceSample
	if err := json.Unmarshal([]byte(out), &s); code != ExitOK || err != nil {
		t.Fatalf("sample %s: exit code %d, %v, stderr %q", example, code, err, errOut)
	}
	if len(s.Values) != 2 || s.Values["major_blocks"] == nil || s.Values["dropout_prob"] == nil {
		t.Errorf("sample %s = %v, want major_blocks and dropout_prob", example, s.Values)
	}

	code, _, _ = runSpaceCLI(t, "space", "sample")
	if code != ExitUsage {
		t.Errorf("sample without a file: exit code = %d, want %d", code, ExitUsage)
	}
}
