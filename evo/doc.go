// Package evo holds nascent's optimizers and the multi-objective tools they
// use: aging evolution (Real et al., "Regularized evolution for image
// classifier architecture search", AAAI 2019) and random search, both
// implementing nascent.Optimizer; Pareto fronts, non-dominated sorting and
// crowding distance (Deb et al., "A fast and elitist multiobjective genetic
// algorithm: NSGA-II", IEEE TEC 2002); and the exact hypervolume indicator.
//
// The optimizers run steady-state and asynchronously. Their state is a pure
// function of the seed and the ordered calls made to them: the random source
// of Ask(trial) is derived from (seed, trial) alone, so a resumed study
// rebuilds an optimizer exactly by replaying its stored trials.
package evo
