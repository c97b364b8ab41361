// Package chart draws the pictures of a study: the Pareto front of two
// objectives (every trial as a point, the front as a staircase) and the
// search history (an objective against trial number, with the best so far).
// It writes PNG and SVG through gonum/plot.
//
// Points are plain values; the caller decides which trials are on the
// front, so that this package knows nothing of stores or optimizers.
package chart
