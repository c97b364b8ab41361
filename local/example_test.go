package local_test

import (
	"fmt"

	"github.com/nascent-nas/nascent/local"
)

func ExampleOverrides() {
	args, err := local.Overrides(map[string]any{
		"model": map[string]any{
			"major_blocks": []any{map[string]any{"size": int64(3), "act": "relu"}},
			"dropout":      0.25,
		},
		"name": "tc net",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range args {
		fmt.Println(a)
	}
	// Output:
	// model.dropout=0.25
	// model.major_blocks=[{act:relu,size:3}]
	// name='tc net'
}
