package ui

import "math"

// This file reduces a series to what a pane can show. It must not import
// bubbletea so that it can be tested and benchmarked alone.

// windowStats summarises the points of a series inside a time window.
type windowStats struct {
	n        int     // number of points in the window
	min, max float64 // extremes of the values in the window
	last     float64 // value of the newest point in the window
}

// merge folds o into st.
func (st *windowStats) merge(o windowStats) {
	if o.n == 0 {
		return
	}
	if st.n == 0 {
		*st = o
		return
	}
	st.n += o.n
	if o.min < st.min {
		st.min = o.min
	}
	if o.max > st.max {
		st.max = o.max
	}
	st.last = o.last
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

	dst    []point
	col    int   // current column, -1 before the first point
	colEnd int64 // first time after the current column
	lo     point
	hi     point
	stats  windowStats // n counts the points fed; min and max are set once hasExt
	hasExt bool
}

// reset prepares d for a window [t0, t1] split into cols columns, appending its
// output to dst.
func (d *decimator) reset(dst []point, t0, t1 int64, cols int) {
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
	d.dst = dst
	d.col = -1
	d.stats = windowStats{}
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
	case d.lo.t <= d.hi.t:
		d.dst = append(d.dst, d.lo, d.hi)
	default:
		d.dst = append(d.dst, d.hi, d.lo)
	}
	if !d.hasExt {
		d.stats.min, d.stats.max = d.lo.v, d.hi.v
		d.hasExt = true
	} else {
		d.stats.min = min(d.stats.min, d.lo.v)
		d.stats.max = max(d.stats.max, d.hi.v)
	}
	d.col = -1
}

// feed adds points that lie inside the window, in time order. A gap (a NaN
// point) ends the current column and is passed on as it is, so that the line
// stays broken there; gaps are not counted in the statistics.
func (d *decimator) feed(pts []point) {
	if len(pts) == 0 {
		return
	}
	for j := len(pts) - 1; j >= 0; j-- {
		if v := pts[j].v; v == v {
			d.stats.last = v
			break
		}
	}
	d.stats.n += len(pts)
	for i := 0; i < len(pts); {
		if p := pts[i]; p.v != p.v {
			d.flush()
			d.dst = append(d.dst, p)
			d.stats.n--
			i++
			continue
		}
		if d.col < 0 || pts[i].t >= d.colEnd {
			d.flush()
			p := pts[i]
			c := d.column(p.t)
			e := d.end(c)
			for p.t >= e { // rounding put p a column early
				c++
				e = d.end(c)
			}
			d.col, d.colEnd = c, e
			d.lo, d.hi = p, p
			i++
		}
		lo, hi, end := d.lo, d.hi, d.colEnd
		for ; i < len(pts); i++ {
			q := pts[i]
			if q.t >= end || q.v != q.v {
				break
			}
			if q.v < lo.v {
				lo = q
			}
			if q.v > hi.v {
				hi = q
			}
		}
		d.lo, d.hi = lo, hi
	}
}

// finish flushes the last column and returns the decimated points and the
// statistics of the points fed.
func (d *decimator) finish() ([]point, windowStats) {
	d.flush()
	return d.dst, d.stats
}

// decimate appends to dst the points of s to draw for the window [t0, t1]
// split into cols columns: the min/max decimation of the points inside the
// window, preceded by the newest point before it and followed by the oldest
// point after it (so lines run to the window's edges). The statistics cover
// only the points inside the window.
func decimate(dst []point, s *series, t0, t1 int64, cols int) ([]point, windowStats) {
	var d decimator
	d.reset(dst, t0, t1, cols)
	i0 := s.search(t0)
	i1 := s.searchAfter(t1)
	if i0 >= i1 {
		// Nothing inside the window: still draw the segment crossing it, if any.
		if i0 > 0 && i1 < s.n {
			d.dst = append(d.dst, s.at(i0-1), s.at(i1))
		}
		return d.dst, d.stats
	}
	if i0 > 0 {
		d.dst = append(d.dst, s.at(i0-1))
	}
	a, b := s.slices(i0, i1)
	d.feed(a)
	d.feed(b)
	out, st := d.finish()
	if i1 < s.n {
		out = append(out, s.at(i1))
	}
	return out, st
}
