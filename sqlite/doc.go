// Package sqlite keeps nascent studies in an SQLite database file through
// the pure-Go modernc.org/sqlite driver, so the nascent binary stays
// static.
//
// The database runs in WAL mode with synchronous=NORMAL: readers (status,
// a dashboard) never block the controller, and a commit costs no fsync.
// In WAL mode NORMAL keeps the database consistent after a crash of the
// process or of the machine; what a power loss can cost is the last few
// commits, and because the controller writes its event log in order, what
// is lost is always a suffix of it: the affected trials are simply re-run
// on resume. A killed controller process loses nothing, since committed
// pages already sit in the operating system's cache.
//
// Writers wait for each other through a busy timeout instead of failing
// with "database is locked", and every write transaction starts with
// BEGIN IMMEDIATE so that two writers never deadlock on a lock upgrade.
// The schema is versioned by the migrations embedded in the binary and
// recorded in PRAGMA user_version.
package sqlite
