package nascent_test

import (
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/nascent-nas/nascent"
)

func TestTrialStates(t *testing.T) {
	tests := []struct {
		state            nascent.TrialState
		final, evaluated bool
	}{
		{nascent.Queued, false, false},
		{nascent.Running, false, false},
		{nascent.Interrupted, false, false},
		{nascent.Completed, true, true},
		{nascent.Failed, true, true},
		{nascent.Pruned, true, true},
		{nascent.Rejected, true, false},
	}
	for _, tt := range tests {
		if tt.state.Final() != tt.final || tt.state.Evaluated() != tt.evaluated || !tt.state.Valid() {
			t.Errorf("%s: Final %v, Evaluated %v, Valid %v; want %v, %v, true",
				tt.state, tt.state.Final(), tt.state.Evaluated(), tt.state.Valid(), tt.final, tt.evaluated)
		}
	}
	if nascent.TrialState("done").Valid() {
		t.Error(`TrialState("done").Valid() = true, want false`)
	}
}

func TestEncodeValuesRoundTrip(t *testing.T) {
	values := map[string]any{
		"int": int64(-7), "float": 3.0, "small": 1e-300, "big": 1.5e300, "neg": -0.5,
		"s": "a \"quoted\" ü", "t": true, "n": nil,
		"list":   []any{int64(1), 2.0, "x", []any{}, map[string]any{"k": int64(2)}},
		"nested": map[string]any{"z": map[string]any{}, "a": []any{nil}},
	}
	data, err := nascent.EncodeValues(values)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"big":1.5e+300,"float":3.0,"int":-7,"list":[1,2.0,"x",[],{"k":2}],"n":null,"neg":-0.5,` +
		`"nested":{"a":[null],"z":{}},"s":"a \"quoted\" ü","small":1e-300,"t":true}`
	if string(data) != want {
		t.Errorf("EncodeValues =\n%s\nwant\n%s", data, want)
	}
	back, err := nascent.DecodeValues(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, values) {
		t.Errorf("DecodeValues(EncodeValues(v)) =\n%#v\nwant\n%#v", back, values)
	}
}

func TestEncodeValuesErrors(t *testing.T) {
	for _, v := range []map[string]any{
		{"x": math.NaN()},
		{"x": []any{math.Inf(1)}},
		{"x": int32(3)},
		{"x": map[string]int{"a": 1}},
	} {
		if _, err := nascent.EncodeValues(v); !errors.Is(err, nascent.ErrInvalid) {
			t.Errorf("EncodeValues(%v) = %v, want ErrInvalid", v, err)
		}
	}
}

func TestDecodeValuesErrors(t *testing.T) {
	for _, s := range []string{``, `[]`, `{"a":1} {}`, `{"a":1e999}`, `{"a":`, `null`} {
		if _, err := nascent.DecodeValues([]byte(s)); !errors.Is(err, nascent.ErrInvalid) {
			t.Errorf("DecodeValues(%q) = %v, want ErrInvalid", s, err)
		}
	}
}

func FuzzDecodeValues(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":2.0,"c":[1,{"d":null}]}`, `{"x":-0.0}`, `{"n":12345678901234567890}`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := nascent.DecodeValues(data)
		if err != nil {
			return
		}
		// Whatever decodes re-encodes, and reads back the same.
		enc, err := nascent.EncodeValues(v)
		if err != nil {
			t.Fatalf("EncodeValues(DecodeValues(%q)) = %v", data, err)
		}
		back, err := nascent.DecodeValues(enc)
		if err != nil || !reflect.DeepEqual(back, v) {
			t.Errorf("round trip of %q: %#v, %v; want %#v", data, back, err, v)
		}
	})
}
