package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
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

	// Start, then wait for the end. A timeout or an interrupt stops the
	// group from a timer's goroutine; the wait itself stays in this one,
	// so that a trial's end reaches the controller in as few goroutine
	// hand-offs as possible (each costs a scheduler slice on a loaded
	// machine).
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return failed(-1, "start %s: %v", cmd.Path, err)
	}
	pgid := cmd.Process.Pid
	if job.Started != nil {
		job.Started(l.host + ":" + strconv.Itoa(pgid))
	}
	st := &stopper{pgid: pgid, grace: l.cfg.Grace}
	if l.cfg.Timeout > 0 {
		timeout := time.AfterFunc(l.cfg.Timeout, func() {
			st.stop(fmt.Sprintf("timeout after %s", l.cfg.Timeout), false)
		})
		defer timeout.Stop()
	}
	unwatch := context.AfterFunc(ctx, func() { st.stop("interrupted", true) })
	_ = cmd.Wait() // the exit status is in cmd.ProcessState
	unwatch()
	stopped, byUser := st.end()

	// Whatever the trial left behind in its group dies with it.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	reports.flush()
	l.cfg.Logger.Debug("trial ended", "study", job.Study, "trial", job.Trial,
		"attempt", job.Attempt, "seconds", time.Since(start).Seconds())
	return l.outcome(cmd.ProcessState, stopped, byUser, f, stdout, stderr)
}

// stopper ends a process group on request: SIGTERM at once, SIGKILL if
// it still runs after the grace period. It remembers why and how. It is
// safe for concurrent use.
type stopper struct {
	mu          sync.Mutex
	pgid        int
	grace       time.Duration
	why         string // empty until stop is called
	interrupted bool
	killed      bool
	ended       bool
	kill        *time.Timer
}

// stop starts stopping the group, unless it is being stopped already or
// has ended.
func (s *stopper) stop(why string, interrupted bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.why != "" || s.ended {
		return
	}
	s.why, s.interrupted = why, interrupted
	_ = syscall.Kill(-s.pgid, syscall.SIGTERM)
	s.kill = time.AfterFunc(s.grace, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.ended {
			s.killed = true
			_ = syscall.Kill(-s.pgid, syscall.SIGKILL)
		}
	})
}

// end records that the main process was reaped, so that no late signal
// goes out, and says how the attempt was stopped: "" when it was not.
func (s *stopper) end() (stopped string, interrupted bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ended = true
	if s.kill != nil {
		s.kill.Stop()
	}
	if s.why == "" {
		return "", false
	}
	how := "terminated by SIGTERM"
	if s.killed {
		how = fmt.Sprintf("killed by SIGKILL after %s grace", s.grace)
	}
	if s.interrupted {
		// The trial's state says it was interrupted; the reason says
		// only how, lest messages read "interrupted: interrupted".
		return how, true
	}
	return s.why + ": " + how, false
}

// outcome classifies an ended attempt and reads its metrics.
func (l *Launcher) outcome(ps *os.ProcessState, stopped string, wasInterrupted bool, f trialFiles,
	stdout, stderr *capped) nascent.Outcome {
	code := -1
	if ps != nil && ps.Exited() {
		code = ps.ExitCode()
	}
	switch {
	case stopped != "" && wasInterrupted:
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
