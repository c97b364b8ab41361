package nn

import "sync"

// parallelFor splits [0, n) into at most threads contiguous chunks and
// runs fn on each, in parallel, returning when all are done. Chunks
// smaller than grain are merged so that tiny loops stay on one goroutine.
func parallelFor(threads, n, grain int, fn func(lo, hi int)) {
	if grain < 1 {
		grain = 1
	}
	if threads > n/grain {
		threads = n / grain
	}
	if threads <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < threads; w++ {
		lo, hi := n*w/threads, n*(w+1)/threads
		if w == threads-1 {
			fn(lo, hi)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}

// threaded is implemented by layers that spread work over goroutines.
type threaded interface {
	setThreads(n int)
}

// SetThreads makes l, and every layer inside it, spread its work over n
// goroutines (n < 1 means 1).
func SetThreads(l Layer, n int) {
	if n < 1 {
		n = 1
	}
	if t, ok := l.(threaded); ok {
		t.setThreads(n)
	}
}
