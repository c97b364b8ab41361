package study_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/space"
	"github.com/nascent-nas/nascent/study"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

const fullStudy = `name: kws
storage: sqlite:db/kws.db
seed: 42
budget: 200
parallel: 2
optimizer: {name: aging_evolution, population_size: 50, sample_size: 5, eps: 0.2, selection: scalarized}
objectives:
  - {name: val_error, bound: 0.1}
  - {name: acc, direction: maximize, bound: 100}
constraints:
  - weights <= 20000
  - {metric: macs, op: "<", limit: 1e6}
trial:
  command: ["{nascent}", kws, train, --data, "${DATA}/x", "--config={config}", "{overrides}", "$${HOME}"]
  config_format: json
  env: {OMP_NUM_THREADS: 1, TAG: "${TAG}"}
  workdir: work
  timeout: 30m
  grace: 5
  retries: 2
  gpus: [0, "1"]
  output_limit: 4096
  builtin_cost: {name: kws, classes: 35}
base_config:
  trainer: {epochs: 3}
space:
  lr: {lower: 0.001, upper: 0.1, log: true}
`

func TestParseFull(t *testing.T) {
	f, err := study.Parse("dir/study.yaml", []byte(fullStudy), env(map[string]string{"DATA": "/data", "TAG": "t1"}))
	if err != nil {
		t.Fatal(err)
	}
	eps := 0.2
	want := &study.File{
		Path: "dir/study.yaml", Name: "kws", Storage: "dir/db/kws.db", TrialsDir: "dir/study.trials",
		Seed: 42, Budget: 200, Parallel: 2,
		Optimizer:   study.OptimizerConfig{Name: "evolution", PopulationSize: 50, SampleSize: 5, Eps: &eps, Selection: "scalarized"},
		Objectives:  []nascent.Objective{{Name: "val_error", Bound: 0.1}, {Name: "acc", Direction: nascent.Maximize, Bound: 100}},
		Constraints: []nascent.Constraint{{Metric: "weights", Op: "<=", Limit: 20000}, {Metric: "macs", Op: "<", Limit: 1e6}},
		Trial: study.TrialConfig{
			Command: []string{"{nascent}", "kws", "train", "--data", "/data/x", "--config={config}", "{overrides}", "${HOME}"},
			Format:  "json", Env: []string{"OMP_NUM_THREADS=1", "TAG=t1"}, Dir: "dir/work",
			Timeout: 30 * time.Minute, Grace: 5 * time.Second, Retries: 2, GPUs: []string{"0", "1"},
			OutputLimit: 4096, BuiltinCost: "kws", CostClasses: 35,
		},
		Base: map[string]any{"trainer": map[string]any{"epochs": int64(3)}},
	}
	f.Data, f.Space = nil, study.SpaceSource{}
	// The unexported space value is compared through the fingerprint.
	got := *f
	if !reflect.DeepEqual(exported(got), exported(*want)) {
		t.Errorf("Parse =\n%+v\nwant\n%+v", exported(got), exported(*want))
	}
}

// exported copies the exported fields of a File.
func exported(f study.File) study.File {
	return study.File{Path: f.Path, Name: f.Name, Storage: f.Storage, TrialsDir: f.TrialsDir,
		Seed: f.Seed, Budget: f.Budget, Parallel: f.Parallel, Optimizer: f.Optimizer,
		Objectives: f.Objectives, Constraints: f.Constraints, Trial: f.Trial, Base: f.Base, Hannah: f.Hannah}
}

func TestParseDefaultsAndSpace(t *testing.T) {
	src := "budget: 5\nobjectives: [loss]\ntrial: {command: [train]}\nspace:\n  x: [1, 2]\n"
	f, err := study.Parse("/s/mine.yaml", []byte(src), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "mine" || f.Storage != "/s/mine.db" || f.TrialsDir != "/s/mine.trials" || f.Parallel != 1 ||
		f.Trial.Format != "yaml" || f.Objectives[0] != (nascent.Objective{Name: "loss"}) {
		t.Errorf("defaults: %+v", exported(*f))
	}
	g, err := study.Parse("/s/g.yaml", []byte(strings.Replace(src, "[train]}", "[train], gpus: [0, 1, 2]}", 1)), env(nil))
	if err != nil || g.Parallel != 3 {
		t.Errorf("parallel with 3 GPUs = %v, %v; want 3", g, err)
	}
	sp, err := space.ParseNode(f.Space.File, f.Space.Node, f.Space.NodePath)
	if err != nil || sp.NumParams() != 1 {
		t.Errorf("space.ParseNode(study's space) = %v, %v; want one parameter", sp, err)
	}
}

func TestFingerprint(t *testing.T) {
	base := "budget: 5\nobjectives: [loss]\ntrial: {command: [train]}\nseed: 1\nspace: {x: [1, 2]}\n"
	fp := func(src string) string {
		t.Helper()
		f, err := study.Parse("s.yaml", []byte(src), env(nil))
		if err != nil {
			t.Fatal(err)
		}
		return f.Fingerprint()
	}
	same := []string{
		strings.Replace(base, "budget: 5", "budget: 50\nparallel: 3", 1),
		strings.Replace(base, "[train]", "[python, train.py]", 1),
		strings.Replace(base, "{x: [1, 2]}", "\n  x: [1, 2]", 1),
	}
	for _, s := range same {
		if fp(s) != fp(base) {
			t.Errorf("fingerprint changed with\n%s", s)
		}
	}
	changed := []struct{ src, part string }{
		{strings.Replace(base, "seed: 1", "seed: 2", 1), "seed"},
		{strings.Replace(base, "[1, 2]", "[1, 3]", 1), "space"},
		{strings.Replace(base, "[loss]", "[{name: loss, direction: maximize}]", 1), "objectives"},
		{base + "constraints: [loss < 3]\n", "constraints"},
		{base + "optimizer: {population_size: 7}\n", "optimizer"},
	}
	old, _ := study.Parse("s.yaml", []byte(base), env(nil))
	for _, c := range changed {
		if fp(c.src) == fp(base) {
			t.Errorf("fingerprint did not change with\n%s", c.src)
		}
		f, _ := study.Parse("s.yaml", []byte(c.src), env(nil))
		if got := f.Changes(old); len(got) != 1 || got[0] != c.part {
			t.Errorf("Changes = %v, want [%s] for\n%s", got, c.part, c.src)
		}
	}
}

func TestParseErrors(t *testing.T) {
	const ok = "budget: 5\nobjectives: [loss]\ntrial: {command: [train]}\nspace: {x: [1, 2]}\n"
	tests := []struct {
		name string
		src  string
		want string // one line of the error
	}{
		{"not a mapping", "[1, 2]", "s.yaml:1:1: a study file is a mapping, not a list"},
		{"syntax", "budget: [1,\n", "s.yaml:"},
		{"unknown key", ok + "budgit: 3\n", "s.yaml:5:1: budgit: unknown key \"budgit\""},
		{"no budget", "objectives: [loss]\ntrial: {command: [t]}\nspace: {x: 1}\n", "no budget"},
		{"budget zero", strings.Replace(ok, "budget: 5", "budget: 0", 1), "s.yaml:1:9: budget: 0 is out of range"},
		{"budget text", strings.Replace(ok, "budget: 5", "budget: many", 1), "s.yaml:1:9: budget: want an integer, not string many"},
		{"command string", strings.Replace(ok, "[train]", "train.py --x", 1), "s.yaml:3:18: trial.command: want a list of arguments (nascent runs no shell)"},
		{"placeholder", strings.Replace(ok, "[train]", "[train, \"{trial}\"]", 1), "s.yaml:3:26: trial.command[1]: unknown placeholder {trial}"},
		{"overrides inside", strings.Replace(ok, "[train]", "[train, \"-o={overrides}\"]", 1), "trial.command[1]: {overrides} must be a whole argument"},
		{"unset env", strings.Replace(ok, "[train]", "[train, \"${NOPE}\"]", 1), "s.yaml:3:26: trial.command[1]: environment variable NOPE is not set"},
		{"timeout", strings.Replace(ok, "[train]}", "[train], timeout: soon}", 1), "trial.timeout: want a duration such as 90s"},
		{"objective direction", strings.Replace(ok, "[loss]", "[{name: loss, direction: up}]", 1), "objectives[0].direction: direction \"up\""},
		{"constraint op", ok + "constraints: [\"w =< 3\"]\n", "s.yaml:5:15: constraints[0]: constraint operator \"=<\""},
		{"constraint limit", ok + "constraints: [\"w <= lots\"]\n", "limit \"lots\" is not a number"},
		{"eps", ok + "optimizer: {eps: 2}\n", "optimizer.eps: eps 2: want a probability"},
		{"optimizer", ok + "optimizer: {name: bayes}\n", "optimizer \"bayes\": want evolution"},
		{"gpus vs parallel", ok + "parallel: 3\n" + "x: 1\n", "unknown key \"x\""},
		{"parallel over gpus", strings.Replace(ok, "[train]}", "[train], gpus: [0]}", 1) + "parallel: 2\n", "parallel 2 is more than the 1 GPUs"},
		{"storage scheme", ok + "storage: postgres://db\n", "only SQLite is supported"},
		{"space file missing", strings.Replace(ok, "{x: [1, 2]}", "nope.yaml", 1), "s.yaml:4:8: space: open nope.yaml: no such file"},
		{"duplicate key", ok + "budget: 6\n", "s.yaml:5:1: YAML syntax: mapping key \"budget\" already defined"},
		{"builtin cost", strings.Replace(ok, "[train]}", "[train], builtin_cost: cnn}", 1), "builtin_cost \"cnn\""},
		{"alias", "a: *x\n" + ok, "alias *x names no anchor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := study.Parse("s.yaml", []byte(tt.src), env(nil))
			if err == nil {
				t.Fatalf("Parse(%q) = nil error, want %q", tt.src, tt.want)
			}
			if !errors.Is(err, nascent.ErrInvalid) {
				t.Errorf("Parse error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) =\n%v\nwant a line containing %q", tt.src, err, tt.want)
			}
		})
	}
}

func TestParseHannah(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "hannah.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := study.Parse("testdata/hannah.yaml", data, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !f.Hannah || f.Budget != 2000 || f.Seed != 1234 || f.Parallel != 4 ||
		f.Optimizer.Name != "evolution" || f.Optimizer.PopulationSize != 100 || f.Optimizer.SampleSize != 10 {
		t.Errorf("hannah settings: %+v", exported(*f))
	}
	wantObj := []nascent.Objective{{Name: "val_error", Bound: 0.1}, {Name: "total_macs", Bound: 1e8}, {Name: "total_weights", Bound: 1e6}}
	if !reflect.DeepEqual(f.Objectives, wantObj) {
		t.Errorf("objectives = %+v, want %+v", f.Objectives, wantObj)
	}
	if _, ok := f.Base["model"]; !ok || f.Base["hydra"] != nil || f.Base["nascent"] != nil || f.Base["defaults"] != nil {
		t.Errorf("base config keys = %v, want model and trainer only", f.Base)
	}
	if f.Trial.Command[0] != "python" {
		t.Errorf("command = %v, want the nascent section's", f.Trial.Command)
	}
	if _, err := space.ParseNode(f.Space.File, f.Space.Node, f.Space.NodePath); err != nil {
		t.Errorf("hannah space: %v", err)
	}
}

func TestParseHannahNeedsCommand(t *testing.T) {
	src := "hydra:\n  sweeper:\n    optim: {budget: 3, bounds: {loss: 1}}\n    parametrization: {x: [1, 2]}\n"
	_, err := study.Parse("h.yaml", []byte(src), env(nil))
	if err == nil || !strings.Contains(err.Error(), "needs a top-level nascent mapping") {
		t.Errorf("Parse(hannah without nascent) = %v, want a message about the nascent mapping", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(fullStudy))
	if data, err := os.ReadFile(filepath.Join("testdata", "hannah.yaml")); err == nil {
		f.Add(data)
	}
	f.Add([]byte("budget: 1\nobjectives: [a]\ntrial: {command: [x]}\nspace: {a: &x [1], b: *x, <<: {c: 1}}\n"))
	f.Add([]byte("a: !!binary aGVsbG8=\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := study.Parse("f.yaml", data, env(map[string]string{"DATA": "d"}))
		if err != nil {
			if !errors.Is(err, nascent.ErrInvalid) {
				t.Errorf("Parse error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if file.Budget <= 0 || len(file.Objectives) == 0 || len(file.Trial.Command) == 0 {
			t.Errorf("Parse accepted an incomplete study: %+v", exported(*file))
		}
		_ = file.Fingerprint()
	})
}
