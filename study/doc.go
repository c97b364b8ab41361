// Package study reads study files and runs studies.
//
// A study file (see docs/study-file.md) says everything a search needs:
// the space, the objectives, the optimizer, the trial command and the
// budget. Load parses and checks one, with errors that name the file, line,
// column and key path. A Controller then runs the search loop: it asks the
// optimizer for candidates, rejects duplicates and candidates whose cost
// breaks a constraint, evaluates the rest in parallel, tells the optimizer
// the results and stores every step, so that a study killed at any moment
// resumes where it stopped.
//
// The package imports the domain (package nascent) and no adapter: the CLI
// hands a Controller its store, optimizer, evaluator and cost model.
package study
