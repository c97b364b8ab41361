// Package space reads hannah-style YAML search spaces, checks them
// strictly, and samples and mutates their points.
//
// A space is a YAML mapping whose values are read by shape: a list is a
// choice among its elements; a mapping with min, max and choices is a
// choice list; one with lower and upper is an interval; one with choices
// and size is a subset; one with choices and partitions is a partition;
// any other mapping is a nested space; scalars, and keys of the form
// _name_, are constants. docs/search-space.md describes the format.
//
// Parse, ParseFile and ParseNode return a *Space, which implements
// nascent.Space. Every problem of a file is reported at once, as an
// Errors list whose elements carry the file, line, column and key path.
//
// A sampled point's Values are canonical: maps, lists, strings, int64,
// float64, bools and nil, with integers for integer parameters. Hash
// gives them a stable hash; Space.Decode and Space.Normalize turn values
// read back from JSON or YAML into canonical ones, and MarshalYAML writes
// them so that YAML readers get the same types back.
package space
