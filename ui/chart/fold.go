package chart

import "sort"

// This file folds a series' older points into time buckets, so that a
// window holds its whole time range at any rate: a point that leaves the
// ring of recent points (or arrives older than all of them, as a history
// read after live records does) is folded into the bucket of its time,
// which keeps the bucket's first, lowest, highest and last point with their
// times. Drawing feeds the lowest and highest point of each bucket to the
// decimator, which keeps per pixel column the extremes of what it is fed:
// with buckets no wider than a column of a pane as wide as the terminal,
// each extreme is drawn in its own column, and the legend's min and max
// are those of every point of the window (the count of a bucket across the
// window's start is all of its points). Memory is bounded by the buckets of the
// window (Fold.Buckets per window), not by the rate. A gap (NaN) folded
// into a bucket is not kept: a null's line break is lost once it is folded;
// time without records still breaks the line (no bucket there).

// bucket holds the points folded into one time bucket.
type bucket struct {
	first, lo, hi, last Point
	n                   int64
}

// add folds p, standing for n points, into b (which holds at least one).
func (b *bucket) add(p Point, n int64) {
	b.n += n
	if p.T < b.first.T {
		b.first = p
	}
	if p.T >= b.last.T {
		b.last = p
	}
	if p.V < b.lo.V {
		b.lo = p
	}
	if p.V > b.hi.V {
		b.hi = p
	}
}

// Fold says how a store's series fold their older points.
type Fold struct {
	// Width is a bucket's length in nanoseconds; 0: points leaving the
	// ring are dropped, not folded.
	Width int64
	// Keep is how far before a series' newest point its buckets are kept
	// (ns); 0: all of them.
	Keep int64
}

// FoldFor returns the fold of a window of window ns drawn at most
// columns pixel columns wide: a bucket per column, kept for the window and
// a tenth more.
func FoldFor(window int64, columns int) Fold {
	columns = max(columns, 64)
	return Fold{Width: max(window/int64(columns), 1), Keep: window + window/10}
}

// bucketStart returns the start of the bucket of time t at width w.
func bucketStart(t, w int64) int64 {
	s := t - t%w
	if t < 0 && t%w != 0 {
		s -= w
	}
	return s
}

// fold folds p into its bucket and reports whether it was kept: points
// older than Keep before the newest bucket are dropped, as are gaps.
func (s *Series) fold(p Point) bool { return s.foldN(p, 1) }

// foldN folds p, standing for n points, into its bucket.
func (s *Series) foldN(p Point, n int64) bool {
	w := s.folding.Width
	if w <= 0 || p.V != p.V {
		return false
	}
	start := bucketStart(p.T, w)
	k := len(s.buckets)
	if k > 0 {
		lastStart := bucketStart(s.buckets[k-1].first.T, w)
		switch {
		case start == lastStart:
			s.buckets[k-1].add(p, n)
			return true
		case start > lastStart:
			s.pushBucket(bucket{first: p, lo: p, hi: p, last: p, n: n})
			s.trimBuckets()
			return true
		}
		if keep := s.folding.Keep; keep > 0 && p.T < s.buckets[k-1].last.T-keep {
			return false
		}
	}
	i := sort.Search(k, func(i int) bool { return bucketStart(s.buckets[i].first.T, w) >= start })
	if i < k && bucketStart(s.buckets[i].first.T, w) == start {
		s.buckets[i].add(p, n)
		return true
	}
	s.pushBucket(bucket{})
	copy(s.buckets[i+1:], s.buckets[i:])
	s.buckets[i] = bucket{first: p, lo: p, hi: p, last: p, n: n}
	return true
}

// pushBucket appends b to the buckets of s, growing their array by a
// quarter at a time, up to what the fold keeps (Keep/Width and the
// buckets at its ends) at first: series folding in step would otherwise double
// their arrays together and hold up to half of them unused.
func (s *Series) pushBucket(b bucket) {
	if k := len(s.buckets); k == cap(s.buckets) {
		size := max(k+k/4, minBuckets)
		if w, keep := s.folding.Width, s.folding.Keep; keep > 0 && w > 0 {
			if kept := int(min(keep/w, maxKeptBuckets)) + 3; kept > k {
				size = min(size, kept)
			}
		}
		nb := make([]bucket, k, size)
		copy(nb, s.buckets)
		s.buckets = nb
	}
	s.buckets = append(s.buckets, b)
}

// minBuckets is the first allocation of a series' buckets; maxKeptBuckets
// bounds the buckets a fold is taken to keep when it sizes their array.
const (
	minBuckets     = 16
	maxKeptBuckets = 1 << 20
)

// trimBuckets drops the buckets older than Keep before the newest one.
func (s *Series) trimBuckets() {
	keep := s.folding.Keep
	k := len(s.buckets)
	if keep <= 0 || k == 0 {
		return
	}
	limit := s.buckets[k-1].last.T - keep
	i := 0
	for i < k && s.buckets[i].last.T < limit {
		i++
	}
	if i > 0 {
		// Shift down rather than reslice, so that the backing array is
		// reused and the series' memory stays bounded.
		s.buckets = s.buckets[:copy(s.buckets, s.buckets[i:])]
	}
}

// SetFold changes how s folds its older points, re-folding the buckets it
// holds: their points keep their times, so the extremes stay those of
// every point folded (a bucket's count goes with its first point).
func (s *Series) SetFold(f Fold) {
	if f == s.folding {
		return
	}
	old := s.buckets
	s.folding, s.buckets = f, nil
	for i := range old {
		b := &old[i]
		s.foldN(b.first, b.n)
		for _, p := range [3]Point{b.lo, b.hi, b.last} {
			s.foldN(p, 0)
		}
	}
}

// Folded returns how many points of s are folded into buckets.
func (s *Series) Folded() int64 {
	var n int64
	for i := range s.buckets {
		n += s.buckets[i].n
	}
	return n
}

// foldGap returns the spacing above which two neighbouring points of s are
// not joined, given its own limit gap: buckets are joined when no more
// than two bucket widths apart.
func (s *Series) foldGap(gap int64) int64 {
	if len(s.buckets) == 0 || gap <= 0 {
		return gap
	}
	return max(gap, 2*s.folding.Width)
}

// feedBuckets feeds d the lowest and highest point of each bucket of s
// in [t0, t1], in time order, counting every point the buckets hold, and
// returns how many buckets it fed.
func (s *Series) feedBuckets(d *decimator, t0, t1 int64) int {
	fed := 0
	i := sort.Search(len(s.buckets), func(i int) bool { return s.buckets[i].last.T >= t0 })
	var pair [2]Point
	for ; i < len(s.buckets) && s.buckets[i].first.T <= t1; i++ {
		b := &s.buckets[i]
		pts := pair[:0]
		for _, p := range [2]Point{min2(b.lo, b.hi), max2(b.lo, b.hi)} {
			// A bucket at the window's edge may hold points outside it.
			if p.T >= t0 && p.T <= t1 && (len(pts) == 0 || p != pts[0]) {
				pts = append(pts, p)
			}
		}
		if len(pts) == 0 {
			continue
		}
		d.feed(pts)
		fed++
		d.stats.N += int(b.n) - len(pts)
		if b.last.T <= t1 {
			d.stats.Last = b.last.V
		}
	}
	return fed
}

// min2 and max2 return the earlier and the later of two points.
func min2(a, b Point) Point {
	if b.T < a.T {
		return b
	}
	return a
}

func max2(a, b Point) Point {
	if b.T < a.T {
		return a
	}
	return b
}

// foldedBefore returns the newest folded point before t, if any.
func (s *Series) foldedBefore(t int64) (Point, bool) {
	i := sort.Search(len(s.buckets), func(i int) bool { return s.buckets[i].first.T >= t })
	if i == 0 {
		return Point{}, false
	}
	b := &s.buckets[i-1]
	p := b.first
	for _, q := range [3]Point{b.lo, b.hi, b.last} {
		if q.T < t && q.T >= p.T {
			p = q
		}
	}
	return p, true
}

// foldedAfter returns the oldest folded point after t, if any.
func (s *Series) foldedAfter(t int64) (Point, bool) {
	i := sort.Search(len(s.buckets), func(i int) bool { return s.buckets[i].last.T > t })
	if i == len(s.buckets) {
		return Point{}, false
	}
	b := &s.buckets[i]
	p := b.last
	for _, q := range [3]Point{b.first, b.lo, b.hi} {
		if q.T > t && q.T <= p.T {
			p = q
		}
	}
	return p, true
}

// Oldest returns the time of the oldest point of s, folded or not.
func (s *Series) Oldest() (int64, bool) {
	switch {
	case len(s.buckets) > 0:
		return s.buckets[0].first.T, true
	case s.n > 0:
		return s.At(0).T, true
	}
	return 0, false
}

// Newest returns the time of the newest point of s, folded or not.
func (s *Series) Newest() (int64, bool) {
	switch {
	case s.n > 0:
		return s.At(s.n - 1).T, true
	case len(s.buckets) > 0:
		return s.buckets[len(s.buckets)-1].last.T, true
	}
	return 0, false
}
