// Package local runs trials as processes on this machine, several at once.
//
// Each attempt runs the trial command directly, never through a shell, in
// a process group of its own, so that a timeout or an interrupt stops the
// command and everything it started: SIGTERM to the group first, SIGKILL
// after a grace period. On Linux the command also dies with the
// controller (parent-death signal), so a killed controller leaves no
// trial running unsupervised.
//
// The trial protocol (what a trial command receives and what it sends
// back) is documented in docs/trial-protocol.md.
package local
