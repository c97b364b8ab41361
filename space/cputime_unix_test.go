//go:build unix

package space

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time this process has used, user and system,
// GC workers included. On a shared machine it measures the work of a
// benchmark better than the wall clock, which counts time spent waiting
// for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
