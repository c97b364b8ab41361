package kws

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/nascent-nas/nascent"
)

// FuzzBuildModel feeds candidate values decoded from JSON to BuildModel
// and Cost: they must return a model or an ErrInvalid error, never panic,
// and agree on the weights.
func FuzzBuildModel(f *testing.F) {
	seed, err := json.Marshal(TCResNet8(4, 4, 8, 8))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"major_blocks":[{"output_channels":3,"minor_blocks":[{"size":2,"padding":false}]}]}`))
	f.Add([]byte(`{"model":{"major_blocks":[{"output_channels":2,"stride":7,` +
		`"minor_blocks":[{"size":1,"parallel":true},{"size":9}]}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var values map[string]any
		if json.Unmarshal(data, &values) != nil || values == nil {
			return
		}
		cost, cerr := Cost(values, 3)
		m, err := BuildModel(values, 3, 1)
		if err != nil {
			if !errors.Is(err, nascent.ErrInvalid) {
				t.Fatalf("BuildModel error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if cerr != nil {
			t.Fatalf("BuildModel accepts what Cost refuses: %v", cerr)
		}
		if cost["weights"] != float64(m.Weights()) {
			t.Fatalf("Cost weights %v, model %d", cost["weights"], m.Weights())
		}
	})
}
