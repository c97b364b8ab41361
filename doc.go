// Package nascent holds the domain of neural architecture search: search
// spaces and the candidates they produce, optimizers that propose
// candidates, studies and the trials that evaluate them, and the interfaces
// that adapters (SQLite, local processes, the built-in trainer) implement.
//
// This package imports only the standard library. Adapters live in their
// own packages and import this one; the CLI in internal/cli wires them.
package nascent
