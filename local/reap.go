package local

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nascent-nas/nascent"
)

// Reap implements nascent.Reaper. The handle of an attempt is
// "host:pgid", its process group. Reap kills that group with SIGKILL if a
// process in it still runs this trial (has NASCENT_TRIAL_DIR set to the
// trial's directory), so that a group id reused by unrelated processes is
// left alone, and waits up to the grace period for the group to die.
//
// The parent-death signal kills a trial's main process with its
// controller; Reap is for what that leaves: the children of a wrapper
// script, training workers and the like. An attempt that ran on another
// host cannot be reached and is an ErrUnavailable error.
func (l *Launcher) Reap(ctx context.Context, job nascent.Job, handle string) error {
	host, id, ok := strings.Cut(handle, ":")
	pgid, err := strconv.Atoi(id)
	if !ok || err != nil || pgid <= 1 {
		return fmt.Errorf("local: reap: %w: handle %q is not host:pgid", nascent.ErrInvalid, handle)
	}
	if host != l.host {
		return fmt.Errorf("local: reap trial %d: %w: it ran on %s, not here (%s)",
			job.Trial, nascent.ErrUnavailable, host, l.host)
	}
	dir, err := filepath.Abs(job.Dir)
	if err != nil {
		return fmt.Errorf("local: reap: %w", err)
	}
	if !groupRuns(pgid, "NASCENT_TRIAL_DIR="+dir) {
		return nil
	}
	l.cfg.Logger.Info("killing what a dead controller left of a trial",
		"study", job.Study, "trial", job.Trial, "pgid", pgid)
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	deadline := time.Now().Add(l.cfg.Grace)
	for groupRuns(pgid, "NASCENT_TRIAL_DIR="+dir) {
		if time.Now().After(deadline) {
			return fmt.Errorf("local: reap trial %d: process group %d survives SIGKILL", job.Trial, pgid)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}
