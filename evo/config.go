package evo

import (
	"fmt"
	"math"

	"github.com/nascent-nas/nascent"
)

// Selection names how a tournament picks its winner when there are several
// objectives. With one objective both selections pick the best value.
type Selection string

// Selections.
const (
	// Scalarized is hannah's selection: for each tournament a fresh weight
	// w_i ~ U(0, 1) per objective, and the winner is the member with the
	// smallest weighted Euclidean norm sqrt(sum_i (w_i m_i)^2) of its
	// bound-normalised minimised values m_i (see Objective handling in
	// New).
	Scalarized Selection = "scalarized"

	// Pareto picks the member of lowest non-dominated rank within the
	// population, ties broken by the larger crowding distance within its
	// front (NSGA-II's crowded comparison).
	Pareto Selection = "pareto"
)

// Defaults of Config, filled in for zero values.
const (
	DefaultPopulationSize = 100
	DefaultSampleSize     = 10
	DefaultEps            = 0.1
	DefaultSelection      = Pareto
	DefaultMaxTries       = 100
)

// Config holds the settings of aging evolution and random search. The zero
// value of every field means its documented default, so Config{} with one
// objective is hannah's aging evolution with duplicate avoidance.
type Config struct {
	// PopulationSize is the number of most recently told feasible results
	// that form the population; the oldest dies when a new one arrives.
	// Zero means DefaultPopulationSize (100).
	PopulationSize int

	// SampleSize is the number of population members drawn uniformly,
	// with replacement, for each tournament. Zero means DefaultSampleSize
	// (10).
	SampleSize int

	// Eps is the probability, in [0, 1], that a child is sampled from the
	// space instead of mutated from a parent. Nil means DefaultEps (0.1);
	// a pointer so that an explicit 0 can be told from "not set".
	Eps *float64

	// Selection is the tournament rule for several objectives. Empty
	// means DefaultSelection (Pareto). It is ignored for one objective.
	Selection Selection

	// AllowDuplicates turns duplicate avoidance off. By default a drawn
	// candidate whose hash was already proposed (evaluated or in flight)
	// is drawn again, up to MaxTries times, so that no evaluation is spent
	// twice on the same point.
	AllowDuplicates bool

	// MaxTries bounds the draws of one Ask when avoiding duplicates: up
	// to MaxTries draws as usual, then up to MaxTries random samples. When
	// every one is a duplicate (the space is nearly exhausted), Ask
	// returns the last. Zero means DefaultMaxTries (100).
	MaxTries int

	// Objectives are the metrics to optimise; at least one is required.
	// Their names must be distinct.
	Objectives []nascent.Objective

	// Constraints are hard limits on metrics. A result that breaks one, or
	// lacks its metric, is infeasible and never becomes a parent.
	Constraints []nascent.Constraint
}

// Float returns a pointer to v, for Config.Eps.
func Float(v float64) *float64 { return &v }

// Check returns an error wrapping nascent.ErrInvalid when a setting is out
// of range, as New and NewRandom would.
func (cfg Config) Check() error {
	_, err := cfg.withDefaults()
	return err
}

// withDefaults returns cfg with its zero values replaced by the defaults,
// or an error wrapping nascent.ErrInvalid when a setting is out of range.
func (cfg Config) withDefaults() (Config, error) {
	// Fill the defaults.
	if cfg.PopulationSize == 0 {
		cfg.PopulationSize = DefaultPopulationSize
	}
	if cfg.SampleSize == 0 {
		cfg.SampleSize = DefaultSampleSize
	}
	if cfg.Eps == nil {
		cfg.Eps = Float(DefaultEps)
	}
	if cfg.Selection == "" {
		cfg.Selection = DefaultSelection
	}
	if cfg.MaxTries == 0 {
		cfg.MaxTries = DefaultMaxTries
	}

	// Check the ranges.
	switch {
	case cfg.PopulationSize < 0:
		return cfg, invalidf("population_size %d: want a positive number", cfg.PopulationSize)
	case cfg.SampleSize < 0:
		return cfg, invalidf("sample_size %d: want a positive number", cfg.SampleSize)
	case !(*cfg.Eps >= 0 && *cfg.Eps <= 1):
		return cfg, invalidf("eps %g: want a probability in [0, 1]", *cfg.Eps)
	case cfg.Selection != Scalarized && cfg.Selection != Pareto:
		return cfg, invalidf("selection %q: want %q or %q", cfg.Selection, Scalarized, Pareto)
	case cfg.MaxTries < 0:
		return cfg, invalidf("max_tries %d: want a positive number", cfg.MaxTries)
	}
	if err := checkObjectives(cfg); err != nil {
		return cfg, err
	}
	return cfg, checkConstraints(cfg.Constraints)
}

// checkObjectives checks that there is at least one objective, that names
// are distinct and that scalarized selection can normalise every objective.
func checkObjectives(cfg Config) error {
	if len(cfg.Objectives) == 0 {
		return invalidf("no objectives: want at least one")
	}
	names := make(map[string]bool, len(cfg.Objectives))
	for _, o := range cfg.Objectives {
		switch {
		case o.Name == "":
			return invalidf("objective without a name")
		case names[o.Name]:
			return invalidf("objective %q given twice", o.Name)
		case o.Bound < 0 || math.IsNaN(o.Bound) || math.IsInf(o.Bound, 0):
			return invalidf("objective %q: bound %g: want a positive number", o.Name, o.Bound)
		}
		names[o.Name] = true

		// The scalarized norm needs non-negative minimised values; for a
		// maximised metric those are (bound - v) / bound, so a bound is
		// required (hannah's objectives were all minimised).
		multi := len(cfg.Objectives) > 1
		if multi && cfg.Selection == Scalarized && o.Direction == nascent.Maximize && o.Bound == 0 {
			return invalidf("objective %q: scalarized selection of a maximized "+
				"metric needs a bound (its best possible value, e.g. 100 "+
				"for an accuracy in percent)", o.Name)
		}
	}
	return nil
}

// checkConstraints checks every constraint's operator and limit.
func checkConstraints(cs []nascent.Constraint) error {
	for _, c := range cs {
		switch {
		case c.Metric == "":
			return invalidf("constraint %q: no metric", c)
		case c.Op != "<=" && c.Op != "<" && c.Op != ">=" && c.Op != ">":
			return invalidf("constraint %q: operator %q: want <=, <, >= or >", c, c.Op)
		case math.IsNaN(c.Limit):
			return invalidf("constraint %q: limit is not a number", c)
		}
	}
	return nil
}

// invalidf returns an error wrapping nascent.ErrInvalid.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("evo: %w: %s", nascent.ErrInvalid, fmt.Sprintf(format, args...))
}
