package chart

import (
	"math"
	"sort"
)

// This file folds a series' older points into time buckets, so that a
// window holds its whole time range at any rate: a point that leaves the
// ring of recent points (or arrives older than all of them, as a history
// read after live records does) is folded into the bucket of its time,
// which keeps the bucket's first, lowest, highest and last point: their
// values, and their times in a unit of the bucket's (exact for times in
// whole units, as Kafka's milliseconds are in buckets up to a minute wide;
// else less than a unit earlier, within the pixel column they are drawn
// in). Drawing feeds the lowest and highest point of each bucket to the
// decimator, which keeps per pixel column the extremes of what it is fed:
// with buckets no wider than a column of a pane as wide as the terminal,
// each extreme is drawn in its own column, and the legend's min and max
// are those of every point of the window (the count of a bucket across the
// window's start is all of its points). Memory is bounded by the buckets of the
// window (Keep/Width per series), not by the rate. A gap (NaN) folded
// into a bucket is not kept: a null's line break is lost once it is folded;
// time without records still breaks the line (no bucket there).

// The points a bucket keeps, as indexes of its at and v.
const (
	bFirst = iota
	bLo
	bHi
	bLast
)

// bucket holds the points folded into one time bucket: its number (from
// its series' bucketBase), how many points it holds, and its first, lowest,
// highest and last point: their values, and their times in the series'
// bucketUnit from the bucket's start rounded down to that unit (see
// unitOf). A bucket counts at most 2^32-1 points; more in one bucket go
// into another of the same number after it.
type bucket struct {
	num int32
	n   uint32
	at  [4]uint16
	v   [4]float64
}

// newBucket returns a bucket numbered num holding the point at time f (in
// the bucket's units) of value v, standing for n points.
func newBucket(num int32, f uint16, v float64, n uint32) bucket {
	return bucket{num: num, n: n, at: [4]uint16{f, f, f, f}, v: [4]float64{v, v, v, v}}
}

// add folds the point at time f (in the bucket's units) of value v,
// standing for n points, into b (which holds at least one).
func (b *bucket) add(f uint16, v float64, n uint32) {
	b.n += n
	if f < b.at[bFirst] {
		b.at[bFirst], b.v[bFirst] = f, v
	}
	if f >= b.at[bLast] {
		b.at[bLast], b.v[bLast] = f, v
	}
	if v < b.v[bLo] {
		b.at[bLo], b.v[bLo] = f, v
	}
	if v > b.v[bHi] {
		b.at[bHi], b.v[bHi] = f, v
	}
}

// Fold says how a store's series fold their older points.
type Fold struct {
	// Width is a bucket's length in nanoseconds; 0: points leaving the
	// ring are dropped, not folded.
	Width int64
	// Keep is how far before a series' newest point its buckets are kept
	// (ns); 0, or more than 2^30 widths: 2^30 widths.
	Keep int64
}

// FoldFor returns the fold of a window of window ns drawn at most
// columns pixel columns wide: a bucket per column, kept for the window and
// a tenth more.
func FoldFor(window int64, columns int) Fold {
	columns = max(columns, 64)
	return Fold{Width: max(window/int64(columns), 1), Keep: window + window/10}
}

// numOf returns the number of the bucket of time t at width w: t/w
// rounded down.
func numOf(t, w int64) int64 {
	b := t / w
	if t < 0 && t%w != 0 {
		b--
	}
	return b
}

// unitOf returns the unit of the times of buckets of width w: the
// least power of ten nanoseconds in which w spans fewer than 65535, so that
// a bucket's times fit in 16 bits from its start rounded down to the unit.
func unitOf(w int64) int64 {
	u := int64(1)
	for w/u >= 65535 {
		u *= 10
	}
	return u
}

// origin returns the time the times of bucket number num count from: its
// start rounded down to the series' unit.
func (s *Series) origin(num int64) int64 {
	return numOf(num*s.folding.Width, s.bucketUnit) * s.bucketUnit
}

// point returns point i of b, a bucket of s.
func (s *Series) point(b *bucket, i int) Point {
	return Point{T: s.origin(s.bucketBase+int64(b.num)) + int64(b.at[i])*s.bucketUnit, V: b.v[i]}
}

// maxSpan bounds how many bucket widths a series keeps before its newest
// point (whatever Fold.Keep says), so that bucket numbers fit in 31 bits.
const maxSpan = 1 << 30

// keepSpan returns how far before its newest point s keeps its buckets (ns).
func (s *Series) keepSpan() int64 {
	w, keep := s.folding.Width, s.folding.Keep
	limit := int64(math.MaxInt64)
	if w <= math.MaxInt64/maxSpan {
		limit = maxSpan * w
	}
	if keep <= 0 || keep > limit {
		return limit
	}
	return keep
}

// keptAfter returns the time before which s drops its buckets, given its
// newest time t: t less the kept span, or the least time.
func (s *Series) keptAfter(t int64) int64 {
	if span := s.keepSpan(); t >= math.MinInt64+span {
		return t - span
	}
	return math.MinInt64
}

// fold folds p into its bucket and reports whether it was kept: points
// older than Keep before the newest bucket are dropped, as are gaps.
func (s *Series) fold(p Point) bool { return s.foldN(p, 1) }

// foldN folds p, standing for n points, into its bucket.
func (s *Series) foldN(p Point, n uint32) bool {
	w := s.folding.Width
	if w <= 0 || p.V != p.V {
		return false
	}
	k := len(s.buckets)
	if k > 0 && p.T >= s.newestStart && p.T-s.newestStart < w {
		// The newest bucket's, as the points leaving the ring mostly are.
		s.addTo(k-1, uint16((p.T-s.newestOrigin)/s.bucketUnit), p.V, n)
		return true
	}
	num := numOf(p.T, w)
	f := uint16((p.T - s.origin(num)) / s.bucketUnit)
	if k == 0 {
		s.bucketBase = num
		s.pushBucket(newBucket(0, f, p.V, n))
		s.newestStart, s.newestOrigin = num*w, s.origin(num)
		return true
	}
	newest := s.bucketBase + int64(s.buckets[k-1].num)
	switch {
	case num == newest:
		s.addTo(k-1, f, p.V, n)
		return true
	case num > newest:
		if num-s.bucketBase > math.MaxInt32 {
			// Every bucket more than the kept span before p goes, and
			// the rest are numbered from the oldest left (or p).
			s.trimBefore(s.keptAfter(p.T))
			base := num
			if len(s.buckets) > 0 {
				base = s.bucketBase + int64(s.buckets[0].num)
			}
			s.rebase(base)
		}
		s.pushBucket(newBucket(int32(num-s.bucketBase), f, p.V, n))
		s.newestStart, s.newestOrigin = num*w, s.origin(num)
		s.trimBuckets()
		return true
	}
	if p.T < s.keptAfter(s.point(&s.buckets[k-1], bLast).T) {
		return false
	}
	// p is at most maxSpan widths older than the newest bucket, and the
	// base no newer than it: its number fits.
	rel := int32(num - s.bucketBase)
	i := sort.Search(k, func(i int) bool { return s.buckets[i].num >= rel })
	if i < k && s.buckets[i].num == rel {
		s.addTo(i, f, p.V, n)
		return true
	}
	s.insertBucket(i, newBucket(rel, f, p.V, n))
	return true
}

// addTo folds the point at time f (in bucket units) of value v, standing
// for n points,
// into bucket i of s or, when that bucket's count would overflow, into a
// new bucket of the same number after it.
func (s *Series) addTo(i int, f uint16, v float64, n uint32) {
	for i+1 < len(s.buckets) && s.buckets[i+1].num == s.buckets[i].num {
		i++
	}
	b := &s.buckets[i]
	if uint64(b.n)+uint64(n) > math.MaxUint32 {
		s.insertBucket(i+1, newBucket(b.num, f, v, n))
		return
	}
	b.add(f, v, n)
}

// rebase numbers the buckets of s from base; they must fit.
func (s *Series) rebase(base int64) {
	for i := range s.buckets {
		s.buckets[i].num = int32(s.bucketBase + int64(s.buckets[i].num) - base)
	}
	s.bucketBase = base
}

// insertBucket inserts b at index i of the buckets of s.
func (s *Series) insertBucket(i int, b bucket) {
	s.pushBucket(bucket{})
	copy(s.buckets[i+1:], s.buckets[i:])
	s.buckets[i] = b
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
	if k := len(s.buckets); k > 0 {
		s.trimBefore(s.keptAfter(s.point(&s.buckets[k-1], bLast).T))
	}
}

// trimBefore drops the buckets whose last point is older than limit.
func (s *Series) trimBefore(limit int64) {
	k := len(s.buckets)
	i := 0
	for i < k && s.point(&s.buckets[i], bLast).T < limit {
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
	old := *s
	s.folding, s.buckets = f, nil
	if f.Width > 0 {
		s.bucketUnit = unitOf(f.Width)
	}
	for i := range old.buckets {
		b := &old.buckets[i]
		s.foldN(old.point(b, bFirst), b.n)
		for _, j := range [3]int{bLo, bHi, bLast} {
			s.foldN(old.point(b, j), 0)
		}
	}
}

// Folded returns how many points of s are folded into buckets.
func (s *Series) Folded() int64 {
	var n int64
	for i := range s.buckets {
		n += int64(s.buckets[i].n)
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

// atOf returns time t on the scale of the times of b, a bucket of s: -1
// before the bucket, 65536 after it. A point of b is at or after t when its
// time is at or above atOf(t), at or before t when at or below it: a point
// at t is never taken to be on the wrong side of it (one less than a unit
// before it may be).
func (s *Series) atOf(b *bucket, t int64) int64 {
	num := s.bucketBase + int64(b.num)
	switch w := s.folding.Width; {
	case t < num*w:
		return -1
	case t-num*w >= w:
		return 1 << 16
	default:
		return (t - s.origin(num)) / s.bucketUnit
	}
}

// searchBuckets returns the index of the first bucket of s whose last
// point is at t or later (len(s.buckets) if none).
func (s *Series) searchBuckets(t int64) int {
	return sort.Search(len(s.buckets), func(i int) bool {
		b := &s.buckets[i]
		return int64(b.at[bLast]) >= s.atOf(b, t)
	})
}

// feedBuckets feeds d the lowest and highest point of each bucket of s
// in [t0, t1], in time order, counting every point the buckets hold, and
// returns how many buckets it fed.
func (s *Series) feedBuckets(d *decimator, t0, t1 int64) int {
	fed := 0
	var pair [2]Point
	for i := s.searchBuckets(t0); i < len(s.buckets); i++ {
		b := &s.buckets[i]
		a0, a1 := s.atOf(b, t0), s.atOf(b, t1)
		if int64(b.at[bFirst]) > a1 {
			break
		}
		lo, hi := bLo, bHi
		if b.at[hi] < b.at[lo] {
			lo, hi = hi, lo
		}
		pts := pair[:0]
		for _, j := range [2]int{lo, hi} {
			// A bucket at the window's edge may hold points outside it.
			if a := int64(b.at[j]); a < a0 || a > a1 {
				continue
			}
			p := s.point(b, j)
			p.T = min(max(p.T, t0), t1)
			if len(pts) == 0 || p != pts[0] {
				pts = append(pts, p)
			}
		}
		if len(pts) == 0 {
			continue
		}
		d.feed(pts)
		fed++
		d.stats.N += int(b.n) - len(pts)
		if int64(b.at[bLast]) <= a1 {
			d.stats.Last = b.v[bLast]
		}
	}
	return fed
}

// foldedBefore returns the newest folded point before t, if any.
func (s *Series) foldedBefore(t int64) (Point, bool) {
	i := sort.Search(len(s.buckets), func(i int) bool { return s.point(&s.buckets[i], bFirst).T >= t })
	if i == 0 {
		return Point{}, false
	}
	b := &s.buckets[i-1]
	p := s.point(b, bFirst)
	for _, j := range [3]int{bLo, bHi, bLast} {
		if q := s.point(b, j); q.T < t && q.T >= p.T {
			p = q
		}
	}
	return p, true
}

// foldedAfter returns the oldest folded point after t, if any.
func (s *Series) foldedAfter(t int64) (Point, bool) {
	i := s.searchBuckets(t + 1)
	if i == len(s.buckets) {
		return Point{}, false
	}
	b := &s.buckets[i]
	p := s.point(b, bLast)
	for _, j := range [3]int{bFirst, bLo, bHi} {
		if q := s.point(b, j); q.T > t && q.T <= p.T {
			p = q
		}
	}
	return p, true
}

// Oldest returns the time of the oldest point of s, folded or not.
func (s *Series) Oldest() (int64, bool) {
	switch {
	case len(s.buckets) > 0:
		return s.point(&s.buckets[0], bFirst).T, true
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
		return s.point(&s.buckets[len(s.buckets)-1], bLast).T, true
	}
	return 0, false
}
