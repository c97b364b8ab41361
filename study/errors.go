package study

import (
	"fmt"
	"strings"

	"github.com/nascent-nas/nascent"
)

// Error is one problem in a study file. It wraps Err, or
// nascent.ErrInvalid when Err is nil.
type Error struct {
	File   string // file name as given; may be empty
	Line   int    // 1-based; 0 when the problem has no place in the file
	Column int    // 1-based
	Path   string // key path such as "trial.command[2]"; may be empty
	Msg    string
	Err    error // the cause, when it is not that the file is invalid
}

// Error returns "file:line:column: path: msg", leaving out empty parts.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", e.Line, e.Column)
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns Err, or nascent.ErrInvalid when Err is nil.
func (e *Error) Unwrap() error {
	if e.Err != nil {
		return e.Err
	}
	return nascent.ErrInvalid
}

// Errors holds every problem found in a study file, in file order.
type Errors []*Error

// Error returns the errors one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the single errors, so that errors.As finds an *Error and
// errors.Is finds nascent.ErrInvalid.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

func (es *Errors) add(file string, line, col int, path, format string, args ...any) {
	*es = append(*es, &Error{File: file, Line: line, Column: col, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// at records a problem at node n.
func (es *Errors) at(file string, n *node, format string, args ...any) {
	es.add(file, n.line, n.col, n.path, format, args...)
}

// err returns es as an error, or nil when it is empty.
func (es Errors) err() error {
	if len(es) == 0 {
		return nil
	}
	return es
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
