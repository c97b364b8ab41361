package nascent

import "time"

// Study is a named search: its configuration, its seed and, in the store,
// every trial it ran.
type Study struct {
	// Name identifies the study within a store.
	Name string

	// Config is the study file as the user wrote it, kept for the record
	// and for export. The store treats it as opaque.
	Config []byte

	// Fingerprint is a hash of what makes stored trials comparable: the
	// search space, the objectives and constraints, the optimizer and the
	// seed. A resumed study whose fingerprint changed is refused unless
	// the user forces it.
	Fingerprint string

	// Seed seeds the optimizer; with it the study's candidates are
	// reproducible.
	Seed uint64

	// Created is when the study was first stored, in UTC.
	Created time.Time

	// Holder is the lease on the study when it was read: who runs it and
	// until when, or the zero Lease when nobody does. Stores fill it in
	// Study and ignore it elsewhere; Acquire is the way to change it.
	Holder Lease
}

// Lease is a controller's exclusive hold on a study. Only the holder of a
// live lease writes trials, so two controllers never run a trial twice.
// A lease whose Expires has passed may be taken by anyone.
type Lease struct {
	// Owner names the holder; it must be unique per controller process,
	// e.g. "host:pid:random".
	Owner   string
	Expires time.Time
}
