package space

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/nascent-nas/nascent"
)

// Error is one problem in a search space file, or in any file of nascent's
// that is read the same way (the study file uses this type too). It wraps
// Err, or nascent.ErrInvalid when Err is nil, so errors.Is(err,
// nascent.ErrInvalid) holds for a plain invalid file and for Errors.
type Error struct {
	File   string // file name as given to Parse; may be empty
	Line   int    // 1-based line of the offending key or value
	Column int    // 1-based column
	Path   string // key path such as "model.blocks.choices[0].size"; may be empty
	Msg    string // what is wrong and, where possible, what would be right
	Err    error  // the cause, when it is not that the file is invalid
}

// Error returns "file:line:column: path: msg", leaving out empty parts.
// An error about a candidate's values rather than a file has no file and
// a zero Line, and reads "path: msg".
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

// Errors holds every problem found in one file, in the order of the file.
// Parse returns a non-empty Errors or nil, never an empty Errors.
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
	errs := make([]error, len(es))
	for i, e := range es {
		errs[i] = e
	}
	return errs
}

// valueErrorf returns an error about the candidate value at path.
func valueErrorf(path, format string, args ...any) *Error {
	if path == "" {
		path = "(top level)"
	}
	return &Error{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// pos is a position in a YAML file.
type pos struct{ line, col int }

// errorList collects the errors of one file.
type errorList struct {
	file string
	errs Errors
}

func (l *errorList) add(p pos, path, format string, args ...any) {
	l.errs = append(l.errs, &Error{
		File:   l.file,
		Line:   p.line,
		Column: p.col,
		Path:   path,
		Msg:    fmt.Sprintf(format, args...),
	})
}

// err returns the collected errors sorted by position, or nil.
func (l *errorList) err() error {
	if len(l.errs) == 0 {
		return nil
	}
	sortErrors(l.errs)
	return l.errs
}

// sortErrors orders errors by line and column, keeping the order of
// errors found at the same place.
func sortErrors(errs Errors) {
	slices.SortStableFunc(errs, func(a, b *Error) int {
		if a.Line != b.Line {
			return cmp.Compare(a.Line, b.Line)
		}
		return cmp.Compare(a.Column, b.Column)
	})
}
