//go:build linux

package local

import "syscall"

// procAttr puts the trial in a process group of its own and, on Linux,
// has the kernel kill it when the controller dies. The parent-death
// signal fires when the OS thread that started the child exits; Go keeps
// its threads for the life of the process unless a goroutine that locked
// one exits, which nascent never does, so in effect it fires when the
// controller process dies.
//
// TODO(local): the signal reaches the trial's main process only, not
// children it started in its group. Record each trial's process group in
// the store and kill what is left of it when the study resumes.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
