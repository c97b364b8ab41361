package nascent

import "errors"

// Error kinds. Errors returned across package boundaries wrap one of these
// so that callers can use errors.Is, and so that the CLI can map them to
// exit codes.
var (
	// ErrInvalid marks bad user input: a malformed file, a bad flag, a
	// value out of range.
	ErrInvalid = errors.New("invalid")

	// ErrNotFound marks a missing study, trial, file or directory.
	ErrNotFound = errors.New("not found")

	// ErrConflict marks a clash with existing state, such as a study whose
	// search space changed or a study held by another controller.
	ErrConflict = errors.New("conflict")

	// ErrUnavailable marks a resource that cannot be reached now, such as
	// a locked database or a dead server.
	ErrUnavailable = errors.New("unavailable")
)
