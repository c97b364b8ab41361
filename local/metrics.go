package local

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
)

// maxMetricsSize bounds the metrics file that is read.
const maxMetricsSize = 1 << 20

// readMetrics reads a trial's metrics file and checks that every required
// metric is present and finite. Other numeric values are kept if finite;
// non-numeric ones are ignored.
func readMetrics(path string, required []string) (map[string]float64, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("%w: the trial exited 0 but wrote no %s", errNoMetrics, path)
	}
	if err != nil {
		return nil, fmt.Errorf("metrics: %v", err)
	}
	defer f.Close()
	data := make([]byte, maxMetricsSize+1)
	n, _ := readFull(f, data)
	if n > maxMetricsSize {
		return nil, fmt.Errorf("metrics: %s is larger than %d bytes", path, maxMetricsSize)
	}
	vals, err := parseNumbers(data[:n])
	if err != nil {
		return nil, fmt.Errorf("metrics: %s: %v", path, err)
	}
	for _, name := range required {
		v, ok := vals[name]
		if !ok {
			return nil, fmt.Errorf("metrics: %s has no numeric %q (has %s)", path, name, names(vals))
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("metrics: %q is %v", name, v)
		}
	}
	for k, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			delete(vals, k)
		}
	}
	return vals, nil
}

func readFull(f *os.File, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := f.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func names(vals map[string]float64) string {
	if len(vals) == 0 {
		return "none"
	}
	ks := make([]string, 0, len(vals))
	for k := range vals {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}
