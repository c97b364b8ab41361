//go:build unix && !linux

package local

import "syscall"

// procAttr puts the trial in a process group of its own.
//
// TODO(local): outside Linux there is no parent-death signal, so a killed
// controller leaves its trials running until they end.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// groupRuns reports false: without /proc there is no portable way to
// read another process's environment.
//
// TODO(local): use sysctl(KERN_PROC) on the BSDs and macOS, so that Reap
// works there too.
func groupRuns(pgid int, env string) bool { return false }
