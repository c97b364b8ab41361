package space_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/nascent-nas/nascent/space"
)

func Example() {
	src := []byte(`
model:
  width: [16, 32, 64]
  blocks:
    min: 1
    max: 3
    choices:
      - {kind: conv, size: [3, 5, 7]}
      - {kind: pool}
  dropout: {lower: 0.0, upper: 0.5, step: 0.1}
`)
	s, err := space.Parse("example.yaml", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.NumParams(), "parameters,", s.SizeString(), "points")

	r := rand.New(rand.NewPCG(1, 2))
	parent := s.Sample(r)
	child, mutation, err := s.Mutate(r, parent)
	if err != nil {
		fmt.Println(err)
		return
	}
	p, _ := json.Marshal(parent.Values)
	c, _ := json.Marshal(child.Values)
	fmt.Println(string(p))
	fmt.Println(mutation)
	fmt.Println(string(c))
	// Output:
	// 5 parameters, 300 points
	// {"model":{"blocks":[{"kind":"conv","size":7}],"dropout":0.1,"width":64}}
	// model.width: 64 -> 32
	// {"model":{"blocks":[{"kind":"conv","size":7}],"dropout":0.1,"width":32}}
}

func ExampleParse_errors() {
	src := []byte(`
model:
  blocks:
    min: -1
    max: 3
    choices: [conv, pool]
  lr: {lower: 0.0, upper: 0.1, log: true}
`)
	_, err := space.Parse("study.yaml", src)
	fmt.Println(err)
	// Output:
	// study.yaml:4:10: model.blocks.min: must be >= 0, got -1
	// study.yaml:7:15: model.lr.lower: must be > 0 when log is true, got 0
}

// A candidate stored as JSON comes back with integers as float64; Decode
// restores the canonical values, the same hash, and the state that
// Mutate needs.
func ExampleSpace_Decode() {
	s, err := space.Parse("s.yaml", []byte("width: [16, 32]\ndepth: {lower: 1, upper: 9, int: true}\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	c := s.Sample(rand.New(rand.NewPCG(3, 4)))
	stored, _ := json.Marshal(c.Values)

	var loaded map[string]any
	if err := json.Unmarshal(stored, &loaded); err != nil {
		fmt.Println(err)
		return
	}
	d, err := s.Decode(loaded)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %T %v\n", stored, d.Values["depth"], d.Hash == c.Hash)
	// Output:
	// {"depth":8,"width":16} int64 true
}
