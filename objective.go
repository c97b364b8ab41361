package nascent

import "fmt"

// Direction says whether an objective is minimised or maximised.
type Direction int

// Directions. The zero value minimises.
const (
	Minimize Direction = iota
	Maximize
)

// String returns "minimize" or "maximize".
func (d Direction) String() string {
	if d == Maximize {
		return "maximize"
	}
	return "minimize"
}

// Objective is a metric that a study optimises.
type Objective struct {
	// Name is the metric's name as the trial reports it, e.g. "val_error".
	Name      string
	Direction Direction

	// Bound, when not zero, normalises the metric for scalarized
	// selection: the metric is divided by it (hannah's bounds).
	Bound float64
}

// Constraint is a hard limit on a metric, such as weights <= 20000. A
// candidate that breaks a constraint is infeasible and never a parent.
type Constraint struct {
	Metric string
	// Op is one of "<=", "<", ">=", ">".
	Op    string
	Limit float64
}

// String returns the constraint as written in a study file.
func (c Constraint) String() string {
	return fmt.Sprintf("%s %s %g", c.Metric, c.Op, c.Limit)
}

// Holds reports whether value satisfies the constraint.
func (c Constraint) Holds(value float64) bool {
	switch c.Op {
	case "<=":
		return value <= c.Limit
	case "<":
		return value < c.Limit
	case ">=":
		return value >= c.Limit
	case ">":
		return value > c.Limit
	}
	return false
}
