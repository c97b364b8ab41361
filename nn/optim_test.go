package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The expected values in this file were printed by PyTorch 1.13
// (Debian's python3-torch): torch.optim.AdamW and
// torch.optim.lr_scheduler.OneCycleLR with max_lr 3e-3 over 100 steps.

func TestOneCycleMatchesPyTorch(t *testing.T) {
	tests := []struct {
		step      int
		lr, beta1 float64
	}{
		{0, 0.00011999999999999988, 0.95},
		{1, 0.00012844134169772217, 0.9497068978577179},
		{15, 0.0016379600283630011, 0.897293054570729},
		{28, 0.0029915586583022778, 0.850293102142282},
		{29, 0.003, 0.85},
		{30, 0.002998489605853573, 0.8500503466729342},
		{31, 0.0029939614651470947, 0.850201285300238},
		{60, 0.0017678402708565862, 0.8910721552600681},
		{98, 1.5223941464273639e-06, 0.9499496533270657},
		{99, 1.2e-08, 0.95},
	}
	s := OneCycle{MaxLR: 3e-3, Total: 100}
	for _, tc := range tests {
		lr, b1 := s.At(tc.step)
		if math.Abs(lr-tc.lr) > 1e-9*tc.lr || math.Abs(b1-tc.beta1) > 1e-12 {
			t.Errorf("OneCycle.At(%d) = %.17g, %.17g; want %.17g, %.17g",
				tc.step, lr, b1, tc.lr, tc.beta1)
		}
	}
}

func TestAdamWMatchesPyTorch(t *testing.T) {
	// Three steps on two weights with the learning rate and Beta1
	// changing between steps, as under OneCycle.
	p := newParam("w", 2)
	p.Data[0], p.Data[1] = 0.5, -1
	o := NewAdamW([]*Param{p}, 0.01)
	steps := []struct {
		grad      [2]float32
		lr, beta1 float64
		want      [2]float64
	}{
		{[2]float32{0.3, -0.2}, 0.1, 0.9, [2]float64{0.39950000333333324, -0.8990000049999998}},
		{[2]float32{0.1, 0.4}, 0.05, 0.85, [2]float64{0.3666592170472556, -0.9230473577518915}},
		{[2]float32{-0.5, 0.05}, 0.02, 0.95, [2]float64{0.36105505434607416, -0.9462625308980005}},
	}
	for i, s := range steps {
		copy(p.Grad, s.grad[:])
		o.Beta1 = s.beta1
		o.Step(s.lr)
		for j := range 2 {
			if d := math.Abs(float64(p.Data[j]) - s.want[j]); d > 1e-6 {
				t.Errorf("step %d: w[%d] = %.9g, want %.9g", i+1, j, p.Data[j], s.want[j])
			}
		}
		if p.Grad[0] != 0 || p.Grad[1] != 0 {
			t.Errorf("step %d left gradients %v, want zeros", i+1, p.Grad)
		}
	}
}

func TestAdamWNoDecay(t *testing.T) {
	// With a zero gradient, only decay moves a weight.
	a, b := newParam("a", 1), newParam("b", 1)
	a.Data[0], b.Data[0] = 2, 2
	b.NoDecay = true
	NewAdamW([]*Param{a, b}, 0.5).Step(0.1)
	if got, want := a.Data[0], float32(2*(1-0.1*0.5)); math.Abs(float64(got-want)) > 1e-6 {
		t.Errorf("decayed weight = %g, want %g", got, want)
	}
	if b.Data[0] != 2 {
		t.Errorf("NoDecay weight = %g, want 2", b.Data[0])
	}
}

func TestCosine(t *testing.T) {
	s := Cosine{MaxLR: 1, MinLR: 0.1, Total: 11}
	tests := []struct {
		step int
		want float64
	}{{0, 1}, {5, 0.55}, {10, 0.1}, {20, 0.1}}
	for _, tc := range tests {
		if got := s.At(tc.step); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Cosine.At(%d) = %g, want %g", tc.step, got, tc.want)
		}
	}
}

func TestHeInit(t *testing.T) {
	p := newParam("w", 100000)
	HeInit(p, 50, rand.New(rand.NewPCG(1, 2)))
	var s, ss float64
	for _, v := range p.Data {
		s += float64(v)
		ss += float64(v) * float64(v)
	}
	n := float64(len(p.Data))
	mean, std := s/n, math.Sqrt(ss/n-(s/n)*(s/n))
	if want := math.Sqrt(2.0 / 50); math.Abs(mean) > 0.01*want || math.Abs(std-want) > 0.01*want {
		t.Errorf("He init mean %g, std %g; want 0, %g", mean, std, want)
	}
}

func TestShuffleSeeded(t *testing.T) {
	a := Shuffle(50, rand.New(rand.NewPCG(3, 4)))
	b := Shuffle(50, rand.New(rand.NewPCG(3, 4)))
	c := Shuffle(50, rand.New(rand.NewPCG(5, 6)))
	seen := make([]bool, 50)
	same, differ := true, false
	for i := range a {
		seen[a[i]] = true
		same = same && a[i] == b[i]
		differ = differ || a[i] != c[i]
	}
	for i, ok := range seen {
		if !ok {
			t.Fatalf("Shuffle misses %d", i)
		}
	}
	if !same || !differ {
		t.Errorf("same seed same order: %v, other seed differs: %v; want both", same, differ)
	}
}
