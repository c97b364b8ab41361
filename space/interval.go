package space

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
)

// stepScale is the standard deviation of an interval mutation as a
// fraction of the interval's width (in log space when log is set). A
// tenth keeps children near their parent while letting a few generations
// cross the range.
const stepScale = 0.1

// interval is a number in [lower, upper). It is continuous, or discrete
// when integer or step is set; a discrete interval's state is the index
// of its grid point and a continuous one's is the float64 value.
type interval struct {
	lower, upper float64
	integer, log bool
	step         float64 // grid step; 0 for none (1 is implied by integer)

	// n is the number of grid points of a discrete interval, 0 when
	// continuous.
	n int64

	// tidy is set for a float grid whose step is coarse enough, relative
	// to the bounds, for rounding to 15 digits to keep points apart.
	tidy bool
}

// discrete reports whether the interval is a grid of n points.
func (iv *interval) discrete() bool { return iv.n > 0 }

// at returns the canonical value of grid point k.
func (iv *interval) at(k int64) any {
	switch {
	case iv.integer && iv.step == 0:
		return int64(iv.lower) + k
	case iv.integer:
		return int64(iv.lower) + k*int64(iv.step)
	}
	if !iv.tidy {
		return iv.lower + float64(k)*iv.step
	}
	return tidy(iv.lower + float64(k)*iv.step)
}

// tidy rounds a grid value to 15 significant digits, so that the grid
// 0 + k*0.1 reads 0.3 rather than 0.30000000000000004. A float64 holds
// 15 digits exactly, so distinct grid points stay distinct.
func tidy(f float64) float64 {
	t, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	if err != nil {
		return f
	}
	return t
}

// below returns the largest float64 below upper, the top of a continuous
// interval.
func (iv *interval) below() float64 { return math.Nextafter(iv.upper, math.Inf(-1)) }

func (iv *interval) sample(r *rand.Rand) any {
	switch {
	case iv.log && iv.integer:
		// Log-uniform over [lower, upper), floored: each integer i gets
		// the mass log((i+1)/i) / log(upper/lower).
		x := math.Exp(uniform(r, math.Log(iv.lower), math.Log(iv.upper)))
		return iv.clampIndex(int64(math.Floor(x)) - int64(iv.lower))
	case iv.discrete():
		return r.Int64N(iv.n)
	case iv.log:
		x := math.Exp(uniform(r, math.Log(iv.lower), math.Log(iv.upper)))
		return math.Min(math.Max(x, iv.lower), iv.below())
	}
	return math.Min(uniform(r, iv.lower, iv.upper), iv.below())
}

// uniform draws from [a, b).
func uniform(r *rand.Rand, a, b float64) float64 { return a + (b-a)*r.Float64() }

func (iv *interval) clampIndex(k int64) int64 { return min(max(k, 0), iv.n-1) }

func (iv *interval) value(st any) any {
	if iv.discrete() {
		return iv.at(st.(int64))
	}
	return st // the boxed float64 itself, to spare an allocation
}

func (iv *interval) hash(b []byte, st any) []byte {
	return appendCanon(b, iv.value(st))
}

func (iv *interval) json(b []byte, st any) []byte {
	return appendJSON(b, iv.value(st))
}

func (iv *interval) decode(v any, path string) (any, error) {
	f, ok := number(v)
	if !ok {
		return nil, valueErrorf(path, "got %s, want a number in [%g, %g)",
			format(v), iv.lower, iv.upper)
	}
	if !(f >= iv.lower && f < iv.upper) {
		return nil, valueErrorf(path, "%s is outside [%g, %g)", format(v), iv.lower, iv.upper)
	}
	if !iv.discrete() {
		return f, nil
	}
	step := iv.step
	if step == 0 {
		step = 1
	}
	k := int64(math.Round((f - iv.lower) / step))
	if k < 0 || k >= iv.n || !closeTo(toFloat(iv.at(k)), f) {
		if iv.integer && iv.step == 0 {
			return nil, valueErrorf(path, "%s is not an integer", format(v))
		}
		return nil, valueErrorf(path, "%s is not on the grid %g + k*%g", format(v), iv.lower, step)
	}
	return k, nil
}

// closeTo reports whether a grid value and a stored one agree up to the
// rounding a decimal round trip may add.
func closeTo(grid, f float64) bool {
	return math.Abs(grid-f) <= 1e-9*math.Max(1, math.Abs(f))
}

func toFloat(v any) float64 {
	f, _ := number(v)
	return f
}

func (iv *interval) count(any) int {
	if iv.mutable() {
		return 1
	}
	return 0
}

func (iv *interval) mutable() bool { return !iv.discrete() || iv.n > 1 }

// mutate takes a Gaussian step from the current value: in log space when
// log is set, rounded to the grid when discrete, clipped to the bounds.
// A step that lands back on the current value is retried or, on a grid,
// turned into a move to the adjacent point in the step's direction.
func (iv *interval) mutate(r *rand.Rand, st any, _ int, path string) (any, string) {
	var out any
	if iv.discrete() {
		out = iv.stepIndex(r, st.(int64))
	} else {
		out = iv.stepFloat(r, st.(float64))
	}
	return out, describe(path, iv, st, out)
}

func (iv *interval) stepIndex(r *rand.Rand, k int64) int64 {
	z := r.NormFloat64()
	var nk int64
	if iv.log {
		// integer and log: the step is in log space of the value.
		sigma := stepScale * math.Log(iv.upper/iv.lower)
		x := math.Exp(math.Log(float64(iv.lower)+float64(k)) + z*sigma)
		nk = iv.clampIndex(int64(math.Round(x)) - int64(iv.lower))
	} else {
		sigma := math.Max(1, stepScale*float64(iv.n))
		nk = iv.clampIndex(k + int64(math.Round(z*sigma)))
	}
	if nk != k {
		return nk
	}
	dir := int64(1)
	if z < 0 {
		dir = -1
	}
	if k+dir < 0 || k+dir >= iv.n {
		dir = -dir
	}
	return k + dir
}

func (iv *interval) stepFloat(r *rand.Rand, x float64) float64 {
	for range maxResample {
		z := r.NormFloat64()
		var nx float64
		if iv.log {
			nx = math.Exp(math.Log(x) + z*stepScale*math.Log(iv.upper/iv.lower))
		} else {
			nx = x + z*stepScale*(iv.upper-iv.lower)
		}
		nx = math.Min(math.Max(nx, iv.lower), iv.below())
		if nx != x {
			return nx
		}
	}
	// Only reached when steps keep clipping back onto a bound the value
	// sits on; a uniform draw leaves it.
	for {
		if nx := iv.sample(r).(float64); nx != x {
			return nx
		}
	}
}

func (iv *interval) width() float64 { return 1 }

func (iv *interval) stats() (int, *big.Int) {
	if !iv.discrete() {
		return 1, nil
	}
	if iv.n == 1 {
		return 0, big.NewInt(1)
	}
	return 1, big.NewInt(iv.n)
}
