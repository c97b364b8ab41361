package study

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/nascent-nas/nascent"
)

// File is a parsed and checked study file. Paths in it are resolved
// against the study file's directory.
type File struct {
	// Path is the study file's path as given.
	Path string

	// Name names the study; by default the file name without extension.
	Name string

	// Storage is the path of the SQLite database; by default the study
	// file's name with .db in place of its extension (study.yaml:
	// study.db), next to it.
	Storage string

	// TrialsDir holds the trial directories; by default the study file's
	// name with .trials in place of its extension, next to it.
	TrialsDir string

	Seed     uint64
	Budget   int
	Parallel int

	// MaxFailures and MaxRejections stop the study after that many failed
	// or rejected trials in a row; zero means the Controller's default,
	// -1 never.
	MaxFailures   int
	MaxRejections int

	Optimizer   OptimizerConfig
	Objectives  []nascent.Objective
	Constraints []nascent.Constraint
	Trial       TrialConfig

	// Base is the config the candidate is merged into; nil for none.
	Base map[string]any

	// Space says where the search space is written.
	Space SpaceSource

	// Hannah reports that the file is a hannah Hydra config whose
	// hydra.sweeper section gave the settings.
	Hannah bool

	// Data is the file's content.
	Data []byte

	// spaceValue is the space as plain values, for the fingerprint.
	spaceValue any

	// program is where the trial command's program is written, for
	// errors about it; nil when the file gives no command.
	program *node
}

// OptimizerConfig selects and tunes the optimizer. Zero values mean the
// optimizer's own defaults.
type OptimizerConfig struct {
	// Name is "evolution" (aging evolution, the default) or "random".
	Name            string
	PopulationSize  int
	SampleSize      int
	Eps             *float64
	Selection       string // "pareto" or "scalarized"; empty for the default
	AllowDuplicates bool
}

// TrialConfig says how a trial runs.
type TrialConfig struct {
	// Command is the argument list, with ${VAR} already expanded from
	// the environment and placeholders such as {config} left for the
	// launcher.
	Command []string

	// Format of the candidate file: "yaml" or "json".
	Format string

	// Env holds extra "KEY=value" entries, expanded like Command.
	Env []string

	// Dir is the working directory; empty means nascent's own.
	Dir string

	Timeout     time.Duration // zero: none
	Grace       time.Duration // zero: the launcher's default
	Retries     int
	GPUs        []string
	OutputLimit int64 // bytes; zero: the launcher's default

	// BuiltinCost names a built-in cost model ("kws"), or is empty.
	// CostClasses is the number of classes it assumes; zero means the
	// model's default.
	BuiltinCost string
	CostClasses int
}

// ProgramError returns err, a problem with the trial program that the
// study file names, placed where the file names it:
// "study.yaml:9:13: trial.command[0]: program "pyhton3" is not in PATH".
// The result wraps err.
func (f *File) ProgramError(err error) error {
	e := &Error{File: f.Path, Path: "trial.command[0]", Msg: err.Error(), Err: err}
	if n := f.program; n != nil {
		e.Line, e.Column, e.Path = n.line, n.col, n.path
	}
	return e
}

// SpaceSource locates the search space: either a node of the study file
// (Node, at key path NodePath of File) or a whole file (File, Data).
type SpaceSource struct {
	File     string
	Data     []byte
	Node     ast.Node
	NodePath string
}

// Placeholders are the names a trial command may hold in braces; the
// launcher expands them (see docs/trial-protocol.md).
var Placeholders = []string{"trial_dir", "trial_id", "config", "nascent", "study", "overrides"}

// Load reads and checks the study file at path. Environment references
// in the trial section are expanded with lookup (os.LookupEnv when nil).
func Load(path string, lookup func(string) (string, bool)) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("study file %s: %w", path, nascent.ErrNotFound)
		}
		return nil, fmt.Errorf("study file: %w", err)
	}
	return Parse(path, data, lookup)
}

// Parse reads and checks a study file's content; filename names it in
// errors and anchors its relative paths. All problems found are returned
// together as Errors.
func Parse(filename string, data []byte, lookup func(string) (string, bool)) (*File, error) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	var errs errorList
	root := parseYAML(filename, data, &errs)
	if root == nil {
		return nil, errs.err()
	}
	p := &fileParser{file: filename, errs: &errs, lookup: lookup, dir: filepath.Dir(filename)}
	f := p.parse(root)
	if err := errs.err(); err != nil {
		return nil, err
	}
	f.Data = data
	return f, nil
}

// Study returns the study as stored: its name, file, seed and the
// fingerprint of what makes its trials comparable.
func (f *File) Study() nascent.Study {
	return nascent.Study{
		Name:        f.Name,
		Config:      f.Data,
		Fingerprint: f.Fingerprint(),
		Seed:        f.Seed,
		Created:     time.Now().UTC(),
	}
}

// Fingerprint hashes the space, objectives, constraints, optimizer and
// seed: what must not change while a study resumes. The budget, the
// parallelism and the trial command may change.
func (f *File) Fingerprint() string {
	doc := map[string]any{
		"space":       f.spaceValue,
		"objectives":  f.Objectives,
		"constraints": f.Constraints,
		"optimizer":   f.Optimizer,
		"seed":        f.Seed,
	}
	b, err := json.Marshal(doc)
	if err != nil {
		// NaN in a space value; fall back to a printed form.
		b = fmt.Appendf(nil, "%#v", doc)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Changes names the parts of the fingerprint in which f differs from old
// ("space", "objectives", "constraints", "optimizer", "seed"), so that a
// refusal to resume can say what changed.
func (f *File) Changes(old *File) []string {
	parts := []struct {
		name     string
		now, was any
	}{
		{"space", f.spaceValue, old.spaceValue},
		{"objectives", f.Objectives, old.Objectives},
		{"constraints", f.Constraints, old.Constraints},
		{"optimizer", f.Optimizer, old.Optimizer},
		{"seed", f.Seed, old.Seed},
	}
	var changed []string
	for _, p := range parts {
		a, errA := json.Marshal(p.now)
		b, errB := json.Marshal(p.was)
		if errA != nil || errB != nil || string(a) != string(b) {
			changed = append(changed, p.name)
		}
	}
	return changed
}

// Required returns the metrics every trial must report: the objectives.
func (f *File) Required() []string {
	names := make([]string, len(f.Objectives))
	for i, o := range f.Objectives {
		names[i] = o.Name
	}
	return names
}

// fileParser walks a study file's nodes and records errors.
type fileParser struct {
	file   string
	dir    string
	errs   *errorList
	lookup func(string) (string, bool)
}

// topKeys are the keys of a study file.
var topKeys = []string{"name", "storage", "trials_dir", "seed", "budget", "parallel",
	"max_failures", "max_rejections", "optimizer", "objectives", "constraints", "trial",
	"base_config", "space"}

func (p *fileParser) parse(root *node) *File {
	if root.kind != mapKind {
		p.errs.at(p.file, root, "a study file is a mapping, not %s", root.kind)
		return nil
	}
	stem := strings.TrimSuffix(filepath.Base(p.file), filepath.Ext(p.file))
	f := &File{Path: p.file, Name: stem, Parallel: 1}
	settings := root
	if hy := root.get("hydra"); hy != nil {
		settings = p.hannah(f, root, hy)
		if settings == nil {
			return f
		}
	}
	p.known(settings, topKeys)
	p.settings(f, settings)
	if f.Storage == "" {
		f.Storage = filepath.Join(p.dir, stem+".db")
	}
	if f.TrialsDir == "" {
		f.TrialsDir = filepath.Join(p.dir, stem+".trials")
	}
	return f
}

// settings reads the study-file keys of m into f.
func (p *fileParser) settings(f *File, m *node) {
	if n := m.get("name"); n != nil {
		f.Name = p.str(n)
		if f.Name == "" || strings.ContainsAny(f.Name, "/\\\x00") {
			p.errs.at(p.file, n, "name %q: want a non-empty name without slashes", f.Name)
		}
	}
	if n := m.get("storage"); n != nil {
		f.Storage = p.storage(n)
	}
	if n := m.get("trials_dir"); n != nil {
		f.TrialsDir = p.path(n)
	}
	if n := m.get("seed"); n != nil {
		if s := p.integer(n, 0, math.MaxInt64); s >= 0 {
			f.Seed = uint64(s)
		}
	}
	if n := m.get("budget"); n != nil {
		f.Budget = int(p.integer(n, 1, math.MaxInt32))
	} else if f.Budget == 0 {
		p.errs.add(p.file, m.line, m.col, m.path, "no budget: say how many trials to evaluate, "+
			"e.g. budget: 100")
	}
	if n := m.get("parallel"); n != nil {
		f.Parallel = int(p.integer(n, 1, 4096))
	}
	if n := m.get("max_failures"); n != nil {
		f.MaxFailures = int(p.integer(n, -1, math.MaxInt32))
	}
	if n := m.get("max_rejections"); n != nil {
		f.MaxRejections = int(p.integer(n, -1, math.MaxInt32))
	}
	if n := m.get("optimizer"); n != nil {
		p.optimizer(&f.Optimizer, n)
	}
	if n := m.get("objectives"); n != nil {
		f.Objectives = p.objectives(n, f.Objectives)
	}
	if len(f.Objectives) == 0 {
		p.errs.add(p.file, m.line, m.col, m.path, "no objectives: name at least one metric, "+
			"e.g. objectives: [{name: val_error, direction: minimize}]")
	}
	if n := m.get("constraints"); n != nil {
		f.Constraints = p.constraints(n)
	}
	if n := m.get("trial"); n != nil {
		p.trial(&f.Trial, n)
		if c := n.get("command"); c != nil && c.kind == seqKind && len(c.items) > 0 {
			f.program = c.items[0]
		}
	} else {
		p.errs.add(p.file, m.line, m.col, m.path, "no trial: say how to run a trial, e.g. "+
			"trial: {command: [python, train.py, \"{overrides}\"]}")
	}
	if gpus := len(f.Trial.GPUs); gpus > 0 {
		// One trial per GPU: as many as there are, unless told fewer.
		if n := m.get("parallel"); n == nil {
			f.Parallel = gpus
		} else if f.Parallel > gpus {
			p.errs.at(p.file, n, "parallel %d is more than the %d GPUs listed in trial.gpus; each trial gets one",
				f.Parallel, gpus)
		}
	}
	if n := m.get("base_config"); n != nil {
		f.Base = p.base(n)
	}
	if n := m.get("space"); n != nil {
		p.space(f, n)
	} else if f.Space.Node == nil && f.Space.File == "" {
		p.errs.add(p.file, m.line, m.col, m.path, "no space: give the search space inline "+
			"(space: {...}) or as a file (space: space.yaml)")
	}
}

// known reports keys of m that are not in keys.
func (p *fileParser) known(m *node, keys []string) {
	for _, e := range m.keys {
		ok := false
		for _, k := range keys {
			ok = ok || k == e.key
		}
		if !ok {
			p.errs.add(p.file, e.line, e.col, joinPath(m.path, e.key), "unknown key %q (known: %s)", e.key, strings.Join(keys, ", "))
		}
	}
}
