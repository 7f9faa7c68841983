package render

import (
	"math"
	"sort"
	"time"
)

// xy is a vertex in data units: seconds since the pane's start, and value.
type xy struct{ x, y float64 }

// stats are a series' figures over a pane's range, for the legend and the
// value axis.
type stats struct {
	n              int // values (points, and buckets counted once) in range
	last, min, max float64
	nonFinite      int // values in range that are NaN or ±Inf, not drawn
}

// add counts a value in range.
func (st *stats) add(lo, hi, last float64) {
	if st.n == 0 {
		st.min, st.max = lo, hi
	} else {
		st.min, st.max = math.Min(st.min, lo), math.Max(st.max, hi)
	}
	st.last = last
	st.n++
}

// finite reports whether every v is neither NaN nor infinite.
func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// trace returns the polylines that draw s in the range [from, to] (x in
// seconds since from) and its figures there. Points and buckets are taken
// in time order; the one just before and just after the range are joined
// to it, not counted.
func trace(s *Series, from, to time.Time) ([][]xy, stats) {
	pts := s.Points
	p0 := sort.Search(len(pts), func(i int) bool { return !pts[i].T.Before(from) })
	p1 := sort.Search(len(pts), func(i int) bool { return pts[i].T.After(to) })
	bks := s.Buckets
	b0 := sort.Search(len(bks), func(i int) bool { return !bks[i].To.Before(from) })
	b1 := sort.Search(len(bks), func(i int) bool { return bks[i].From.After(to) })

	t := tracer{from: from, join: s.Join}
	// Walk both lists in time order, from the neighbour before the range
	// to the neighbour after it.
	i, j := max(p0-1, 0), max(b0-1, 0)
	iEnd, jEnd := min(p1+1, len(pts)), min(b1+1, len(bks))
	for i < iEnd || j < jEnd {
		if j >= jEnd || (i < iEnd && pts[i].T.Before(bks[j].From)) {
			t.point(&pts[i], i >= p0 && i < p1)
			i++
			continue
		}
		t.bucket(&bks[j], j >= b0 && j < b1)
		j++
	}
	t.flush()
	return t.lines, t.st
}

// tracer builds the polylines of one series.
type tracer struct {
	from  time.Time
	join  time.Duration
	lines [][]xy
	cur   []xy
	prev  time.Time // end of the last value drawn
	st    stats
}

// sec returns t in seconds since the pane's start.
func (t *tracer) sec(at time.Time) float64 { return at.Sub(t.from).Seconds() }

// flush ends the current line.
func (t *tracer) flush() {
	if len(t.cur) > 0 {
		t.lines = append(t.lines, t.cur)
		t.cur = nil
	}
}

// begin breaks the line before a value starting at start when the time
// since the last value drawn is longer than the join.
func (t *tracer) begin(start time.Time) {
	if len(t.cur) > 0 && t.join > 0 && start.Sub(t.prev) > t.join {
		t.flush()
	}
}

func (t *tracer) point(p *Point, inRange bool) {
	switch {
	case p.Gap:
		t.flush()
		return
	case !finite(p.V):
		if inRange {
			t.st.nonFinite++
		}
		return
	}
	if inRange {
		t.st.add(p.V, p.V, p.V)
	}
	t.begin(p.T)
	t.cur = append(t.cur, xy{t.sec(p.T), p.V})
	t.prev = p.T
}

func (t *tracer) bucket(b *Bucket, inRange bool) {
	if !finite(b.First, b.Last, b.Min, b.Max) {
		if inRange {
			t.st.nonFinite++
		}
		return
	}
	if inRange {
		t.st.add(b.Min, b.Max, b.Last)
	}
	t.begin(b.From)
	x0, x1 := t.sec(b.From), t.sec(b.To)
	lo, hi := xy{(x0 + x1) / 2, b.Min}, xy{(x0 + x1) / 2, b.Max}
	if !b.MinAt.IsZero() && !b.MaxAt.IsZero() {
		lo.x, hi.x = t.sec(b.MinAt), t.sec(b.MaxAt)
	}
	// Cover the extremes in time order, else in the order that keeps the
	// path shortest.
	switch {
	case lo.x != hi.x:
		if hi.x < lo.x {
			lo, hi = hi, lo
		}
	case math.Abs(b.First-hi.y)+math.Abs(lo.y-b.Last) < math.Abs(b.First-lo.y)+math.Abs(hi.y-b.Last):
		lo, hi = hi, lo
	}
	t.cur = append(t.cur, xy{x0, b.First}, lo, hi, xy{x1, b.Last})
	t.prev = b.To
}
