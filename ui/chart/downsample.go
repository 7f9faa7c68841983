package chart

import "math"

// This file reduces a series to what a pane can show.

// Stats summarises the points of a series inside a time window.
type Stats struct {
	N        int     // number of points in the window
	Min, Max float64 // extremes of the values in the window
	Last     float64 // value of the newest point in the window
}

// merge folds o into st.
func (st *Stats) merge(o Stats) {
	if o.N == 0 {
		return
	}
	if st.N == 0 {
		*st = o
		return
	}
	st.N += o.N
	if o.Min < st.Min {
		st.Min = o.Min
	}
	if o.Max > st.Max {
		st.Max = o.Max
	}
	st.Last = o.Last
}

// decimator accumulates time-ordered points into columns of equal duration and
// keeps, per column, the points holding the minimum and the maximum value, in
// time order. Drawing lines through its output keeps every spike visible while
// the number of points stays within two per column.
type decimator struct {
	t0       int64   // start of the window (inclusive)
	scale    float64 // columns per nanosecond
	nsPerCol float64 // nanoseconds per column
	cols     int

	gap  int64 // a spacing above this breaks the line
	prev int64 // time of the last point fed
	fed  bool  // a point was fed (prev is set)

	dst    []Point
	col    int   // current column, -1 before the first point
	colEnd int64 // first time after the current column
	lo     Point
	hi     Point
	stats  Stats // n counts the points fed; min and max are set once hasExt
	hasExt bool
}

// reset prepares d for a window [t0, t1] split into cols columns, appending its
// output to dst. Two neighbouring points further apart than gap (ns; 0: no
// limit) get a gap between them, so no line joins them.
func (d *decimator) reset(dst []Point, t0, t1 int64, cols int, gap int64) {
	if cols < 1 {
		cols = 1
	}
	span := t1 - t0
	if span < 1 {
		span = 1
	}
	d.t0, d.cols = t0, cols
	d.scale = float64(cols) / float64(span)
	d.nsPerCol = float64(span) / float64(cols)
	d.gap = gap
	if gap <= 0 {
		d.gap = math.MaxInt64
	}
	d.fed = false
	d.dst = dst
	d.col = -1
	d.stats = Stats{}
	d.hasExt = false
}

// column returns the column of time t.
func (d *decimator) column(t int64) int {
	c := int(float64(t-d.t0) * d.scale)
	return min(max(c, 0), d.cols-1)
}

// end returns the first time after column c. Column boundaries are defined by
// end alone; column only gives the first guess for a point.
func (d *decimator) end(c int) int64 {
	if c >= d.cols-1 {
		return math.MaxInt64
	}
	return d.t0 + int64(float64(c+1)*d.nsPerCol)
}

// flush emits the current column's extremes and folds them into the stats.
func (d *decimator) flush() {
	if d.col < 0 {
		return
	}
	switch {
	case d.lo == d.hi:
		d.dst = append(d.dst, d.lo)
	case d.lo.T <= d.hi.T:
		d.dst = append(d.dst, d.lo, d.hi)
	default:
		d.dst = append(d.dst, d.hi, d.lo)
	}
	if !d.hasExt {
		d.stats.Min, d.stats.Max = d.lo.V, d.hi.V
		d.hasExt = true
	} else {
		d.stats.Min = min(d.stats.Min, d.lo.V)
		d.stats.Max = max(d.stats.Max, d.hi.V)
	}
	d.col = -1
}

// breakAfter reports whether a point at time t is too far from the last
// point fed to be joined to it.
func (d *decimator) breakAfter(t int64) bool {
	return d.fed && t-d.prev > d.gap
}

// feed adds points that lie inside the window, in time order. A gap (a NaN
// point) ends the current column and is passed on as it is, so that the line
// stays broken there; gaps are not counted in the statistics. Where two
// points are further apart than d.gap, a gap is put between them.
func (d *decimator) feed(pts []Point) {
	if len(pts) == 0 {
		return
	}
	for j := len(pts) - 1; j >= 0; j-- {
		if v := pts[j].V; v == v {
			d.stats.Last = v
			break
		}
	}
	d.stats.N += len(pts)
	for i := 0; i < len(pts); {
		if p := pts[i]; p.V != p.V {
			d.flush()
			d.dst = append(d.dst, p)
			d.stats.N--
			d.prev, d.fed = p.T, true
			i++
			continue
		}
		if d.breakAfter(pts[i].T) {
			d.flush()
			d.dst = append(d.dst, Point{T: d.prev, V: math.NaN()})
		}
		if d.col < 0 || pts[i].T >= d.colEnd {
			d.flush()
			p := pts[i]
			c := d.column(p.T)
			e := d.end(c)
			for p.T >= e { // rounding put p a column early
				c++
				e = d.end(c)
			}
			d.col, d.colEnd = c, e
			d.lo, d.hi = p, p
			d.prev, d.fed = p.T, true
			i++
		}
		lo, hi, end, prev, gap := d.lo, d.hi, d.colEnd, d.prev, d.gap
		for ; i < len(pts); i++ {
			q := pts[i]
			if q.T >= end || q.V != q.V || q.T-prev > gap {
				break
			}
			prev = q.T
			if q.V < lo.V {
				lo = q
			}
			if q.V > hi.V {
				hi = q
			}
		}
		d.lo, d.hi, d.prev = lo, hi, prev
	}
}

// finish flushes the last column and returns the decimated points and the
// statistics of the points fed.
func (d *decimator) finish() ([]Point, Stats) {
	d.flush()
	return d.dst, d.stats
}

// decimate appends to dst the points of s to draw for the window [t0, t1]
// split into cols columns: the min/max decimation of the points inside the
// window (those folded into buckets fed as their buckets' extremes),
// preceded by the newest point before it and followed by the oldest point
// after it (so lines run to the window's edges). Neighbours further apart
// than gap (ns; 0: no limit; at least two bucket widths where points are
// folded) are not joined: time that was not read is not drawn over. The
// statistics cover only the points inside the window.
func decimate(dst []Point, s *Series, t0, t1 int64, cols int, gap int64) ([]Point, Stats) {
	gap = s.foldGap(gap)
	var d decimator
	d.reset(dst, t0, t1, cols, gap)
	i0 := s.search(t0)
	i1 := s.searchAfter(t1)
	var before, after Point
	hasBefore, hasAfter := i0 > 0, false
	if hasBefore {
		before = s.At(i0 - 1)
	} else {
		before, hasBefore = s.foldedBefore(t0)
	}
	// Folded points are older than the ring's: one after the window comes
	// first from the buckets.
	if after, hasAfter = s.foldedAfter(t1); !hasAfter && i1 < s.n {
		after, hasAfter = s.At(i1), true
	}
	start := len(d.dst)
	if hasBefore {
		d.dst = append(d.dst, before)
		d.prev, d.fed = before.T, true
	}
	inside := s.feedBuckets(&d, t0, t1) > 0 || i0 < i1
	if !inside {
		// Nothing inside the window: still draw the segment crossing it, if any.
		d.dst = d.dst[:start]
		if hasBefore && hasAfter && !(gap > 0 && after.T-before.T > gap) {
			d.dst = append(d.dst, before, after)
		}
		return d.dst, d.stats
	}
	a, b := s.slices(i0, i1)
	d.feed(a)
	d.feed(b)
	out, st := d.finish()
	if hasAfter {
		if d.breakAfter(after.T) {
			out = append(out, Point{T: d.prev, V: math.NaN()})
		}
		out = append(out, after)
	}
	return out, st
}
