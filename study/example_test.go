package study_test

import (
	"fmt"

	"github.com/nascent-nas/nascent/study"
)

func ExampleParse() {
	src := `
budget: 50
objectives: [{name: val_error}, {name: weights}]
constraints: [weights <= 20000]
trial:
  command: [python, train.py, "{overrides}"]
  timeout: 10m
space:
  width: [8, 16, 32]
`
	f, err := study.Parse("search/demo.yaml", []byte(src), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Name, f.Budget, f.Storage, f.TrialsDir)
	fmt.Println(f.Trial.Command, f.Trial.Timeout, f.Constraints[0])

	_, err = study.Parse("search/demo.yaml", []byte("budget: -1\n"+src[12:]), nil)
	fmt.Println(err)
	// Output:
	// demo 50 search/demo.db search/demo.trials
	// [python train.py {overrides}] 10m0s weights <= 20000
	// search/demo.yaml:1:9: budget: -1 is out of range [1, 2147483647]
}
