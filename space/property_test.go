package space

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/nascent-nas/nascent"
)

// seeds is the number of random seeds property tests run over.
const seeds = 3000

// validSpaces parses every space in testdata/valid.
func validSpaces(t *testing.T) map[string]*Space {
	t.Helper()
	files, err := filepath.Glob("testdata/valid/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	out := make(map[string]*Space)
	for _, f := range files {
		out[filepath.Base(f)] = mustParseFile(t, f)
	}
	return out
}

// checkCanonical fails unless v holds only canonical types.
func checkCanonical(t *testing.T, v any, path string) {
	t.Helper()
	switch x := v.(type) {
	case nil, string, bool, int64:
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Fatalf("%s: non-finite %v", path, x)
		}
	case []any:
		for i, e := range x {
			checkCanonical(t, e, indexPath(path, i))
		}
	case map[string]any:
		for k, e := range x {
			checkCanonical(t, e, joinKey(path, k))
		}
	default:
		t.Fatalf("%s: non-canonical type %T", path, v)
	}
}

// checkPoint fails unless c is a point of s that decodes to itself.
func checkPoint(t *testing.T, s *Space, c nascent.Candidate) {
	t.Helper()
	checkCanonical(t, c.Values, "")
	if got := Hash(c.Values); got != c.Hash {
		t.Fatalf("Hash(Values) = %s, want the candidate's %s", got, c.Hash)
	}
	if st, ok := c.State.(*state); ok {
		if got, want := string(s.root.json(nil, st.root)), format(c.Values); got != want {
			t.Fatalf("JSON of the state = %s, want %s", got, want)
		}
	}
	d, err := s.Decode(c.Values)
	if err != nil {
		t.Fatalf("Decode(%s) = %v", format(c.Values), err)
	}
	if d.Hash != c.Hash || !equalValue(d.Values, c.Values) {
		t.Fatalf("Decode(%s) = %s, want the same point", format(c.Values), format(d.Values))
	}
}

func TestSamplesAreValid(t *testing.T) {
	for name, s := range validSpaces(t) {
		t.Run(name, func(t *testing.T) {
			for seed := range uint64(seeds) {
				checkPoint(t, s, s.Sample(newRand(seed)))
			}
		})
	}
}

// TestChildrenAreValidAndDiffer walks chains of mutations and checks that
// every child is a point of the space, differs from its parent, and comes
// with a description naming a path and the change.
func TestChildrenAreValidAndDiffer(t *testing.T) {
	for name, s := range validSpaces(t) {
		t.Run(name, func(t *testing.T) {
			for seed := range uint64(seeds / 10) {
				r := newRand(seed)
				c := s.Sample(r)
				for range 10 {
					child, desc, err := s.Mutate(r, c)
					if err != nil {
						t.Fatalf("Mutate(%s) = %v", format(c.Values), err)
					}
					checkPoint(t, s, child)
					if child.Hash == c.Hash || equalValue(child.Values, c.Values) {
						t.Fatalf("Mutate(%s) gave an equal child (%s)", format(c.Values), desc)
					}
					if !strings.Contains(desc, ": ") ||
						!(strings.Contains(desc, " -> ")) {
						t.Fatalf("mutation description %q lacks path: old -> new", desc)
					}
					c = child
				}
			}
		})
	}
}

// TestValuesOwned checks that editing a candidate's Values changes no
// other candidate: literal lists and maps are copied, not shared.
func TestValuesOwned(t *testing.T) {
	s := mustParse(t, "_args_: [1, [2, 3]]\nc: {k: 1, _l_: [a]}\nx: [1, 2]\n"+
		"s: {choices: [[1], {a: b}], size: 1}\n")
	r := newRand(1)
	a, b := s.Sample(r), s.Sample(r)
	a.Values["_args_"].([]any)[1].([]any)[0] = "changed"
	a.Values["c"].(map[string]any)["_l_"].([]any)[0] = "changed"
	switch v := a.Values["s"].([]any)[0].(type) {
	case []any:
		v[0] = "changed"
	case map[string]any:
		v["a"] = "changed"
	}
	for _, c := range []nascent.Candidate{b, s.Sample(r)} {
		if strings.Contains(format(c.Values), "changed") || Hash(c.Values) != c.Hash {
			t.Errorf("editing one candidate changed another: %s", format(c.Values))
		}
	}
}

// TestMutateDecodedParent mutates candidates without State, and with the
// State of another parse of the same file, as a resumed study does.
func TestMutateDecodedParent(t *testing.T) {
	src := "a: [1, 2, 3]\nl: {min: 1, max: 4, choices: [{k: [x, y]}, z]}\n"
	s1, s2 := mustParse(t, src), mustParse(t, src)
	r := newRand(7)
	for range 200 {
		c := s1.Sample(r)
		bare := nascent.Candidate{Values: c.Values}
		for _, parent := range []nascent.Candidate{bare, c} {
			child, _, err := s2.Mutate(r, parent)
			if err != nil {
				t.Fatalf("Mutate = %v", err)
			}
			if child.Hash == c.Hash {
				t.Fatalf("child of %s equals it", format(c.Values))
			}
			checkPoint(t, s2, child)
		}
	}
	_, _, err := s1.Mutate(r, nascent.Candidate{Values: map[string]any{"a": int64(9)}})
	if err == nil {
		t.Error("Mutate of a foreign candidate = nil error")
	}
}

// histogram samples path from n candidates and counts formatted values.
func histogram(t *testing.T, s *Space, n int, get func(map[string]any) any) map[string]int {
	t.Helper()
	r := newRand(11)
	h := make(map[string]int)
	for range n {
		h[format(get(s.Sample(r).Values))]++
	}
	return h
}

func keys(h map[string]int) []string {
	ks := make([]string, 0, len(h))
	for k := range h {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestEveryValueReachable(t *testing.T) {
	s := mustParseFile(t, "testdata/valid/all_types.yaml")
	tests := []struct {
		name string
		key  string
		want []string
	}{
		{"choice numbers", "choice_numbers", []string{"1", "3", "5", "7"}},
		{"choice floats", "choice_floats", []string{"0.25", "0.5", "1"}},
		{"choice names", "choice_names", []string{"gelu", "relu", "tanh"}},
		{"interval int", "interval_int", []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}},
		{"interval step", "interval_step", []string{"0", "0.25", "0.5", "0.75"}},
		{"interval int step", "interval_int_step", []string{"16", "24", "32", "40", "48", "56", "64", "8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := histogram(t, s, seeds, func(v map[string]any) any { return v[tt.key] })
			if got := keys(h); !slices.Equal(got, tt.want) {
				t.Errorf("values of %s = %v, want %v", tt.key, got, tt.want)
			}
		})
	}

	lengths := histogram(t, s, seeds, func(v map[string]any) any {
		return int64(len(v["choice_list"].([]any)))
	})
	if got, want := keys(lengths), []string{"0", "1", "2", "3"}; !slices.Equal(got, want) {
		t.Errorf("choice list lengths = %v, want %v", got, want)
	}
	kinds := histogram(t, s, seeds, func(v map[string]any) any {
		if m, ok := v["choice_spaces"].(map[string]any); ok {
			return m["kind"]
		}
		return v["choice_spaces"]
	})
	if got, want := keys(kinds), []string{"conv", "pool", "skip"}; !slices.Equal(got, want) {
		t.Errorf("choice of spaces = %v, want %v", got, want)
	}
}

// TestStepGridTidy checks that a decimal step gives decimal grid values,
// and that a step too fine for rounding keeps its points apart.
func TestStepGridTidy(t *testing.T) {
	s := mustParse(t, "x: {lower: 0.0, upper: 0.7, step: 0.1}")
	h := histogram(t, s, 2000, func(v map[string]any) any { return v["x"] })
	if got, want := keys(h), []string{"0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6"}; !slices.Equal(got, want) {
		t.Errorf("grid = %v, want %v", got, want)
	}
	s = mustParse(t, "x: {lower: 1000000.0, upper: 1000000.000000004, step: 1.0e-9}")
	h = histogram(t, s, 2000, func(v map[string]any) any { return v["x"] })
	if len(h) != 4 {
		t.Errorf("fine grid = %v, want 4 distinct points", keys(h))
	}
}

func TestChoiceListLengthsUniform(t *testing.T) {
	s := mustParse(t, "l: {min: 2, max: 6, choices: [a, b]}")
	h := histogram(t, s, 8000, func(v map[string]any) any { return int64(len(v["l"].([]any))) })
	for _, n := range []string{"2", "3", "4", "5"} {
		// Expect 2000 each; 5 standard deviations is about 190.
		if got := h[n]; math.Abs(float64(got)-2000) > 200 {
			t.Errorf("length %s drawn %d times of 8000, want about 2000", n, got)
		}
	}
	if len(h) != 4 {
		t.Errorf("lengths = %v, want 2 to 5", keys(h))
	}
}

func TestIntervalsInsideBounds(t *testing.T) {
	tests := []struct {
		src          string
		lower, upper float64
		integer      bool
	}{
		{"x: {lower: -1.0, upper: 1.0}", -1, 1, false},
		{"x: {lower: 0, upper: 3, int: true}", 0, 3, true},
		{"x: {lower: 1.0e-5, upper: 1.0, log: true}", 1e-5, 1, false},
		{"x: {lower: 1, upper: 4, int: true, log: true}", 1, 4, true},
		{"x: {lower: 0.1, upper: 0.2, step: 0.03}", 0.1, 0.2, false},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			s := mustParse(t, tt.src)
			r := newRand(3)
			c := s.Sample(r)
			check := func(v any) {
				t.Helper()
				_, isInt := v.(int64)
				f, _ := number(v)
				if isInt != tt.integer || f < tt.lower || f >= tt.upper {
					t.Fatalf("x = %#v, want a number in [%g, %g), integer %v",
						v, tt.lower, tt.upper, tt.integer)
				}
			}
			for range seeds {
				check(s.Sample(r).Values["x"])
				child, _, err := s.Mutate(r, c)
				if err != nil {
					t.Fatal(err)
				}
				check(child.Values["x"])
				c = child
			}
		})
	}
}

func TestLogUniformMedian(t *testing.T) {
	tests := []struct {
		src  string
		want float64 // the geometric mean of the bounds
	}{
		{"x: {lower: 1.0e-4, upper: 1.0, log: true}", 1e-2},
		{"x: {lower: 1, upper: 10000, int: true, log: true}", 100},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			s := mustParse(t, tt.src)
			r := newRand(5)
			xs := make([]float64, 10000)
			for i := range xs {
				xs[i], _ = number(s.Sample(r).Values["x"])
			}
			slices.Sort(xs)
			med := xs[len(xs)/2]
			// A uniform draw's median would be near 0.5 and 5000.
			if med < tt.want/1.5 || med > tt.want*1.5 {
				t.Errorf("median = %g, want near the geometric mean %g", med, tt.want)
			}
		})
	}
}

func TestSubsetsDistinct(t *testing.T) {
	s := mustParse(t, "s: {choices: [a, b, c, d, e], size: 3}")
	r := newRand(1)
	seen := make(map[string]bool)
	c := s.Sample(r)
	for range seeds {
		for _, cand := range []nascent.Candidate{s.Sample(r), c} {
			v := cand.Values["s"].([]any)
			if len(v) != 3 || !distinct(v) {
				t.Fatalf("subset %v: want 3 distinct elements", v)
			}
			seen[format(v)] = true
		}
		child, _, err := s.Mutate(r, c)
		if err != nil {
			t.Fatal(err)
		}
		if common := overlap(c.Values["s"].([]any), child.Values["s"].([]any)); common != 2 {
			t.Fatalf("swap %v -> %v kept %d elements, want 2", c.Values["s"], child.Values["s"], common)
		}
		c = child
	}
	if len(seen) != 10 {
		t.Errorf("saw %d subsets, want all C(5,3) = 10", len(seen))
	}
}

func distinct(v []any) bool {
	for i := range v {
		for j := range i {
			if equalValue(v[i], v[j]) {
				return false
			}
		}
	}
	return true
}

func overlap(a, b []any) int {
	n := 0
	for _, x := range a {
		if indexOf(b, x) >= 0 {
			n++
		}
	}
	return n
}

func TestPartitions(t *testing.T) {
	s := mustParse(t, "p: {choices: [a, b, c, d], partitions: 3}")
	r := newRand(2)
	seen := make(map[string]bool)
	c := s.Sample(r)
	for range seeds {
		seen[format(s.Sample(r).Values["p"])] = true
		child, _, err := s.Mutate(r, c)
		if err != nil {
			t.Fatal(err)
		}
		before, after := groupOf(c.Values["p"]), groupOf(child.Values["p"])
		moved := 0
		for e, g := range before {
			if after[e] != g {
				moved++
			}
		}
		if moved != 1 || len(after) != 4 {
			t.Fatalf("move %v -> %v changed %d elements, want 1",
				c.Values["p"], child.Values["p"], moved)
		}
		for _, g := range child.Values["p"].([]any) {
			if len(g.([]any)) == 0 {
				t.Fatalf("partition %v has an empty group", child.Values["p"])
			}
		}
		c = child
	}
	// 3! * S(4, 3) = 36 surjections of 4 elements onto 3 numbered groups.
	if len(seen) != 36 {
		t.Errorf("saw %d partitions, want 36", len(seen))
	}
}

// TestPartitionOfSingletons checks that a partition with one element per
// group mutates by swapping two elements.
func TestPartitionOfSingletons(t *testing.T) {
	s := mustParse(t, "p: {choices: [a, b, c], partitions: 3}")
	r := newRand(3)
	seen := make(map[string]bool)
	c := s.Sample(r)
	for range 500 {
		child, _, err := s.Mutate(r, c)
		if err != nil {
			t.Fatal(err)
		}
		before, after := groupOf(c.Values["p"]), groupOf(child.Values["p"])
		moved := 0
		for e, g := range before {
			if after[e] != g {
				moved++
			}
		}
		if moved != 2 {
			t.Fatalf("swap %v -> %v changed %d elements, want 2", c.Values["p"], child.Values["p"], moved)
		}
		seen[format(child.Values["p"])] = true
		c = child
	}
	if len(seen) != 6 {
		t.Errorf("mutations reached %d of the 6 orders", len(seen))
	}
}

func groupOf(v any) map[string]int {
	m := make(map[string]int)
	for g, grp := range v.([]any) {
		for _, e := range grp.([]any) {
			m[format(e)] = g
		}
	}
	return m
}

// TestNumericChoiceMovesToNeighbour checks that a choice of numbers moves
// to a neighbour by value, and a categorical one to any other element.
func TestNumericChoiceMovesToNeighbour(t *testing.T) {
	s := mustParse(t, "x: [0.5, 0.25, 1.0, 2.0]\ny: [c, a, b]\n")
	order := []float64{0.25, 0.5, 1, 2}
	r := newRand(4)
	moves := make(map[string]bool)
	for range seeds {
		c := s.Sample(r)
		child, desc, err := s.Mutate(r, c)
		if err != nil {
			t.Fatal(err)
		}
		x0, _ := number(c.Values["x"])
		x1, _ := number(child.Values["x"])
		if x0 != x1 {
			d := slices.Index(order, x0) - slices.Index(order, x1)
			if d != 1 && d != -1 {
				t.Fatalf("%s: not a neighbour", desc)
			}
		}
		if c.Values["y"] != child.Values["y"] {
			moves[fmt.Sprint(c.Values["y"], "->", child.Values["y"])] = true
		}
	}
	if len(moves) != 6 {
		t.Errorf("categorical moves seen %v, want all 6", moves)
	}
}

// TestMutationUniform checks that each of four one-mutation parameters is
// mutated about a quarter of the time.
func TestMutationUniform(t *testing.T) {
	s := mustParse(t, "a: [1, 2]\nb: [x, y]\nc: {lower: 0.0, upper: 1.0}\nd: {choices: [p, q, r], size: 1}\n")
	r := newRand(9)
	c := s.Sample(r)
	counts := make(map[string]int)
	const n = 8000
	for range n {
		_, desc, err := s.Mutate(r, c)
		if err != nil {
			t.Fatal(err)
		}
		counts[desc[:1]]++
	}
	for _, k := range []string{"a", "b", "c", "d"} {
		if got := counts[k]; math.Abs(float64(got)-n/4) > 200 {
			t.Errorf("%s mutated %d times of %d, want about %d", k, got, n, n/4)
		}
	}
}

func TestChoiceListMutations(t *testing.T) {
	s := mustParse(t, "l: {min: 1, max: 4, choices: [{k: [1, 2, 3]}, z]}\n")
	r := newRand(6)
	ops := make(map[string]int)
	c := s.Sample(r)
	for range seeds {
		child, desc, err := s.Mutate(r, c)
		if err != nil {
			t.Fatal(err)
		}
		n0, n1 := len(c.Values["l"].([]any)), len(child.Values["l"].([]any))
		if n1 < 1 || n1 > 3 || n1-n0 > 1 || n0-n1 > 1 {
			t.Fatalf("%s: length %d -> %d", desc, n0, n1)
		}
		switch {
		case strings.Contains(desc, "insert"):
			ops["insert"]++
		case strings.Contains(desc, "drop"):
			ops["drop"]++
		default:
			ops["element"]++
		}
		c = child
	}
	for _, op := range []string{"insert", "drop", "element"} {
		if ops[op] == 0 {
			t.Errorf("no %s mutation in %d", op, seeds)
		}
	}
}

// TestIntervalStepIsLocal checks that interval mutations take small steps
// rather than re-sampling the range as hannah did.
func TestIntervalStepIsLocal(t *testing.T) {
	tests := []struct {
		src  string
		dist func(a, b float64) float64 // in units of the range
	}{
		{"x: {lower: 0.0, upper: 100.0}", func(a, b float64) float64 { return math.Abs(a-b) / 100 }},
		{"x: {lower: 1.0e-6, upper: 1.0, log: true}", func(a, b float64) float64 {
			return math.Abs(math.Log(a/b)) / math.Log(1e6)
		}},
		{"x: {lower: 0, upper: 1000, int: true}", func(a, b float64) float64 { return math.Abs(a-b) / 1000 }},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			s := mustParse(t, tt.src)
			r := newRand(8)
			var ds []float64
			for range seeds {
				c := s.Sample(r)
				child, _, err := s.Mutate(r, c)
				if err != nil {
					t.Fatal(err)
				}
				a, _ := number(c.Values["x"])
				b, _ := number(child.Values["x"])
				ds = append(ds, tt.dist(a, b))
			}
			slices.Sort(ds)
			// A Gaussian step of a tenth of the range has a median
			// distance near 0.067; re-sampling would give about 0.29.
			if med := ds[len(ds)/2]; med > 0.1 || med == 0 {
				t.Errorf("median step = %g of the range, want a local step", med)
			}
		})
	}
}

func TestIntegerIntervalSmallestStep(t *testing.T) {
	s := mustParse(t, "x: {lower: 0, upper: 2, int: true}")
	r := newRand(1)
	c := s.Sample(r)
	for range 100 {
		child, _, err := s.Mutate(r, c)
		if err != nil {
			t.Fatal(err)
		}
		if child.Values["x"] == c.Values["x"] {
			t.Fatalf("child %v equals parent", child.Values)
		}
		c = child
	}
}
