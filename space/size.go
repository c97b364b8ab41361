package space

import (
	"math"
	"math/big"
)

// Point counts. A size is a *big.Int; nil means unbounded (a continuous
// interval), and tooLarge means countable but beyond maxSizeBits, past
// which exact counting would cost more than it tells.
const maxSizeBits = 4096

var tooLarge = big.NewInt(-1)

// capSize returns n, or tooLarge when n is beyond maxSizeBits.
func capSize(n *big.Int) *big.Int {
	if n != nil && n != tooLarge && n.BitLen() > maxSizeBits {
		return tooLarge
	}
	return n
}

// sizeAdd returns a + b; an unbounded term makes the sum unbounded.
func sizeAdd(a, b *big.Int) *big.Int {
	switch {
	case a == nil || b == nil:
		return nil
	case a == tooLarge || b == tooLarge:
		return tooLarge
	}
	return capSize(new(big.Int).Add(a, b))
}

// sizeMul returns a * b for sizes of at least 1.
func sizeMul(a, b *big.Int) *big.Int {
	switch {
	case a == nil || b == nil:
		return nil
	case a == tooLarge || b == tooLarge:
		return tooLarge
	}
	return capSize(new(big.Int).Mul(a, b))
}

// sizePow returns a^n for a size a of at least 1.
func sizePow(a *big.Int, n int) *big.Int {
	switch {
	case n == 0:
		return big.NewInt(1)
	case a == nil || a == tooLarge:
		return a
	case a.BitLen()-1 > maxSizeBits/n:
		return tooLarge
	}
	return capSize(new(big.Int).Exp(a, big.NewInt(int64(n)), nil))
}

// binomialSize returns C(n, k) as a size.
func binomialSize(n, k int) *big.Int {
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
	if (lg(n)-lg(k)-lg(n-k))/math.Ln2 > maxSizeBits+1 {
		return tooLarge
	}
	return capSize(new(big.Int).Binomial(int64(n), int64(k)))
}

// surjectionSize returns the number of ways to split n elements into k
// non-empty numbered groups, sum over j of (-1)^j C(k, j) (k-j)^n.
func surjectionSize(n, k int) *big.Int {
	switch {
	case k == 1:
		return big.NewInt(1)
	case n > maxSizeBits:
		return tooLarge // at least 2^n - 2 surjections onto two groups
	}
	size, term := new(big.Int), new(big.Int)
	for j := 0; j <= k; j++ {
		term.Binomial(int64(k), int64(j))
		term.Mul(term, new(big.Int).Exp(big.NewInt(int64(k-j)), big.NewInt(int64(n)), nil))
		if j%2 == 1 {
			term.Neg(term)
		}
		size.Add(size, term)
	}
	return capSize(size)
}
