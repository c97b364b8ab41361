package nascent

import (
	"context"
	"time"
)

// Store keeps studies and their trials. It is the only point where
// controllers coordinate: a controller holds a study's lease while it runs
// trials, and every trial write is checked against that lease in the same
// transaction, so a controller that lost its lease can change nothing.
//
// Errors wrap ErrNotFound (no such study), ErrConflict (study exists,
// lease held by another owner or lost), ErrUnavailable (database locked
// or unreachable) or ErrInvalid. Times round-trip to the microsecond at
// least, in UTC. Implementations are safe for concurrent use. The conformance suite in internal/storetest states the contract in
// code; every implementation must pass it.
type Store interface {
	// CreateStudy stores a new study. It fails with ErrConflict when a
	// study of that name exists.
	CreateStudy(ctx context.Context, s Study) error

	// Study returns the named study.
	Study(ctx context.Context, name string) (Study, error)

	// UpdateStudy replaces the stored config and fingerprint of a study
	// whose lease owner holds, as when the user forces a changed study
	// to continue.
	UpdateStudy(ctx context.Context, owner string, s Study) error

	// Acquire takes or renews the study's lease for owner until now+ttl.
	// It succeeds when the lease is free, expired, already owner's, or
	// held by steal (pass "" to steal nothing), which lets a controller
	// take over a lease whose holder it knows to be dead. It returns the
	// lease held after the call; on ErrConflict that is the other
	// holder's lease.
	Acquire(ctx context.Context, study, owner, steal string, ttl time.Duration) (Lease, error)

	// Release gives up owner's lease; releasing a lease not held is not
	// an error.
	Release(ctx context.Context, study, owner string) error

	// SaveTrials inserts or replaces trials by number, all or none, if
	// owner holds the study's lease; otherwise it fails with ErrConflict.
	SaveTrials(ctx context.Context, study, owner string, trials []Trial) error

	// AddReports appends intermediate reports, under the same lease rule.
	AddReports(ctx context.Context, study, owner string, reports []Report) error

	// Trials returns the study's trials in increasing number.
	Trials(ctx context.Context, study string) ([]Trial, error)

	// Reports returns a trial's intermediate reports in the order they
	// were added.
	Reports(ctx context.Context, study string, trial int) ([]Report, error)
}
