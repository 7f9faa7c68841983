package ui

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
	t0    int64   // start of the window (inclusive)
	scale float64 // columns per nanosecond
	cols  int

	dst   []point
	col   int // current column, -1 before the first point
	lo    point
	hi    point
	stats windowStats
}

// reset prepares d for a window [t0, t1] split into cols columns, appending its
// output to dst[:0].
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
	d.dst = dst[:0]
	d.col = -1
	d.stats = windowStats{}
}

// flush emits the current column's extremes.
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
	d.col = -1
}

// feed adds points that lie inside the window, in time order.
func (d *decimator) feed(pts []point) {
	if len(pts) == 0 {
		return
	}
	st := &d.stats
	if st.n == 0 {
		st.min, st.max = pts[0].v, pts[0].v
	}
	st.n += len(pts)
	st.last = pts[len(pts)-1].v
	last := d.cols - 1
	for _, p := range pts {
		if p.v < st.min {
			st.min = p.v
		}
		if p.v > st.max {
			st.max = p.v
		}
		c := int(float64(p.t-d.t0) * d.scale)
		if c > last {
			c = last
		} else if c < 0 {
			c = 0
		}
		if c != d.col {
			d.flush()
			d.col, d.lo, d.hi = c, p, p
			continue
		}
		if p.v < d.lo.v {
			d.lo = p
		}
		if p.v > d.hi.v {
			d.hi = p
		}
	}
}

// finish flushes the last column and returns the decimated points and the
// statistics of the points fed.
func (d *decimator) finish() ([]point, windowStats) {
	d.flush()
	return d.dst, d.stats
}

// decimate appends to dst[:0] the points of s to draw for the window [t0, t1]
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
