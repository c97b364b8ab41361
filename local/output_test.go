package local

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseReport(t *testing.T) {
	tests := []struct {
		name string
		line string
		ok   bool
		step int64
		vals map[string]float64
	}{
		{name: "step and metric", line: `NASCENT_REPORT {"step": 4, "acc": 0.5}`, ok: true, step: 4, vals: map[string]float64{"acc": 0.5}},
		{name: "no step", line: `NASCENT_REPORT {"acc": 1}`, ok: true, step: 9, vals: map[string]float64{"acc": 1}},
		{name: "fractional step is a metric", line: `NASCENT_REPORT {"step": 1.5}`, ok: true, step: 9, vals: map[string]float64{"step": 1.5}},
		{name: "CRLF", line: "NASCENT_REPORT {\"a\": 2}\r", ok: true, step: 9, vals: map[string]float64{"a": 2}},
		{name: "NaN dropped", line: `NASCENT_REPORT {"a": NaN, "b": 1}`, ok: true, step: 9, vals: map[string]float64{"b": 1}},
		{name: "untagged", line: `{"a": 1}`},
		{name: "tag without space", line: `NASCENT_REPORT{"a": 1}`},
		{name: "not JSON", line: `NASCENT_REPORT a=1`},
		{name: "no numbers", line: `NASCENT_REPORT {"a": "x"}`},
		{name: "array", line: `NASCENT_REPORT [1, 2]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := parseReport([]byte(tt.line), 9)
			if ok != tt.ok {
				t.Fatalf("parseReport(%q) ok = %v, want %v", tt.line, ok, tt.ok)
			}
			if !ok {
				return
			}
			if r.Step != tt.step || len(r.Values) != len(tt.vals) {
				t.Fatalf("parseReport(%q) = step %d %v, want step %d %v", tt.line, r.Step, r.Values, tt.step, tt.vals)
			}
			for k, v := range tt.vals {
				if r.Values[k] != v {
					t.Errorf("parseReport(%q)[%s] = %v, want %v", tt.line, k, r.Values[k], v)
				}
			}
		})
	}
}

func TestPythonJSONLeavesStringsAlone(t *testing.T) {
	got, err := parseNumbers([]byte(`{"NaN": 1, "s": "Infinity NaN \" NaN", "x": Infinity, "y": -Infinity}`))
	if err != nil {
		t.Fatal(err)
	}
	if got["NaN"] != 1 || !math.IsInf(got["x"], 1) || !math.IsInf(got["y"], -1) || len(got) != 3 {
		t.Errorf("parseNumbers = %v, want NaN:1, x:+Inf, y:-Inf", got)
	}
}

func TestReadMetricsTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.json")
	os.WriteFile(path, []byte(`{"a": 1, "pad": "`+strings.Repeat("x", maxMetricsSize)+`"}`), 0o644)
	if _, err := readMetrics(path, []string{"a"}); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("readMetrics(huge) = %v, want a size error", err)
	}
}

func FuzzParseReport(f *testing.F) {
	for _, s := range []string{`NASCENT_REPORT {"step": 1, "a": 0.5}`, `NASCENT_REPORT {"a": NaN}`,
		`NASCENT_REPORT {"s": "\"NaN"}`, `NASCENT_REPORT -Infinity`, "NASCENT_REPORT {\"a\":1e999}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		r, ok := parseReport(line, 0)
		if !ok {
			return
		}
		for k, v := range r.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("parseReport(%q) kept non-finite %s = %v", line, k, v)
			}
		}
	})
}

func FuzzReadMetrics(f *testing.F) {
	for _, s := range []string{`{"loss": 1}`, `{"loss": NaN}`, `{}`, `[`, `{"loss": "1"}`, `{"loss": 1, "loss": 2}`} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "metrics.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := readMetrics(path, []string{"loss"})
		if err != nil {
			return
		}
		for k, v := range m {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("readMetrics(%q) kept non-finite %s = %v", data, k, v)
			}
		}
	})
}
