package sqlite_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/nascent-nas/nascent/sqlite"
)

// TestMain lets the tests run this binary as another process that opens
// a database, the way two nascent commands would.
func TestMain(m *testing.M) {
	if path := os.Getenv("NASCENT_SQLITE_TEST_OPEN"); path != "" {
		s, err := sqlite.Open(context.Background(), path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		s.Close()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestOpenFromProcessesAtOnce starts several processes that create the
// same database at the same moment; every one must succeed.
func TestOpenFromProcessesAtOnce(t *testing.T) {
	for round := 0; round < 5; round++ {
		path := filepath.Join(t.TempDir(), "study.db")
		cmds := make([]*exec.Cmd, 6)
		outs := make([]bytes.Buffer, len(cmds))
		for i := range cmds {
			cmds[i] = exec.Command(os.Args[0])
			cmds[i].Env = append(os.Environ(), "NASCENT_SQLITE_TEST_OPEN="+path)
			cmds[i].Stderr = &outs[i]
			if err := cmds[i].Start(); err != nil {
				t.Fatal(err)
			}
		}
		for i, c := range cmds {
			if err := c.Wait(); err != nil {
				t.Errorf("round %d: process %d: %v: %s", round, i, err, outs[i].String())
			}
		}
	}
}
