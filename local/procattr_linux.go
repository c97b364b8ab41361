//go:build linux

package local

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// procAttr puts the trial in a process group of its own and, on Linux,
// has the kernel kill it when the controller dies. The parent-death
// signal fires when the OS thread that started the child exits; Go keeps
// its threads for the life of the process unless a goroutine that locked
// one exits, which nascent never does, so in effect it fires when the
// controller process dies.
//
// The signal reaches the trial's main process only, not children it
// started in its group; Reap kills those when the study resumes.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// groupRuns reports whether a live process in process group pgid has env
// (such as "NASCENT_TRIAL_DIR=/x") in its environment. It reads /proc;
// processes of other users, whose environment it cannot read, and
// zombies do not count.
func groupRuns(pgid int, env string) bool {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return false
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if stat, ok := procStat(pid); !ok || stat.pgrp != pgid || stat.state == 'Z' {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err != nil {
			continue
		}
		for _, kv := range strings.Split(string(data), "\x00") {
			if kv == env {
				return true
			}
		}
	}
	return false
}

// procStatus is what groupRuns needs of /proc/PID/stat.
type procStatus struct {
	state byte
	pgrp  int
}

// procStat reads a process's state and process group. The command name
// in parentheses may hold spaces and parentheses, so the fields are
// counted from the last ')'.
func procStat(pid int) (procStatus, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStatus{}, false
	}
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return procStatus{}, false
	}
	// After ") ": state, ppid, pgrp, ...
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) < 3 || len(fields[0]) != 1 {
		return procStatus{}, false
	}
	pgrp, err := strconv.Atoi(fields[2])
	if err != nil {
		return procStatus{}, false
	}
	return procStatus{state: fields[0][0], pgrp: pgrp}, true
}
