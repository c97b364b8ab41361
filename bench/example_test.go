package bench_test

import (
	"fmt"

	"github.com/nascent-nas/nascent/bench"
)

func ExampleParseArch() {
	a, err := bench.ParseArch("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|" +
		"+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a)
	fmt.Println(bench.ArchValues(a)["edge_1_2"])
	// Output:
	// |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|
	// nor_conv_1x1
}
