-- Version 1: studies, their trials and the trials' intermediate reports.
-- Times are Unix nanoseconds in UTC; 0 means "has not happened".
CREATE TABLE studies (
	name        TEXT PRIMARY KEY,
	config      BLOB NOT NULL,
	fingerprint TEXT NOT NULL,
	seed        INTEGER NOT NULL,
	created     INTEGER NOT NULL,
	owner       TEXT NOT NULL DEFAULT '',
	lease_until INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE trials (
	study     TEXT NOT NULL REFERENCES studies (name) ON DELETE CASCADE,
	number    INTEGER NOT NULL,
	state     TEXT NOT NULL,
	candidate TEXT NOT NULL,
	hash      TEXT NOT NULL,
	parent    INTEGER NOT NULL,
	mutation  TEXT NOT NULL,
	metrics   TEXT,
	attempt   INTEGER NOT NULL,
	worker    TEXT NOT NULL,
	exit_code INTEGER NOT NULL,
	reason    TEXT NOT NULL,
	ask_seq   INTEGER NOT NULL,
	tell_seq  INTEGER NOT NULL,
	queued    INTEGER NOT NULL,
	started   INTEGER NOT NULL,
	finished  INTEGER NOT NULL,
	PRIMARY KEY (study, number)
) STRICT;

CREATE INDEX trials_hash ON trials (study, hash);

CREATE TABLE reports (
	study   TEXT NOT NULL REFERENCES studies (name) ON DELETE CASCADE,
	trial   INTEGER NOT NULL,
	attempt INTEGER NOT NULL,
	step    INTEGER NOT NULL,
	time    INTEGER NOT NULL,
	vals    TEXT NOT NULL
) STRICT;

CREATE INDEX reports_trial ON reports (study, trial);
