package study

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nascent-nas/nascent"
)

// str returns a string scalar, recording an error for anything else.
func (p *fileParser) str(n *node) string {
	s, ok := n.scalar.(string)
	if n.kind != scalarKind || !ok {
		p.errs.at(p.file, n, "want a string, not %s", describe(n))
		return ""
	}
	return s
}

// describe names a node's kind and, for a scalar, its value.
func describe(n *node) string {
	if n.kind != scalarKind {
		return n.kind.String()
	}
	if n.scalar == nil {
		return "null"
	}
	return fmt.Sprintf("%T %v", n.scalar, n.scalar)
}

// yamlFloat matches the numbers of the YAML 1.2 core schema.
var yamlFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// integer returns an integer scalar in [lo, hi], or -1 with an error.
func (p *fileParser) integer(n *node, lo, hi int64) int64 {
	v, ok := n.scalar.(int64)
	if n.kind != scalarKind || !ok {
		if f, isF := n.scalar.(float64); isF && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			v, ok = int64(f), true
		}
	}
	if !ok {
		p.errs.at(p.file, n, "want an integer, not %s", describe(n))
		return -1
	}
	if v < lo || v > hi {
		p.errs.at(p.file, n, "%d is out of range [%d, %d]", v, lo, hi)
		return -1
	}
	return v
}

// number returns a finite number scalar, or NaN with an error.
func (p *fileParser) number(n *node) float64 {
	switch v := n.scalar.(type) {
	case int64:
		return float64(v)
	case float64:
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			return v
		}
	case string:
		// YAML 1.2 reads 1e6 as a number; goccy/go-yaml, like YAML 1.1,
		// reads it as a string.
		if yamlFloat.MatchString(v) {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil && !math.IsInf(f, 0) {
				return f
			}
		}
	}
	p.errs.at(p.file, n, "want a finite number, not %s", describe(n))
	return math.NaN()
}

func (p *fileParser) boolean(n *node) bool {
	b, ok := n.scalar.(bool)
	if !ok {
		p.errs.at(p.file, n, "want true or false, not %s", describe(n))
	}
	return b
}

// path returns a path scalar resolved against the study file's directory.
func (p *fileParser) path(n *node) string {
	s := p.expand(n, p.str(n))
	if s == "" || filepath.IsAbs(s) {
		return s
	}
	return filepath.Join(p.dir, s)
}

// storage reads the storage URL: a path, or sqlite:PATH.
func (p *fileParser) storage(n *node) string {
	s := p.expand(n, p.str(n))
	scheme, rest, found := strings.Cut(s, ":")
	switch {
	case !found || len(scheme) == 1: // a plain path (or a Windows drive)
	case scheme == "sqlite":
		s = strings.TrimPrefix(rest, "//")
	default:
		p.errs.at(p.file, n, "storage %q: only SQLite is supported (a path or sqlite:PATH)", s)
		return ""
	}
	if s == "" {
		p.errs.at(p.file, n, "storage: empty path")
		return ""
	}
	if !filepath.IsAbs(s) {
		s = filepath.Join(p.dir, s)
	}
	return s
}

func (p *fileParser) optimizer(o *OptimizerConfig, n *node) {
	if n.kind != mapKind {
		p.errs.at(p.file, n, "optimizer: want a mapping such as {name: evolution, population_size: 100}, not %s",
			n.kind)
		return
	}
	p.known(n, []string{"name", "population_size", "sample_size", "eps", "selection", "allow_duplicates"})
	if v := n.get("name"); v != nil {
		o.Name = p.optimizerName(v)
	}
	if v := n.get("population_size"); v != nil {
		o.PopulationSize = int(p.integer(v, 1, math.MaxInt32))
	}
	if v := n.get("sample_size"); v != nil {
		o.SampleSize = int(p.integer(v, 1, math.MaxInt32))
	}
	if v := n.get("eps"); v != nil {
		e := p.number(v)
		if !(e >= 0 && e <= 1) {
			p.errs.at(p.file, v, "eps %v: want a probability in [0, 1]", v.scalar)
		}
		o.Eps = &e
	}
	if v := n.get("selection"); v != nil {
		o.Selection = p.str(v)
		if o.Selection != "pareto" && o.Selection != "scalarized" {
			p.errs.at(p.file, v, "selection %q: want pareto or scalarized", o.Selection)
		}
	}
	if v := n.get("allow_duplicates"); v != nil {
		o.AllowDuplicates = p.boolean(v)
	}
	if o.PopulationSize > 0 && o.SampleSize > o.PopulationSize {
		p.errs.at(p.file, n, "sample_size %d is larger than population_size %d",
			o.SampleSize, o.PopulationSize)
	}
}

// optimizerName reads an optimizer name, accepting hannah's spelling.
func (p *fileParser) optimizerName(n *node) string {
	switch s := p.str(n); s {
	case "evolution", "aging_evolution", "ageing_evolution":
		return "evolution"
	case "random", "random_search":
		return "random"
	default:
		p.errs.at(p.file, n, "optimizer %q: want evolution (aging evolution) or random", s)
		return ""
	}
}

func (p *fileParser) objectives(n *node, fromBounds []nascent.Objective) []nascent.Objective {
	if n.kind != seqKind || len(n.items) == 0 {
		p.errs.at(p.file, n, "objectives: want a non-empty list such as [{name: val_error, "+
			"direction: minimize}]")
		return nil
	}
	var out []nascent.Objective
	seen := map[string]bool{}
	for _, it := range n.items {
		o, ok := p.objective(it)
		if !ok {
			continue
		}
		if seen[o.Name] {
			p.errs.at(p.file, it, "objective %q given twice", o.Name)
			continue
		}
		seen[o.Name] = true
		for _, b := range fromBounds {
			if b.Name == o.Name && o.Bound == 0 {
				o.Bound = b.Bound
			}
		}
		out = append(out, o)
	}
	return out
}

func (p *fileParser) objective(n *node) (nascent.Objective, bool) {
	var o nascent.Objective
	if n.kind == scalarKind {
		o.Name = p.str(n)
		return o, o.Name != ""
	}
	if n.kind != mapKind {
		p.errs.at(p.file, n, "an objective is a metric name or {name, direction, bound}, not %s", n.kind)
		return o, false
	}
	p.known(n, []string{"name", "direction", "bound"})
	if v := n.get("name"); v != nil {
		o.Name = p.str(v)
	}
	if o.Name == "" {
		p.errs.at(p.file, n, "objective without a name")
		return o, false
	}
	if v := n.get("direction"); v != nil {
		switch s := p.str(v); s {
		case "minimize", "min":
		case "maximize", "max":
			o.Direction = nascent.Maximize
		default:
			p.errs.at(p.file, v, "direction %q: want minimize or maximize", s)
		}
	}
	if v := n.get("bound"); v != nil {
		o.Bound = p.number(v)
		if !(o.Bound > 0) {
			p.errs.at(p.file, v, "bound %v: want a positive number", v.scalar)
		}
	}
	return o, true
}

func (p *fileParser) constraints(n *node) []nascent.Constraint {
	if n.kind != seqKind {
		p.errs.at(p.file, n, "constraints: want a list such as [\"weights <= 20000\"]")
		return nil
	}
	var out []nascent.Constraint
	for _, it := range n.items {
		if c, ok := p.constraint(it); ok {
			out = append(out, c)
		}
	}
	return out
}

// constraint reads "metric op limit" or {metric, op, limit}.
func (p *fileParser) constraint(n *node) (nascent.Constraint, bool) {
	var c nascent.Constraint
	switch n.kind {
	case scalarKind:
		fields := strings.Fields(p.str(n))
		if len(fields) != 3 {
			p.errs.at(p.file, n, "constraint %q: want \"metric op limit\" such as \"weights <= 20000\"",
				n.scalar)
			return c, false
		}
		limit, err := strconv.ParseFloat(fields[2], 64)
		if err != nil || math.IsNaN(limit) {
			p.errs.at(p.file, n, "constraint %q: limit %q is not a number", n.scalar, fields[2])
			return c, false
		}
		c = nascent.Constraint{Metric: fields[0], Op: fields[1], Limit: limit}
	case mapKind:
		p.known(n, []string{"metric", "op", "limit"})
		for _, k := range []string{"metric", "op", "limit"} {
			if n.get(k) == nil {
				p.errs.at(p.file, n, "constraint: missing %q", k)
				return c, false
			}
		}
		c = nascent.Constraint{Metric: p.str(n.get("metric")), Op: p.str(n.get("op")), Limit: p.number(n.get("limit"))}
	default:
		p.errs.at(p.file, n, "a constraint is \"metric op limit\" or {metric, op, limit}, not a list")
		return c, false
	}
	switch c.Op {
	case "<=", "<", ">=", ">":
	default:
		p.errs.at(p.file, n, "constraint operator %q: want <=, <, >= or >", c.Op)
		return c, false
	}
	return c, c.Metric != ""
}

func (p *fileParser) trial(t *TrialConfig, n *node) {
	if n.kind != mapKind {
		p.errs.at(p.file, n, "trial: want a mapping with at least command, not %s", n.kind)
		return
	}
	p.known(n, []string{"command", "config_format", "env", "workdir", "timeout", "grace",
		"retries", "gpus", "output_limit", "builtin_cost"})
	p.command(t, n.get("command"), n)
	t.Format = "yaml"
	if v := n.get("config_format"); v != nil {
		t.Format = p.str(v)
		if t.Format != "yaml" && t.Format != "json" {
			p.errs.at(p.file, v, "config_format %q: want yaml or json", t.Format)
		}
	}
	if v := n.get("env"); v != nil {
		p.env(t, v)
	}
	if v := n.get("workdir"); v != nil {
		t.Dir = p.path(v)
	}
	if v := n.get("timeout"); v != nil {
		t.Timeout = p.duration(v)
	}
	if v := n.get("grace"); v != nil {
		t.Grace = p.duration(v)
	}
	if v := n.get("retries"); v != nil {
		t.Retries = int(max(p.integer(v, 0, 100), 0))
	}
	if v := n.get("gpus"); v != nil {
		t.GPUs = p.gpus(v)
	}
	if v := n.get("output_limit"); v != nil {
		t.OutputLimit = max(p.integer(v, 1024, 1<<40), 0)
	}
	if v := n.get("builtin_cost"); v != nil {
		p.builtinCost(t, v)
	}
}

func (p *fileParser) command(t *TrialConfig, n, parent *node) {
	if n == nil {
		p.errs.at(p.file, parent, "no command: give the trial command as a list, e.g. command: "+
			"[python, train.py, \"{overrides}\"]")
		return
	}
	if n.kind == scalarKind {
		p.errs.at(p.file, n, "want a list of arguments (nascent runs no shell), e.g. [python, "+
			"train.py, \"{overrides}\"]")
		return
	}
	if n.kind != seqKind || len(n.items) == 0 {
		p.errs.at(p.file, n, "want a non-empty list of arguments")
		return
	}
	for _, it := range n.items {
		var arg string
		switch v := it.scalar.(type) {
		case string:
			arg = v
		case int64, float64, bool:
			arg = fmt.Sprint(v)
		default:
			p.errs.at(p.file, it, "a command argument is a string, not %s", describe(it))
			continue
		}
		if err := checkPlaceholders(arg); err != nil {
			p.errs.at(p.file, it, "%v", err)
		}
		arg = p.expand(it, arg)
		t.Command = append(t.Command, arg)
	}
	if len(t.Command) > 0 && t.Command[0] == "" {
		p.errs.at(p.file, n.items[0], "the program to run is empty")
	}
}

func (p *fileParser) env(t *TrialConfig, n *node) {
	if n.kind != mapKind {
		p.errs.at(p.file, n, "env: want a mapping of variable names to values")
		return
	}
	for _, e := range n.keys {
		if e.key == "" || strings.ContainsAny(e.key, "=\x00") {
			p.errs.add(p.file, e.line, e.col, joinPath(n.path, e.key), "bad variable name %q", e.key)
			continue
		}
		var val string
		switch v := e.val.scalar.(type) {
		case string:
			val = p.expand(e.val, v)
		case int64, float64, bool:
			val = fmt.Sprint(v)
		default:
			p.errs.at(p.file, e.val, "want a string, not %s", describe(e.val))
		}
		t.Env = append(t.Env, e.key+"="+val)
	}
}

// duration reads "90s", "30m", "2h" or a number of seconds.
func (p *fileParser) duration(n *node) time.Duration {
	switch v := n.scalar.(type) {
	case int64:
		if v >= 0 && v < math.MaxInt64/int64(time.Second) {
			return time.Duration(v) * time.Second
		}
	case float64:
		if v >= 0 && v < 1e9 {
			return time.Duration(v * float64(time.Second))
		}
	case string:
		d, err := time.ParseDuration(v)
		if err == nil && d >= 0 {
			return d
		}
	}
	p.errs.at(p.file, n, "want a duration such as 90s, 30m or 2h, not %s", describe(n))
	return 0
}

func (p *fileParser) gpus(n *node) []string {
	if n.kind != seqKind {
		p.errs.at(p.file, n, "gpus: want a list of device numbers such as [0, 1]")
		return nil
	}
	var out []string
	for _, it := range n.items {
		switch v := it.scalar.(type) {
		case int64:
			out = append(out, strconv.FormatInt(v, 10))
		case string:
			if v == "" || strings.ContainsAny(v, ", ") {
				p.errs.at(p.file, it, "gpu %q: want one device id", v)
				continue
			}
			out = append(out, v)
		default:
			p.errs.at(p.file, it, "gpu: want a device number, not %s", describe(it))
		}
	}
	return out
}

// base reads the base config: a mapping, or the path of a YAML file.
func (p *fileParser) base(n *node) map[string]any {
	if n.kind == mapKind {
		return n.value().(map[string]any)
	}
	path := p.path(n)
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		p.errs.at(p.file, n, "%v", err)
		return nil
	}
	var errs errorList
	root := parseYAML(path, data, &errs)
	*p.errs = append(*p.errs, errs...)
	if root == nil {
		return nil
	}
	if root.kind != mapKind {
		p.errs.at(path, root, "a base config is a mapping, not %s", root.kind)
		return nil
	}
	return root.value().(map[string]any)
}

// space records where the space is: inline, or in a file.
func (p *fileParser) space(f *File, n *node) {
	switch n.kind {
	case mapKind:
		f.Space = SpaceSource{File: p.file, Node: n.ast, NodePath: n.path}
		f.spaceValue = n.value()
	case scalarKind:
		path := p.path(n)
		if path == "" {
			return
		}
		data, err := os.ReadFile(path)
		if err != nil {
			p.errs.at(p.file, n, "%v", err)
			return
		}
		var errs errorList
		root := parseYAML(path, data, &errs)
		*p.errs = append(*p.errs, errs...)
		if root != nil {
			f.Space = SpaceSource{File: path, Data: data}
			f.spaceValue = root.value()
		}
	default:
		p.errs.at(p.file, n, "space: want a mapping or the path of a space file, not a list")
	}
}

// expand replaces ${VAR} references in s from the environment. "$$"
// writes a literal "$". An unset variable is an error at n.
func (p *fileParser) expand(n *node, s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '$' && i+1 < len(s) && s[i+1] == '$':
			b.WriteByte('$')
			i++
		case c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				p.errs.at(p.file, n, "unclosed ${ in %q", s)
				return s
			}
			name := s[i+2 : i+2+end]
			val, ok := p.lookup(name)
			if !ok {
				p.errs.at(p.file, n, "environment variable %s is not set (it is used in %q); "+
					"set it, e.g. %s=... nascent search %s",
					name, s, name, p.file)
			}
			b.WriteString(val)
			i += end + 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// checkPlaceholders reports unknown {name} placeholders, and {overrides}
// that is not a whole argument. The launcher expands the rest.
func checkPlaceholders(arg string) error {
	for i := 0; i < len(arg); i++ {
		if arg[i] != '{' || (i > 0 && arg[i-1] == '$') {
			continue
		}
		j := i + 1
		for j < len(arg) && (arg[j] == '_' || (arg[j] >= 'a' && arg[j] <= 'z')) {
			j++
		}
		if j == i+1 || j >= len(arg) || arg[j] != '}' {
			continue
		}
		name := arg[i+1 : j]
		known := false
		for _, ph := range Placeholders {
			known = known || ph == name
		}
		if !known {
			return fmt.Errorf("unknown placeholder {%s} (known: {%s})", name, strings.Join(Placeholders, "}, {"))
		}
		if name == "overrides" && arg != "{overrides}" {
			return fmt.Errorf("{overrides} must be a whole argument, not part of %q", arg)
		}
		i = j
	}
	return nil
}

// builtinCost reads "kws" or {name: kws, classes: 35}.
func (p *fileParser) builtinCost(t *TrialConfig, n *node) {
	name := n
	if n.kind == mapKind {
		p.known(n, []string{"name", "classes"})
		name = n.get("name")
		if name == nil {
			p.errs.at(p.file, n, "builtin_cost: missing name")
			return
		}
		if c := n.get("classes"); c != nil {
			t.CostClasses = int(max(p.integer(c, 2, 1<<20), 0))
		}
	}
	t.BuiltinCost = p.str(name)
	if t.BuiltinCost != "kws" {
		p.errs.at(p.file, name, "builtin_cost %q: the built-in cost models are: kws", t.BuiltinCost)
	}
}
