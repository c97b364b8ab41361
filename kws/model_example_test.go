package kws_test

import (
	"fmt"

	"github.com/nascent-nas/nascent/kws"
)

// TC-ResNet8's cost before training, and the model built from the same
// candidate values.
func ExampleCost() {
	values := kws.TCResNet8(16, 24, 32, 48)
	cost, err := kws.Cost(values, 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := kws.BuildModel(values, 10, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("weights %.0f, MACs %.0f, activations %.0f\n",
		cost["weights"], cost["macs"], cost["activations"])
	fmt.Println("model weights", m.Weights())
	// Output:
	// weights 65040, MACs 1563168, activations 5656
	// model weights 65040
}
