package space

import (
	"strconv"
	"testing"
)

// TestMayBeNumber checks that the fast path of needsQuotes never skips a
// string that strconv.ParseFloat accepts.
func TestMayBeNumber(t *testing.T) {
	for _, s := range []string{
		"1", "-1", "+1", ".5", "1e3", "0x1p-2", "0x_1p0", "inf", "+Inf", "-infinity",
		"NaN", "nan", "1_000", "Infinity", "e3", "x1", "none", "nor_conv_3x3", "",
	} {
		_, err := strconv.ParseFloat(s, 64)
		if err == nil && !mayBeNumber(s) {
			t.Errorf("mayBeNumber(%q) = false, but ParseFloat accepts it", s)
		}
	}
}

func FuzzMayBeNumber(f *testing.F) {
	f.Add("1e3")
	f.Add("nor_conv_3x3")
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := strconv.ParseFloat(s, 64); err == nil && !mayBeNumber(s) {
			t.Errorf("mayBeNumber(%q) = false, but ParseFloat accepts it", s)
		}
	})
}
