// Command nascent is neural architecture search in one binary: it evolves
// architectures from a YAML search space, runs every candidate as a trial,
// and keeps every result in a study database.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/nascent-nas/nascent/internal/cli"
)

func main() {
	// The CLI watches signals itself (a first Ctrl-C drains, a second
	// one stops trials), so the context here only carries cancellation.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	os.Exit(cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
