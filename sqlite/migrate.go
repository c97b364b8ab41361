package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/nascent-nas/nascent"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one schema step; version n brings the schema to n.
type migration struct {
	version int
	sql     string
}

// migrations returns the embedded migrations in version order. Their file
// names start with the version number, as in 0001_init.sql.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		num, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: no version number", base)
		}
		data, err := migrationFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, sql: string(data)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// migrate brings the schema to the newest embedded version. It runs in one
// immediate transaction, so two processes opening a new database at once
// apply each migration exactly once.
func migrate(ctx context.Context, db *sql.DB) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr("migrate", err)
	}
	defer tx.Rollback()

	// Read the version inside the transaction: another process may have
	// migrated while this one waited for the lock.
	var have int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return wrapErr("migrate", err)
	}
	latest := ms[len(ms)-1].version
	if have > latest {
		return fmt.Errorf("migrate: %w: database schema version %d is newer than this nascent "+
			"knows (%d); use a newer nascent",
			nascent.ErrConflict, have, latest)
	}
	for _, m := range ms {
		if m.version <= have {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migrate to version %d: %w", m.version, err)
		}
		// PRAGMA takes no bound parameters; the version is an integer.
		if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(m.version)); err != nil {
			return wrapErr("migrate", err)
		}
	}
	return wrapErr("migrate", tx.Commit())
}
