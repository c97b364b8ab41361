package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/nascent-nas/nascent"
)

// waitDelay is how long Wait keeps reading output after the trial's main
// process exited, for children that still hold its stdout or stderr.
// The rest of the process group is killed afterwards.
const waitDelay = 2 * time.Second

// run starts cmd and supervises it until it ends, times out or ctx is
// cancelled, then reads the metrics.
func (l *Launcher) run(ctx context.Context, job nascent.Job, cmd *exec.Cmd, f trialFiles) nascent.Outcome {
	// Output goes to size-capped files, created at the first byte; stdout
	// is also scanned for tagged report lines.
	stdout := &capped{path: f.stdout, limit: l.cfg.OutputLimit}
	stderr := &capped{path: f.stderr, limit: l.cfg.OutputLimit, keepTail: true}
	defer stdout.close()
	defer stderr.close()
	reports := &reportScanner{job: job}
	cmd.Stdout = &teeLines{capped: stdout, scan: reports}
	cmd.Stderr = stderr
	cmd.WaitDelay = waitDelay

	// Start, then wait for the end, a timeout or an interrupt.
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return failed(-1, "start %s: %v", cmd.Path, err)
	}
	pgid := cmd.Process.Pid
	if job.Started != nil {
		job.Started(l.host + ":" + strconv.Itoa(pgid))
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var timeout <-chan time.Time
	if l.cfg.Timeout > 0 {
		t := time.NewTimer(l.cfg.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	var stopped string
	select {
	case <-done:
	case <-timeout:
		stopped = fmt.Sprintf("timeout after %s: %s", l.cfg.Timeout, l.stop(pgid, done))
	case <-ctx.Done():
		stopped = "interrupted: " + l.stop(pgid, done)
	}

	// Whatever the trial left behind in its group dies with it.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	reports.flush()
	l.cfg.Logger.Debug("trial ended", "study", job.Study, "trial", job.Trial,
		"attempt", job.Attempt, "seconds", time.Since(start).Seconds())
	return l.outcome(cmd.ProcessState, stopped, ctx.Err() != nil, f, stdout, stderr)
}

// stop ends a process group: SIGTERM, then SIGKILL if it has not exited
// after the grace period. It waits for the main process and says how it
// ended.
func (l *Launcher) stop(pgid int, done <-chan error) string {
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	grace := time.NewTimer(l.cfg.Grace)
	defer grace.Stop()
	select {
	case <-done:
		return "terminated by SIGTERM"
	case <-grace.C:
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	<-done
	return fmt.Sprintf("killed by SIGKILL after %s grace", l.cfg.Grace)
}

// outcome classifies an ended attempt and reads its metrics.
func (l *Launcher) outcome(ps *os.ProcessState, stopped string, cancelled bool, f trialFiles, stdout, stderr *capped) nascent.Outcome {
	code := -1
	if ps != nil && ps.Exited() {
		code = ps.ExitCode()
	}
	switch {
	case stopped != "" && cancelled:
		return nascent.Outcome{State: nascent.Interrupted, ExitCode: code, Reason: stopped}
	case stopped != "":
		return failed(code, "%s", stopped)
	case ps == nil:
		return failed(-1, "no exit status")
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return failed(-1, "killed by signal %d (%v)%s", int(ws.Signal()), ws.Signal(), stderr.lastLine())
	}
	if code != 0 {
		return failed(code, "exit status %d%s", code, stderr.lastLine())
	}
	metrics, err := readMetrics(f.metrics, l.cfg.Required)
	if err != nil {
		return failed(0, "%v", err)
	}
	out := nascent.Outcome{State: nascent.Completed, Metrics: metrics}
	if stdout.dropped > 0 || stderr.dropped > 0 {
		out.Reason = fmt.Sprintf("output truncated at %d bytes (stdout dropped %d, stderr dropped %d)",
			l.cfg.OutputLimit, stdout.dropped, stderr.dropped)
	}
	return out
}

func failed(code int, format string, args ...any) nascent.Outcome {
	return nascent.Outcome{State: nascent.Failed, ExitCode: code, Reason: fmt.Sprintf(format, args...)}
}

// errNoMetrics marks a trial that wrote no metrics file.
var errNoMetrics = errors.New("no metrics")
