package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/nascent-nas/nascent"
	"github.com/nascent-nas/nascent/internal/storetest"
	"github.com/nascent-nas/nascent/sqlite"
)

func open(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) nascent.Store {
		return open(t, filepath.Join(t.TempDir(), "study.db"))
	})
}

func TestPragmas(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "study.db"))
	tests := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"synchronous", "1"}, // NORMAL
		{"foreign_keys", "1"},
		{"busy_timeout", "30000"},
		{"user_version", "2"},
	}
	for _, tt := range tests {
		var got string
		if err := s.DB().QueryRow("PRAGMA " + tt.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("PRAGMA %s = %s, want %s", tt.pragma, got, tt.want)
		}
	}
}

func TestOpenAtOnceMigratesOnce(t *testing.T) {
	// Several openers of one new database at the same moment, a few
	// times over: each succeeds and the schema is created once.
	for round := 0; round < 10; round++ {
		path := filepath.Join(t.TempDir(), "study.db")
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := sqlite.Open(context.Background(), path)
				if err == nil {
					s.Close()
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: Open #%d = %v", round, i, err)
			}
		}
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "study.db")
	s := open(t, path)
	if _, err := s.DB().Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := sqlite.Open(context.Background(), path)
	if !errors.Is(err, nascent.ErrConflict) {
		t.Errorf("Open(schema 99) = %v, want ErrConflict", err)
	}
}

func TestOpenUnwritablePath(t *testing.T) {
	_, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "no", "such", "dir", "x.db"))
	if err == nil {
		t.Error("Open(missing directory) = nil, want an error")
	}
}

// TestMigrateFromVersion1 opens a database written by the first schema:
// it is brought to the current one and its trials read back.
func TestMigrateFromVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	v1, err := os.ReadFile(filepath.Join("migrations", "0001_init.sql"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{string(v1), "PRAGMA user_version = 1",
		`INSERT INTO studies (name, config, fingerprint, seed, created) VALUES ('old', x'', 'f', 1, 0)`,
		`INSERT INTO trials VALUES ('old', 0, 'completed', '{"x":1}', 'h', -1, '', '{"loss":0.5}',
			1, 'host:1', 0, '', 0, 1, 0, 0, 0)`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	db.Close()

	s := open(t, path)
	var version int
	s.DB().QueryRow("PRAGMA user_version").Scan(&version)
	trials, err := s.Trials(context.Background(), "old")
	if err != nil || version != 2 || len(trials) != 1 || trials[0].Metrics["loss"] != 0.5 || trials[0].Handle != "" {
		t.Errorf("after migrating: version %d, trials %+v, %v; want version 2 and the old trial", version, trials, err)
	}
}
