// Package bench runs nascent's optimizers on tabular benchmarks, where
// evaluating a candidate is a table look-up, so that thousands of seeded
// searches finish in seconds and their quality can be compared with the
// literature.
//
// NAS-Bench-201 (Dong and Yang, ICLR 2020) tabulates all 15,625 cells of a
// four-node cell space: six edges, each one of five operations. The cell is
// expressed here as an ordinary nascent search space (see CellSpace), so
// that a benchmark exercises the real space, mutation and optimizer code.
package bench
