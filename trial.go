package nascent

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// TrialState is where a trial is in its life. A trial is queued when the
// optimizer proposes it, running while a process evaluates it, and then
// ends completed, failed, pruned or rejected. A trial stopped by the user
// is interrupted; a controller that resumes the study runs it again.
type TrialState string

// Trial states, as stored and shown.
const (
	Queued      TrialState = "queued"
	Running     TrialState = "running"
	Completed   TrialState = "completed"
	Failed      TrialState = "failed"
	Pruned      TrialState = "pruned"
	Rejected    TrialState = "rejected"
	Interrupted TrialState = "interrupted"
)

// Final reports whether the state is an end from which a trial never moves:
// completed, failed, pruned or rejected. Queued, running and interrupted
// trials are re-run when a study resumes.
func (s TrialState) Final() bool {
	switch s {
	case Completed, Failed, Pruned, Rejected:
		return true
	}
	return false
}

// Evaluated reports whether a trial in this state spent evaluation budget:
// completed, failed and pruned trials do, rejected ones never ran.
func (s TrialState) Evaluated() bool {
	return s == Completed || s == Failed || s == Pruned
}

// Valid reports whether s is one of the trial states above.
func (s TrialState) Valid() bool {
	switch s {
	case Queued, Running, Completed, Failed, Pruned, Rejected, Interrupted:
		return true
	}
	return false
}

// Trial is one evaluation of a candidate within a study.
//
// AskSeq and TellSeq place the trial in the study's event log: every call
// to the optimizer's Ask and Tell takes the next number of one sequence
// shared by the whole study. Replaying the stored trials' asks and tells
// in that order rebuilds an optimizer exactly, whatever the parallelism
// was, because an optimizer's state is a pure function of its seed and
// its calls. TellSeq is -1 while the optimizer has not been told.
type Trial struct {
	Number    int
	State     TrialState
	Candidate Candidate

	// Parent is the parent's trial number, or -1 for a random candidate.
	// Mutation says how the candidate was made from its parent.
	Parent   int
	Mutation string

	// Metrics holds the final metrics by name; nil when there are none.
	// A rejected trial holds the cost metrics that broke a constraint.
	Metrics map[string]float64

	// Attempt counts the runs of this trial, starting at 1 for the first.
	Attempt int

	// Worker names who ran the last attempt, e.g. "host:pid".
	Worker string

	// Handle is the evaluator's name for the last attempt while it runs,
	// such as "host:pgid" for a local process group: what a resumed study
	// needs to stop an attempt that a dead controller left behind. Empty
	// when the evaluator gives none.
	Handle string

	// ExitCode is the process exit status of the last attempt, -1 when it
	// did not exit normally (signal, timeout) or never ran.
	ExitCode int

	// Reason explains a failed, pruned, rejected or interrupted trial.
	Reason string

	AskSeq  int64
	TellSeq int64

	// Times in UTC. Zero means the event has not happened.
	Queued   time.Time
	Started  time.Time
	Finished time.Time
}

// Report is an intermediate report of a running trial, such as the
// validation error after an epoch.
type Report struct {
	Trial   int
	Attempt int
	// Step is the report's position as the trial numbered it (an epoch),
	// or its order of arrival when the trial gave none.
	Step   int64
	Time   time.Time
	Values map[string]float64
}

// Job is one attempt at a trial, handed to an Evaluator.
type Job struct {
	Study     string
	Trial     int
	Attempt   int
	Candidate Candidate

	// Dir is the trial's directory; the evaluator creates it if needed.
	Dir string

	// Report, when not nil, receives intermediate reports as they come.
	// It is called from one goroutine at a time and must not block long.
	Report func(Report)

	// Started, when not nil, receives the attempt's handle (see
	// Trial.Handle) once it runs. It must not block long.
	Started func(handle string)
}

// Outcome is how an attempt ended.
type Outcome struct {
	// State is Completed, Failed or Interrupted.
	State   TrialState
	Metrics map[string]float64

	// ExitCode is the exit status, or -1 when the attempt did not exit on
	// its own (signal, timeout, never started).
	ExitCode int

	// Reason says precisely why an attempt failed or was interrupted,
	// e.g. "exit status 3" or "timeout after 10s: terminated".
	Reason string
}

// Evaluator evaluates candidates: it runs a training process, calls a
// function, or submits a cluster job. Evaluate returns when the attempt is
// over. When ctx is cancelled the attempt is stopped and its Outcome is
// Interrupted. Evaluate is safe for concurrent use.
type Evaluator interface {
	Evaluate(ctx context.Context, job Job) Outcome
}

// Reaper is an Evaluator that can stop an attempt it started in an
// earlier process, given the attempt's handle. A controller that resumes
// a study calls Reap for every attempt the dead controller left running,
// before it runs the trial again. Reap returns nil when nothing of the
// attempt is left.
type Reaper interface {
	Reap(ctx context.Context, job Job, handle string) error
}

// CostModel computes cost metrics (weights, MACs, memory) from a candidate
// alone, before any training, so that candidates that break a constraint
// are rejected without spending budget. Cost returns an error wrapping
// ErrInvalid when the candidate cannot be costed (for example, it does
// not describe a network the model knows). A CostModel is safe for
// concurrent use.
type CostModel interface {
	Cost(c Candidate) (map[string]float64, error)
}

// Identifier is an optional interface of a CostModel that knows when
// different candidates describe the same thing to evaluate, such as one
// network reached through equivalent settings (a residual block without
// a skip path is a plain chain). The controller rejects a candidate whose
// identity a trial that ran already has, as it rejects one with the same
// hash, so that no budget goes to evaluating the same network twice.
type Identifier interface {
	// Identity returns a string equal for candidates that evaluate alike
	// and different otherwise.
	Identity(c Candidate) (string, error)
}

// EncodeValues writes a candidate's canonical values as JSON that
// DecodeValues reads back with the same Go types: mapping keys sorted,
// integers as integers, and every float64 with a decimal point or an
// exponent so that 2.0 stays a float. Non-finite floats and types outside
// the canonical set are an ErrInvalid error.
func EncodeValues(values map[string]any) ([]byte, error) {
	var b []byte
	b, err := appendValue(b, values, "")
	if err != nil {
		return nil, err
	}
	return b, nil
}

// DecodeValues reads JSON written by EncodeValues (or any JSON object):
// numbers without a fraction or exponent become int64, others float64.
func DecodeValues(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("decode values: %w: %v", ErrInvalid, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("decode values: %w: data after the object", ErrInvalid)
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("decode values: %w: not a JSON object", ErrInvalid)
	}
	v, err := fromJSON(m)
	if err != nil {
		return nil, err
	}
	return v.(map[string]any), nil
}

func appendValue(b []byte, v any, path string) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case float64:
		return appendFloat(b, x, path)
	case string:
		s, _ := json.Marshal(x) // a string always marshals
		return append(b, s...), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			b, err = appendValue(b, e, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		return appendMap(b, x, path)
	}
	return nil, fmt.Errorf("encode values: %w: %s: type %T is not canonical", ErrInvalid, path, v)
}

func appendFloat(b []byte, x float64, path string) ([]byte, error) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil, fmt.Errorf("encode values: %w: %s: non-finite %v", ErrInvalid, path, x)
	}
	n := len(b)
	b = strconv.AppendFloat(b, x, 'g', -1, 64)
	if !bytes.ContainsAny(b[n:], ".eE") {
		b = append(b, ".0"...)
	}
	return b, nil
}

func appendMap(b []byte, m map[string]any, path string) ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		s, _ := json.Marshal(k)
		b = append(b, s...)
		b = append(b, ':')
		p := k
		if path != "" {
			p = path + "." + k
		}
		var err error
		if b, err = appendValue(b, m[k], p); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func fromJSON(v any) (any, error) {
	switch x := v.(type) {
	case json.Number:
		s := string(x)
		if !strings.ContainsAny(s, ".eE") {
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				return i, nil
			}
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("decode values: %w: number %s: %v", ErrInvalid, s, err)
		}
		return f, nil
	case []any:
		for i, e := range x {
			d, err := fromJSON(e)
			if err != nil {
				return nil, err
			}
			x[i] = d
		}
	case map[string]any:
		for k, e := range x {
			d, err := fromJSON(e)
			if err != nil {
				return nil, err
			}
			x[k] = d
		}
	}
	return v, nil
}
