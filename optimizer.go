package nascent

// Proposal is a candidate that an optimizer asks to have evaluated.
type Proposal struct {
	Candidate Candidate

	// Parent is the trial number of the candidate's parent, or -1 when the
	// candidate was sampled at random.
	Parent int

	// Mutation describes how the candidate was made from its parent; it
	// is empty for a random candidate.
	Mutation string
}

// Result is the outcome of one trial as an optimizer sees it.
type Result struct {
	// Trial is the trial number given to Ask.
	Trial     int
	Candidate Candidate

	// Metrics holds the trial's final metrics by name. It is nil when
	// the trial failed.
	Metrics map[string]float64

	// Failed reports that the trial produced no usable metrics. A failed
	// result is never chosen as a parent.
	Failed bool
}

// Optimizer proposes candidates and learns from their results. It runs
// steady-state and asynchronously: Ask may be called whenever a trial slot
// frees, and results may be told in any order.
//
// The optimizer's state is a pure function of its seed and the ordered
// sequence of calls made to it, so that a resumed study rebuilds it
// exactly by replaying stored trials. An Optimizer is not safe for
// concurrent use.
type Optimizer interface {
	// Ask proposes the candidate for the trial numbered trial. Trial
	// numbers start at 0 and are given in increasing order.
	Ask(trial int) (Proposal, error)

	// Tell reports the result of a trial that Ask proposed.
	Tell(r Result) error
}

// Replayer is an Optimizer that a resumed study can bring back to the
// state it had before a restart without asking again. The controller
// replays the stored trials in the order of the original calls: Tell for a
// finished trial (Tell accepts trials that were not asked in this
// process), Proposed for a trial that was in flight.
type Replayer interface {
	Optimizer

	// Proposed records that c was proposed for trial and that its result
	// is still to come, leaving the optimizer as Ask would have.
	Proposed(trial int, c Candidate) error
}
