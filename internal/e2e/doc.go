// Package e2e holds end-to-end tests that build the real nascent binary
// and run the shipped examples with it, as a user would.
package e2e
