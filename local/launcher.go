package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/nascent-nas/nascent"
)

// Defaults of Config, filled in by New.
const (
	DefaultGrace       = 10 * time.Second
	DefaultOutputLimit = 10 << 20 // bytes per stream
)

// Files in a trial directory.
const (
	ConfigYAML  = "config.yaml"
	ConfigJSON  = "config.json"
	MetricsFile = "metrics.json"
	StdoutFile  = "stdout.log"
	StderrFile  = "stderr.log"
)

// Config says how to run trials. The zero value of every field but
// Command is usable.
type Config struct {
	// Command is the trial's argument list. Its elements may hold the
	// placeholders {trial_dir}, {trial_id}, {config}, {nascent} and
	// {study}; an element that is exactly {overrides} expands to one
	// argument per override (see Overrides). Environment references
	// (${VAR}) must have been expanded already.
	Command []string

	// Env holds extra "KEY=value" entries for the trial's environment,
	// on top of the controller's own.
	Env []string

	// Dir is the working directory; empty means the controller's.
	Dir string

	// Timeout bounds one attempt; zero means no limit. Grace is how long
	// a stopped trial has between SIGTERM and SIGKILL (DefaultGrace when
	// zero).
	Timeout time.Duration
	Grace   time.Duration

	// OutputLimit caps each of stdout.log and stderr.log in bytes; output
	// past it is read and dropped (DefaultOutputLimit when zero).
	OutputLimit int64

	// GPUs, when not empty, are handed out one per running trial as
	// CUDA_VISIBLE_DEVICES; a trial waits for a free one.
	GPUs []string

	// Format of the candidate file: "yaml" (the default) or "json".
	Format string

	// EncodeYAML, when not nil, writes the YAML candidate file in place of
	// the generic encoder, e.g. one that keeps 3.0 a float for Python.
	EncodeYAML func(map[string]any) ([]byte, error)

	// Base is a config the candidate is merged into before it is written
	// to the candidate file (candidate values win; mappings merge key by
	// key; lists are replaced). Nil means the candidate alone.
	Base map[string]any

	// Required lists the metrics a trial must report; a trial whose
	// metrics lack one or hold a non-finite value fails.
	Required []string

	// Nascent is the path {nascent} expands to; empty means the running
	// executable.
	Nascent string

	// Worker names this controller in trial records; empty means
	// "host:pid".
	Worker string

	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
}

// Launcher runs trials as local processes. It is safe for concurrent use.
type Launcher struct {
	cfg  Config
	host string
	gpus chan string
}

var (
	_ nascent.Evaluator = (*Launcher)(nil)
	_ nascent.Reaper    = (*Launcher)(nil)
)

// New checks cfg, fills in its defaults and returns a launcher.
func New(cfg Config) (*Launcher, error) {
	if len(cfg.Command) == 0 || cfg.Command[0] == "" {
		return nil, fmt.Errorf("local: %w: empty trial command", nascent.ErrInvalid)
	}
	for i, arg := range cfg.Command {
		if err := CheckPlaceholders(arg); err != nil {
			return nil, fmt.Errorf("local: trial command argument %d: %w", i, err)
		}
	}
	if err := CheckProgram(cfg.Command[0], cfg.Dir); err != nil {
		return nil, fmt.Errorf("trial %w", err)
	}
	switch cfg.Format {
	case "":
		cfg.Format = "yaml"
	case "yaml", "json":
	default:
		return nil, fmt.Errorf("local: %w: candidate file format %q (want yaml or json)",
			nascent.ErrInvalid, cfg.Format)
	}
	if cfg.Grace <= 0 {
		cfg.Grace = DefaultGrace
	}
	if cfg.OutputLimit <= 0 {
		cfg.OutputLimit = DefaultOutputLimit
	}
	if cfg.Nascent == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("local: path of nascent: %w", err)
		}
		cfg.Nascent = exe
	}
	host, _ := os.Hostname()
	if cfg.Worker == "" {
		cfg.Worker = host + ":" + strconv.Itoa(os.Getpid())
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	l := &Launcher{cfg: cfg, host: host}
	if len(cfg.GPUs) > 0 {
		l.gpus = make(chan string, len(cfg.GPUs))
		for _, g := range cfg.GPUs {
			l.gpus <- g
		}
	}
	return l, nil
}

// Worker returns the name this launcher gives itself in trial records.
func (l *Launcher) Worker() string { return l.cfg.Worker }

// Evaluate runs one attempt of a trial and waits for it to end. See the
// package documentation for how it is stopped.
func (l *Launcher) Evaluate(ctx context.Context, job nascent.Job) nascent.Outcome {
	// Wait for a GPU, if there are any, before anything else.
	gpu := ""
	if l.gpus != nil {
		select {
		case gpu = <-l.gpus:
			defer func() { l.gpus <- gpu }()
		case <-ctx.Done():
			return interrupted("before it started, waiting for a GPU")
		}
	}

	// Prepare the directory, the candidate file and the command.
	cmd, files, err := l.prepare(job, gpu)
	if err != nil {
		return nascent.Outcome{State: nascent.Failed, ExitCode: -1, Reason: err.Error()}
	}
	return l.run(ctx, job, cmd, files)
}

func interrupted(reason string) nascent.Outcome {
	return nascent.Outcome{State: nascent.Interrupted, ExitCode: -1, Reason: reason}
}

// trialFiles are the paths of one trial's files.
type trialFiles struct {
	dir, config, metrics, stdout, stderr string
}

// prepare writes the candidate file and builds the command of an attempt.
// It removes the metrics file of an earlier attempt, so that a trial that
// writes none is not credited with stale metrics.
func (l *Launcher) prepare(job nascent.Job, gpu string) (*exec.Cmd, trialFiles, error) {
	dir, err := filepath.Abs(job.Dir)
	if err != nil {
		return nil, trialFiles{}, fmt.Errorf("trial directory: %w", err)
	}
	f := trialFiles{
		dir:     dir,
		config:  filepath.Join(dir, ConfigYAML),
		metrics: filepath.Join(dir, MetricsFile),
		stdout:  filepath.Join(dir, StdoutFile),
		stderr:  filepath.Join(dir, StderrFile),
	}
	if l.cfg.Format == "json" {
		f.config = filepath.Join(dir, ConfigJSON)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, f, fmt.Errorf("trial directory: %w", err)
	}
	// Files of an earlier attempt must not pass for this one's.
	for _, old := range []string{f.metrics, f.stdout, f.stderr} {
		if err := os.Remove(old); err != nil && !os.IsNotExist(err) {
			return nil, f, fmt.Errorf("remove %s of an earlier attempt: %w", filepath.Base(old), err)
		}
	}
	data, err := l.encode(Merge(l.cfg.Base, job.Candidate.Values))
	if err != nil {
		return nil, f, err
	}
	// The trial starts after the file is complete, so a plain write is
	// enough.
	if err := os.WriteFile(f.config, data, 0o644); err != nil {
		return nil, f, fmt.Errorf("candidate file: %w", err)
	}
	argv, err := l.expand(job, f)
	if err != nil {
		return nil, f, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = l.cfg.Dir
	cmd.Env = append(os.Environ(), l.cfg.Env...)
	cmd.Env = append(cmd.Env,
		"NASCENT_STUDY="+job.Study,
		"NASCENT_TRIAL_ID="+strconv.Itoa(job.Trial),
		"NASCENT_ATTEMPT="+strconv.Itoa(job.Attempt),
		"NASCENT_TRIAL_DIR="+f.dir,
		"NASCENT_CONFIG="+f.config,
		"NASCENT_METRICS="+f.metrics,
	)
	if gpu != "" {
		cmd.Env = append(cmd.Env, "CUDA_VISIBLE_DEVICES="+gpu)
	}
	cmd.SysProcAttr = procAttr()
	return cmd, f, nil
}

// expand replaces the placeholders of the command for one attempt.
func (l *Launcher) expand(job nascent.Job, f trialFiles) ([]string, error) {
	vars := map[string]string{
		"trial_dir": f.dir,
		"trial_id":  strconv.Itoa(job.Trial),
		"config":    f.config,
		"nascent":   l.cfg.Nascent,
		"study":     job.Study,
	}
	var argv []string
	for _, arg := range l.cfg.Command {
		if arg == "{overrides}" {
			ov, err := Overrides(job.Candidate.Values)
			if err != nil {
				return nil, err
			}
			argv = append(argv, ov...)
			continue
		}
		argv = append(argv, expandPlaceholders(arg, vars))
	}
	return argv, nil
}

// Placeholders are the names that may appear in braces in a trial
// command.
var Placeholders = []string{"trial_dir", "trial_id", "config", "nascent", "study", "overrides"}

// CheckPlaceholders reports an ErrInvalid error when arg holds an unknown
// placeholder, or {overrides} anywhere but as the whole argument. Braces
// that do not enclose a placeholder-like name ({ or }} in JSON, say) are
// left alone.
func CheckPlaceholders(arg string) error {
	for _, name := range placeholderNames(arg) {
		known := false
		for _, p := range Placeholders {
			known = known || p == name
		}
		if !known {
			return fmt.Errorf("%w: unknown placeholder {%s} (known: {%s})",
				nascent.ErrInvalid, name, strings.Join(Placeholders, "}, {"))
		}
		if name == "overrides" && arg != "{overrides}" {
			return fmt.Errorf("%w: {overrides} must be a whole argument, not part of %q",
				nascent.ErrInvalid, arg)
		}
	}
	return nil
}

// placeholderNames returns the names in {name} patterns of arg, where a
// name is lowercase letters and underscores. A "$" before the brace marks
// an environment reference, not a placeholder.
func placeholderNames(arg string) []string {
	var names []string
	scanPlaceholders(arg, func(lit string) {}, func(name string) {
		names = append(names, name)
	})
	return names
}

// scanPlaceholders splits arg into literal text and placeholder names, in
// order, and hands each to its function.
func scanPlaceholders(arg string, literal, placeholder func(string)) {
	start := 0
	for i := 0; i < len(arg); i++ {
		if arg[i] != '{' || (i > 0 && arg[i-1] == '$') {
			continue
		}
		j := i + 1
		for j < len(arg) && (arg[j] == '_' || (arg[j] >= 'a' && arg[j] <= 'z')) {
			j++
		}
		if j > i+1 && j < len(arg) && arg[j] == '}' {
			literal(arg[start:i])
			placeholder(arg[i+1 : j])
			start = j + 1
			i = j
		}
	}
	literal(arg[start:])
}

// expandPlaceholders replaces each placeholder of arg by its value in one
// pass, so that a value holding braces is never expanded again.
func expandPlaceholders(arg string, vars map[string]string) string {
	var b strings.Builder
	scanPlaceholders(arg, func(lit string) { b.WriteString(lit) },
		func(name string) { b.WriteString(vars[name]) })
	return b.String()
}

// encode writes the candidate file's content.
func (l *Launcher) encode(v map[string]any) ([]byte, error) {
	if l.cfg.Format == "yaml" && l.cfg.EncodeYAML != nil {
		b, err := l.cfg.EncodeYAML(v)
		if err != nil {
			return nil, fmt.Errorf("candidate file: %w", err)
		}
		return b, nil
	}
	return EncodeConfig(v, l.cfg.Format)
}

// CheckProgram reports a trial program that cannot be run, so that a
// typo stops the search at once instead of failing every trial. prog is
// the command's first argument; a relative path in it is resolved in
// dir, a bare name in PATH. A program given by a placeholder ({nascent})
// is checked when it runs. The error reads "program ...", without
// naming its kind, and wraps nascent.ErrNotFound or nascent.ErrInvalid.
func CheckProgram(prog, dir string) error {
	if len(placeholderNames(prog)) > 0 {
		return nil
	}
	if !strings.Contains(prog, "/") {
		if _, err := exec.LookPath(prog); err != nil {
			return kindError{nascent.ErrNotFound, fmt.Sprintf("program %q is not in PATH", prog)}
		}
		return nil
	}
	path := prog
	if !filepath.IsAbs(path) && dir != "" {
		path = filepath.Join(dir, path)
	}
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return kindError{nascent.ErrNotFound, fmt.Sprintf("program %s does not exist", path)}
	}
	if err != nil {
		return fmt.Errorf("program: %w", err)
	}
	if info.IsDir() || info.Mode().Perm()&0o111 == 0 {
		return kindError{nascent.ErrInvalid, fmt.Sprintf("program %s is not an executable file", path)}
	}
	return nil
}

// kindError is an error of a kind (nascent.ErrNotFound) whose message
// says it well enough without the kind's name.
type kindError struct {
	kind error
	msg  string
}

func (e kindError) Error() string { return e.msg }
func (e kindError) Unwrap() error { return e.kind }
