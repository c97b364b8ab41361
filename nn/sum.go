package nn

import "math"

// The reductions below add float32 values in eight independent float32
// lanes over blocks of sumBlock elements and carry the block totals in
// float64: the lanes let the loop run without waiting on one chain of
// additions, and the short blocks keep float32 rounding small (relative
// error about sumBlock/8 * 2^-24 per block).
const sumBlock = 256

// sum32 returns the sum of s.
func sum32(s []float32) float64 {
	var total float64
	for len(s) > 0 {
		n := min(len(s), sumBlock)
		var l [8]float32
		blk := s[:n]
		for len(blk) >= 8 {
			v := (*[8]float32)(blk)
			l[0] += v[0]
			l[1] += v[1]
			l[2] += v[2]
			l[3] += v[3]
			l[4] += v[4]
			l[5] += v[5]
			l[6] += v[6]
			l[7] += v[7]
			blk = blk[8:]
		}
		for _, v := range blk {
			l[0] += v
		}
		total += float64((l[0] + l[1]) + (l[2] + l[3]) + (l[4] + l[5]) + (l[6] + l[7]))
		s = s[n:]
	}
	return total
}

// sumSqDev returns the sum of (s[i]-mu)^2.
func sumSqDev(s []float32, mu float32) float64 {
	var total float64
	for len(s) > 0 {
		n := min(len(s), sumBlock)
		var l [8]float32
		blk := s[:n]
		for len(blk) >= 8 {
			v := (*[8]float32)(blk)
			d0, d1, d2, d3 := v[0]-mu, v[1]-mu, v[2]-mu, v[3]-mu
			d4, d5, d6, d7 := v[4]-mu, v[5]-mu, v[6]-mu, v[7]-mu
			l[0] += d0 * d0
			l[1] += d1 * d1
			l[2] += d2 * d2
			l[3] += d3 * d3
			l[4] += d4 * d4
			l[5] += d5 * d5
			l[6] += d6 * d6
			l[7] += d7 * d7
			blk = blk[8:]
		}
		for _, v := range blk {
			l[0] += (v - mu) * (v - mu)
		}
		total += float64((l[0] + l[1]) + (l[2] + l[3]) + (l[4] + l[5]) + (l[6] + l[7]))
		s = s[n:]
	}
	return total
}

// addTo adds src into dst element by element; dst must be at least as
// long as src.
func addTo(dst, src []float32) {
	dst = dst[:len(src)]
	for len(src) >= 8 {
		d, v := (*[8]float32)(dst), (*[8]float32)(src)
		d[0] += v[0]
		d[1] += v[1]
		d[2] += v[2]
		d[3] += v[3]
		d[4] += v[4]
		d[5] += v[5]
		d[6] += v[6]
		d[7] += v[7]
		dst, src = dst[8:], src[8:]
	}
	for i, v := range src {
		dst[i] += v
	}
}

// maskPositive sets dst[i] = g[i] where y[i] > 0 and 0 elsewhere, for y
// the output of a ReLU (so y[i] is +0 or positive). It works on the bits,
// without branches: the signs of the ReLU's inputs are random, and a
// mispredicted branch per element costs more than the arithmetic.
func maskPositive(dst, g, y []float32) {
	g, y = g[:len(dst)], y[:len(dst)]
	for i, v := range y {
		b := int32(math.Float32bits(v))
		// b|-b is negative exactly when b != 0, that is when y > 0.
		m := uint32((b | -b) >> 31)
		dst[i] = math.Float32frombits(math.Float32bits(g[i]) & m)
	}
}

// sumDot32 returns the sum of a and the sum of a[i]*b[i] in one pass; b
// must be at least as long as a.
func sumDot32(a, b []float32) (sum, dot float64) {
	b = b[:len(a)]
	for len(a) > 0 {
		n := min(len(a), sumBlock)
		var l, d [4]float32
		x, y := a[:n], b[:n]
		for len(x) >= 4 {
			u, v := (*[4]float32)(x), (*[4]float32)(y)
			l[0] += u[0]
			l[1] += u[1]
			l[2] += u[2]
			l[3] += u[3]
			d[0] += u[0] * v[0]
			d[1] += u[1] * v[1]
			d[2] += u[2] * v[2]
			d[3] += u[3] * v[3]
			x, y = x[4:], y[4:]
		}
		for i, u := range x {
			l[0] += u
			d[0] += u * y[i]
		}
		sum += float64((l[0] + l[1]) + (l[2] + l[3]))
		dot += float64((d[0] + d[1]) + (d[2] + d[3]))
		a, b = a[n:], b[n:]
	}
	return sum, dot
}
