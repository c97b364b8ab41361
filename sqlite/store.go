package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/nascent-nas/nascent"
)

// busyTimeout is how long a writer waits for another one before the store
// reports the database as unavailable. Controllers hold the write lock for
// milliseconds, so waiting this long means something is wrong.
const busyTimeout = 30 * time.Second

// Store is a nascent.Store in one SQLite database file. It is safe for
// concurrent use by goroutines and by processes sharing the file.
type Store struct {
	db   *sql.DB
	save *sql.Stmt // upsert of one trial
}

var _ nascent.Store = (*Store)(nil)

// Open opens or creates the database at path and brings its schema up to
// date. The caller closes the store.
func Open(ctx context.Context, path string) (*Store, error) {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db}
	if err := s.init(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return s, nil
}

func (s *Store) init(ctx context.Context) error {
	if err := s.connect(ctx); err != nil {
		return err
	}
	if err := migrate(ctx, s.db); err != nil {
		return err
	}
	var err error
	s.save, err = s.db.PrepareContext(ctx, `INSERT OR REPLACE INTO trials
		(study, number, state, candidate, hash, parent, mutation, metrics,
		 attempt, worker, handle, exit_code, reason, ask_seq, tell_seq,
		 queued, started, finished)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	return wrapErr("prepare", err)
}

// connect opens the first connection, retrying while the database is
// locked. Switching a new database to WAL mode takes a lock for which
// SQLite does not call the busy handler, so two processes creating the
// same database at once would otherwise see "database is locked".
func (s *Store) connect(ctx context.Context) error {
	deadline := time.Now().Add(busyTimeout)
	wait := time.Millisecond
	for {
		err := wrapErr("connect", s.db.PingContext(ctx))
		if !errors.Is(err, nascent.ErrUnavailable) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 100*time.Millisecond)
	}
}

// Close closes the database.
func (s *Store) Close() error {
	if s.save != nil {
		s.save.Close()
	}
	return s.db.Close()
}

// DB returns the underlying database, for checks such as
// PRAGMA integrity_check. Writing through it bypasses the lease.
func (s *Store) DB() *sql.DB { return s.db }

// CreateStudy implements nascent.Store.
func (s *Store) CreateStudy(ctx context.Context, st nascent.Study) error {
	if st.Name == "" {
		return fmt.Errorf("create study: %w: empty name", nascent.ErrInvalid)
	}
	config := st.Config
	if config == nil {
		config = []byte{} // the column is NOT NULL; nil means empty
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO studies
		(name, config, fingerprint, seed, created) VALUES (?, ?, ?, ?, ?)`,
		st.Name, config, st.Fingerprint, int64(st.Seed), nanos(st.Created))
	if isDuplicate(err) {
		return fmt.Errorf("create study %q: %w: it exists", st.Name, nascent.ErrConflict)
	}
	return wrapErr("create study", err)
}

// Study implements nascent.Store.
func (s *Store) Study(ctx context.Context, name string) (nascent.Study, error) {
	st := nascent.Study{Name: name}
	var seed, created, until int64
	err := s.db.QueryRowContext(ctx, `SELECT config, fingerprint, seed, created,
		owner, lease_until FROM studies WHERE name = ?`, name).
		Scan(&st.Config, &st.Fingerprint, &seed, &created, &st.Holder.Owner, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("study %q: %w", name, nascent.ErrNotFound)
	}
	if err != nil {
		return st, wrapErr("study", err)
	}
	st.Seed, st.Created = uint64(seed), fromNanos(created)
	if st.Holder.Owner != "" {
		st.Holder.Expires = fromNanos(until)
	}
	return st, nil
}

// UpdateStudy implements nascent.Store.
func (s *Store) UpdateStudy(ctx context.Context, owner string, st nascent.Study) error {
	return s.inLease(ctx, "update study", st.Name, owner, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE studies SET config = ?,
			fingerprint = ?, seed = ? WHERE name = ?`,
			st.Config, st.Fingerprint, int64(st.Seed), st.Name)
		return err
	})
}

// Acquire implements nascent.Store.
func (s *Store) Acquire(ctx context.Context, study, owner, steal string, ttl time.Duration) (nascent.Lease, error) {
	if owner == "" {
		return nascent.Lease{}, fmt.Errorf("acquire: %w: empty owner", nascent.ErrInvalid)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nascent.Lease{}, wrapErr("acquire", err)
	}
	defer tx.Rollback()

	// Compare and set within one immediate transaction: nobody can take
	// the lease between the check and the write.
	var held nascent.Lease
	var until int64
	err = tx.QueryRowContext(ctx, `SELECT owner, lease_until FROM studies
		WHERE name = ?`, study).Scan(&held.Owner, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return held, fmt.Errorf("acquire study %q: %w", study, nascent.ErrNotFound)
	}
	if err != nil {
		return held, wrapErr("acquire", err)
	}
	held.Expires = fromNanos(until)
	now := time.Now()
	free := held.Owner == "" || held.Owner == owner ||
		(steal != "" && held.Owner == steal) || !now.Before(held.Expires)
	if !free {
		return held, fmt.Errorf("acquire study %q: %w: held by %s until %s",
			study, nascent.ErrConflict, held.Owner, held.Expires.Format(time.RFC3339))
	}
	lease := nascent.Lease{Owner: owner, Expires: now.Add(ttl).UTC()}
	if _, err := tx.ExecContext(ctx, `UPDATE studies SET owner = ?,
		lease_until = ? WHERE name = ?`, owner, nanos(lease.Expires), study); err != nil {
		return held, wrapErr("acquire", err)
	}
	return lease, wrapErr("acquire", tx.Commit())
}

// Release implements nascent.Store.
func (s *Store) Release(ctx context.Context, study, owner string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE studies SET owner = '',
		lease_until = 0 WHERE name = ? AND owner = ?`, study, owner)
	return wrapErr("release", err)
}

// SaveTrials implements nascent.Store.
func (s *Store) SaveTrials(ctx context.Context, study, owner string, trials []nascent.Trial) error {
	return s.inLease(ctx, "save trials", study, owner, func(tx *sql.Tx) error {
		stmt := tx.StmtContext(ctx, s.save)
		for _, t := range trials {
			args, err := trialArgs(study, t)
			if err != nil {
				return err
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// AddReports implements nascent.Store.
func (s *Store) AddReports(ctx context.Context, study, owner string, reports []nascent.Report) error {
	return s.inLease(ctx, "add reports", study, owner, func(tx *sql.Tx) error {
		for _, r := range reports {
			vals, err := json.Marshal(r.Values)
			if err != nil {
				return fmt.Errorf("trial %d: %w: %v", r.Trial, nascent.ErrInvalid, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO reports
				(study, trial, attempt, step, time, vals) VALUES (?, ?, ?, ?, ?, ?)`,
				study, r.Trial, r.Attempt, r.Step, nanos(r.Time), string(vals)); err != nil {
				return err
			}
		}
		return nil
	})
}

// inLease runs fn in an immediate transaction after checking that owner
// holds the study's lease. The check and the writes commit together, so
// a controller whose lease was taken over cannot write.
func (s *Store) inLease(ctx context.Context, op, study, owner string, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(op, err)
	}
	defer tx.Rollback()
	var held string
	err = tx.QueryRowContext(ctx, `SELECT owner FROM studies WHERE name = ?`, study).Scan(&held)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: study %q: %w", op, study, nascent.ErrNotFound)
	}
	if err != nil {
		return wrapErr(op, err)
	}
	if held != owner {
		return fmt.Errorf("%s: study %q: %w: lease held by %q, not %q",
			op, study, nascent.ErrConflict, held, owner)
	}
	if err := fn(tx); err != nil {
		return wrapErr(op, err)
	}
	return wrapErr(op, tx.Commit())
}

// wrapErr labels err with op and maps SQLite's busy and locked errors to
// nascent.ErrUnavailable. It returns nil for a nil err.
func wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		switch coded.Code() & 0xff {
		case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
			return fmt.Errorf("%s: %w: database is locked: %v", op, nascent.ErrUnavailable, err)
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// isDuplicate reports whether err is a primary key violation.
func isDuplicate(err error) bool {
	var coded interface{ Code() int }
	return errors.As(err, &coded) && coded.Code() == 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
