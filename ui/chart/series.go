package chart

import "time"

// This file holds the per-series storage.

// Point is one sample: an event time in Unix nanoseconds and a finite value,
// or NaN for a gap that breaks the line.
type Point struct {
	T int64
	V float64
}

// minRingAlloc is the first allocation of a series' ring; it doubles up to the
// series' capacity so that sparse series stay small.
const minRingAlloc = 64

// Series is a bounded ring buffer of recent points kept sorted by time, as
// they came, and older points folded into time buckets (fold.go). When the
// ring is full, its oldest point is folded; a point older than every point
// of the ring is folded at once when the ring is full or the series folds
// (without a fold, the zero Fold, folded points are dropped). Appending in
// time order is O(1); any other point is inserted at its place by shifting
// the points after it.
type Series struct {
	Name  string // series, or series.field: the key in a pane and of the colour
	Base  string // the event's Series
	Field string // the event's Field
	Color int    // colour index, from the hash of name (palette.go)
	hash  uint32 // FNV-1a hash of name

	buf  []Point // ring storage; grows up to capacity
	head int     // index in buf of the oldest point
	n    int     // number of points held
	cap  int     // maximum number of points held

	folding    Fold     // how older points are folded
	buckets    []bucket // folded points, oldest first, all older than buf's
	bucketBase int64    // the number of the bucket numbered 0 (fold.go)
	bucketUnit int64    // the unit of the buckets' times (ns)
	// The newest bucket's start and the time its times count from, set
	// with it: a point folded into it needs no division by the width.
	newestStart, newestOrigin int64
}

// NewSeries returns an empty series holding at most capacity points (at least 1).
func NewSeries(name string, capacity int) *Series {
	if capacity < 1 {
		capacity = 1
	}
	return &Series{Name: name, hash: NameHash(name), cap: capacity}
}

// Len returns the number of points held as they came (not those folded).
func (s *Series) Len() int { return s.n }

// idx maps a logical index (0 = oldest) to an index in buf.
func (s *Series) idx(i int) int {
	j := s.head + i
	if j >= len(s.buf) {
		j -= len(s.buf)
	}
	return j
}

// At returns the i-th oldest point; i must be in [0, len()).
func (s *Series) At(i int) Point { return s.buf[s.idx(i)] }

// grow enlarges the ring (n == len(buf) < cap) and re-linearises it.
func (s *Series) grow() {
	size := 2 * len(s.buf)
	if size < minRingAlloc {
		size = minRingAlloc
	}
	if size > s.cap {
		size = s.cap
	}
	nb := make([]Point, size)
	a, b := s.slices(0, s.n)
	copy(nb[copy(nb, a):], b)
	s.buf = nb
	s.head = 0
}

// setCapacity changes how many points s holds as they came (at least 1):
// below what it holds, its oldest points are folded (dropped without a
// fold) and its ring is given back.
func (s *Series) setCapacity(capacity int) {
	capacity = max(capacity, 1)
	for s.n > capacity {
		s.fold(s.buf[s.head])
		s.head++
		if s.head == len(s.buf) {
			s.head = 0
		}
		s.n--
	}
	s.cap = capacity
	if len(s.buf) > capacity {
		nb := make([]Point, capacity)
		a, b := s.slices(0, s.n)
		copy(nb[copy(nb, a):], b)
		s.buf, s.head = nb, 0
	}
}

// Add inserts a point at its place in time order (after points with an equal
// time) and reports whether it was kept, as it came or folded.
func (s *Series) Add(t int64, v float64) bool {
	if s.n > 0 && t < s.buf[s.head].T && (s.n == s.cap || s.folding.Width > 0) {
		// Older than every point held: a history read after live
		// records goes straight into its buckets, not shifted in.
		return s.fold(Point{t, v})
	}
	if s.n == s.cap {
		s.fold(s.buf[s.head])
		s.head++
		if s.head == len(s.buf) {
			s.head = 0
		}
		s.n--
	}
	if s.n == len(s.buf) {
		s.grow()
	}
	if s.n == 0 || t >= s.buf[s.idx(s.n-1)].T {
		s.buf[s.idx(s.n)] = Point{t, v}
		s.n++
		return true
	}
	pos := s.searchAfter(t)
	for i := s.n; i > pos; i-- {
		s.buf[s.idx(i)] = s.buf[s.idx(i-1)]
	}
	s.buf[s.idx(pos)] = Point{t, v}
	s.n++
	return true
}

// search returns the logical index of the first point with time >= t (len() if none).
func (s *Series) search(t int64) int {
	lo, hi := 0, s.n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if s.buf[s.idx(mid)].T < t {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// searchAfter returns the logical index of the first point with time > t (len() if none).
func (s *Series) searchAfter(t int64) int {
	lo, hi := 0, s.n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if s.buf[s.idx(mid)].T <= t {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// slices returns the points with logical indexes in [i, j) as at most two
// contiguous slices in time order; the second is empty unless the range wraps.
func (s *Series) slices(i, j int) (a, b []Point) {
	if i < 0 {
		i = 0
	}
	if j > s.n {
		j = s.n
	}
	if i >= j {
		return nil, nil
	}
	start := s.idx(i)
	end := start + (j - i)
	if end <= len(s.buf) {
		return s.buf[start:end], nil
	}
	return s.buf[start:], s.buf[:end-len(s.buf)]
}

// Gap detection: two neighbouring points further apart than gapFactor times
// the series' usual spacing, and more than minGap, are not joined.
const (
	gapFactor      = 5
	minGap         = int64(3 * time.Second)
	spacingSamples = 16 // newest spacings whose median is the usual spacing
)

// gapLimit returns the spacing above which two neighbouring points of s are
// not joined: gapFactor times the median of its newest spacings, at least
// minGap.
func (s *Series) gapLimit() int64 {
	var d [spacingSamples]int64
	k := 0
	for i := s.n - 1; i > 0 && k < len(d); i-- {
		if dt := s.At(i).T - s.At(i-1).T; dt > 0 {
			// Insertion sort: d[:k+1] stays sorted.
			j := k
			for ; j > 0 && d[j-1] > dt; j-- {
				d[j] = d[j-1]
			}
			d[j] = dt
			k++
		}
	}
	if k == 0 {
		return minGap
	}
	return max(gapFactor*d[k/2], minGap)
}
