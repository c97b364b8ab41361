package study

import (
	"fmt"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/space"
)

// Error is one problem in a study file. It is the search space's error
// type, so that both files report problems alike; Err, when set, is a
// cause other than an invalid file.
type Error = space.Error

// Errors holds every problem found in a study file, in file order.
type Errors = space.Errors

// errorList collects the problems of one study file.
type errorList Errors

func (es *errorList) add(file string, line, col int, path, format string, args ...any) {
	*es = append(*es, &Error{File: file, Line: line, Column: col, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// at records a problem at node n.
func (es *errorList) at(file string, n *node, format string, args ...any) {
	es.add(file, n.line, n.col, n.path, format, args...)
}

// err returns es as an error, or nil when it is empty.
func (es errorList) err() error {
	if len(es) == 0 {
		return nil
	}
	return Errors(es)
}

// conflictError is a refusal that reads as a sentence of its own and
// wraps nascent.ErrConflict, so that the CLI exits with its conflict
// status without the message ending in ": conflict".
type conflictError struct{ msg string }

func (e *conflictError) Error() string { return e.msg }

// Unwrap returns nascent.ErrConflict.
func (e *conflictError) Unwrap() error { return nascent.ErrConflict }

// conflictf returns a conflictError with a formatted message.
func conflictf(format string, args ...any) error {
	return &conflictError{msg: fmt.Sprintf(format, args...)}
}
