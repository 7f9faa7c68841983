package chart

import (
	"strings"
	"time"

	"github.com/NimbleMarkets/ntcharts/canvas/runes"
)

// This file renders one line chart (axes, labels and braille lines) as text.

// Chart geometry limits.
const (
	minAxesWidth  = 30 // below this many columns a chart has no axes
	minAxesHeight = 6  // below this many rows a chart has no axes
	minPlotWidth  = 4  // axes are dropped if the plot would be narrower
)

// Line is one series to draw, in an ink; period > 1 draws it dotted.
type Line struct {
	Series *Series
	Ink    InkID
	Period int
}

// Spec describes a chart to render.
type Spec struct {
	W, H     int   // size in cells, axes included
	T0, T1   int64 // window, Unix nanoseconds
	Loc      *time.Location
	Lines    []Line
	AxisInk  InkID
	LabelInk InkID
	Empty    string // shown centred when no point lies in the window
	EmptyInk InkID
	// Marks are moments named under the time axis (a rebalance: "g3"),
	// in MarkInk; a tick label they would touch is left out.
	Marks   []Mark
	MarkInk InkID
}

// Mark is a moment named under the time axis.
type Mark struct {
	T     int64 // Unix ns
	Label string
}

// Renderer renders charts, reusing its buffers between frames.
type Renderer struct {
	pts    []Point
	offs   []int
	stats  []Stats
	r      raster
	ylabel []string
	xrow   []byte
	xstart []int // x-axis label starts
	marks  []placedMark
	b      strings.Builder
	axes   bool // the last chart rendered has axes
}

// Axes reports whether the last chart rendered has axes: a chart too small
// for them (or without points) has none.
func (c *Renderer) Axes() bool { return c.axes }

// Render draws sp and returns its lines (each exactly sp.w cells wide), the
// per-line statistics of the points inside the window, and the number of
// decimals that tells the y ticks apart.
func (c *Renderer) Render(sp *Spec, inks []Ink) ([]string, []Stats, int) {
	w, h := sp.W, sp.H
	if w <= 0 || h <= 0 {
		return nil, nil, 0
	}
	c.pts, c.offs, c.stats = c.pts[:0], c.offs[:0], c.stats[:0]
	var all Stats
	for _, ln := range sp.Lines {
		c.offs = append(c.offs, len(c.pts))
		var st Stats
		c.pts, st = decimate(c.pts, ln.Series, sp.T0, sp.T1, 2*w, ln.Series.gapLimit())
		c.stats = append(c.stats, st)
		all.merge(st)
	}
	c.offs = append(c.offs, len(c.pts))
	c.axes = false
	if all.N == 0 {
		return c.message(sp, inks), c.stats, 0
	}

	axes := w >= minAxesWidth && h >= minAxesHeight
	plotH := h
	if axes {
		plotH = h - 2
	}
	lo, hi := valueRange(all.Min, all.Max)
	ticks, step := valueTicks(lo, hi, max(2, plotH/4))
	decimals := decimalsFor(step)
	plotW, x0 := w, 0
	ylw := 0
	if axes {
		c.ylabel = c.ylabel[:0]
		for _, v := range ticks {
			s := FormatValue(v, decimals)
			c.ylabel = append(c.ylabel, s)
			ylw = max(ylw, len(s))
		}
		plotW, x0 = w-ylw-1, ylw+1
		if plotW < minPlotWidth {
			axes, plotW, plotH, x0 = false, w, h, 0
		}
	}

	c.axes = axes
	c.r.reset(plotW, plotH)
	pw, ph := c.r.pixels()
	xs := float64(pw-1) / float64(max(sp.T1-sp.T0, 1))
	yh := hi/2 - lo/2
	ys := 0.0
	if yh > 0 {
		ys = float64(ph-1) / yh
	}
	px := func(p Point) (float64, float64) {
		return float64(p.T-sp.T0) * xs, (hi/2 - p.V/2) * ys
	}
	for i, ln := range sp.Lines {
		pts := c.pts[c.offs[i]:c.offs[i+1]]
		k := 0
		// Segments join neighbouring points; a gap (NaN) breaks the line and
		// a point with gaps on both sides is drawn as a dot.
		for j, p := range pts {
			if p.V != p.V {
				continue
			}
			if j > 0 && pts[j-1].V == pts[j-1].V {
				ax, ay := px(pts[j-1])
				bx, by := px(p)
				c.r.line(ax, ay, bx, by, ln.Ink, ln.Period, &k)
				continue
			}
			if j+1 < len(pts) && pts[j+1].V == pts[j+1].V {
				continue
			}
			x, y := px(p)
			if x >= 0 && y >= 0 && x <= float64(pw-1) && y <= float64(ph-1) {
				c.r.set(round(x), round(y), ln.Ink)
			}
		}
	}

	lines := make([]string, 0, h)
	if !axes {
		for y := 0; y < plotH; y++ {
			lines = append(lines, c.row(inks, func(iw *inkWriter) { c.r.writeRow(iw, y) }))
		}
		return lines, c.stats, decimals
	}

	// Y labels on the rows their values fall in, the first one winning.
	rowLabel := make([]string, plotH)
	for i, v := range ticks {
		_, y := px(Point{V: v})
		row := round(y) / 4
		if row >= 0 && row < plotH && rowLabel[row] == "" {
			rowLabel[row] = c.ylabel[i]
		}
	}
	for y := 0; y < plotH; y++ {
		lines = append(lines, c.row(inks, func(iw *inkWriter) {
			lab := rowLabel[y]
			iw.spaces(ylw - len(lab))
			iw.str(sp.LabelInk, lab)
			if lab != "" {
				iw.rune(sp.AxisInk, runes.LineVerticalLeft)
			} else {
				iw.rune(sp.AxisInk, runes.LineVertical)
			}
			c.r.writeRow(iw, y)
		}))
	}

	// X axis with a tick at every step, and the labels below.
	tickCols, labels := c.xAxis(sp, plotW, x0, xs)
	lines = append(lines, c.row(inks, func(iw *inkWriter) {
		iw.spaces(ylw)
		iw.rune(sp.AxisInk, runes.LineUpRight)
		for k, t := range tickCols {
			switch {
			case c.markCol(k):
				iw.rune(sp.MarkInk, '┰')
			case t:
				iw.rune(sp.AxisInk, runes.LineHorizontalDown)
			default:
				iw.rune(sp.AxisInk, runes.LineHorizontal)
			}
		}
	}))
	lines = append(lines, c.row(inks, func(iw *inkWriter) {
		from := 0
		for _, m := range c.marks {
			iw.str(sp.LabelInk, string(labels[from:x0+m.start]))
			iw.str(sp.MarkInk, string(labels[x0+m.start:x0+m.start+len(m.label)]))
			from = x0 + m.start + len(m.label)
		}
		iw.str(sp.LabelInk, string(labels[from:]))
	}))
	return lines, c.stats, decimals
}

// placedMark is a mark of the x axis: its column and where its label starts.
type placedMark struct {
	col, start int
	label      string
}

// markCol reports whether plot column k has a mark.
func (c *Renderer) markCol(k int) bool {
	for _, m := range c.marks {
		if m.col == k {
			return true
		}
	}
	return false
}

// placeMarks places sp's marks on the x axis (plotW cells), left to right:
// each label starts at its mark's column (moved inside the plot at its
// right edge), one that would touch the one before is left out (the mark
// stays on the axis only if its label is drawn).
func (c *Renderer) placeMarks(sp *Spec, plotW int, col func(int64) int) {
	c.marks = c.marks[:0]
	next := 0
	for _, m := range sp.Marks {
		k, n := col(m.T), len(m.Label)
		if m.T < sp.T0 || m.T > sp.T1 || k < 0 || k >= plotW || n == 0 || n > plotW {
			continue
		}
		s := min(k, plotW-n)
		if s < next {
			continue
		}
		c.marks = append(c.marks, placedMark{col: k, start: s, label: m.Label})
		next = s + n + 1
	}
}

// underMark reports whether a label at [s, s+n) of the plot would touch a
// mark's label.
func (c *Renderer) underMark(s, n int) bool {
	for _, m := range c.marks {
		if s < m.start+len(m.label)+1 && m.start < s+n+1 {
			return true
		}
	}
	return false
}

// xAxis returns the tick columns of the x axis (plotW cells) and its label
// row (x0+plotW cells), with the marks' labels (placeMarks). Every tick is
// drawn. A label is centred under its tick with a space at least between
// labels; a label that would cross the plot's edge is moved inside it, and
// left out, rather than a centred neighbour, where it would then touch one;
// a label that would touch a mark's is left out.
func (c *Renderer) xAxis(sp *Spec, plotW, x0 int, xs float64) ([]bool, []byte) {
	w := x0 + plotW
	if cap(c.xrow) < w {
		c.xrow = make([]byte, w)
	}
	labels := c.xrow[:w]
	for i := range labels {
		labels[i] = ' '
	}
	tickCols := make([]bool, plotW)
	tts := timeTicks(sp.T0, sp.T1, plotW, sp.Loc)
	c.xstart = c.xstart[:0]
	for range tts {
		c.xstart = append(c.xstart, -1) // label start; -1: not placed
	}
	start := c.xstart
	col := func(t int64) int { return int(float64(t-sp.T0)*xs) / 2 }
	c.placeMarks(sp, plotW, col)
	// free reports whether label i may start at s: gap spaces from its
	// placed neighbours, clear of the marks.
	free := func(i, s, gap int) bool {
		if i > 0 && start[i-1] >= 0 && start[i-1]+len(tts[i-1].label)+gap > s {
			return false
		}
		if c.underMark(s, len(tts[i].label)) {
			return false
		}
		return i+1 >= len(tts) || start[i+1] < 0 || s+len(tts[i].label)+gap <= start[i+1]
	}
	for i, tt := range tts {
		if k := col(tt.t); k >= 0 && k < plotW {
			tickCols[k] = true
			if s := k - len(tt.label)/2; s >= 0 && s+len(tt.label) <= plotW && free(i, s, 1) {
				start[i] = s
			}
		}
	}
	for i, tt := range tts {
		k, n := col(tt.t), len(tt.label)
		if start[i] >= 0 || k < 0 || k >= plotW || n > plotW {
			continue
		}
		if s := min(max(k-n/2, 0), plotW-n); free(i, s, 2) {
			start[i] = s
		}
	}
	for i, tt := range tts {
		if s := start[i]; s >= 0 {
			copy(labels[x0+s:], tt.label)
		}
	}
	for _, m := range c.marks {
		copy(labels[x0+m.start:], m.label)
	}
	return tickCols, labels
}

// row returns one styled line written by fill.
func (c *Renderer) row(inks []Ink, fill func(*inkWriter)) string {
	c.b.Reset()
	iw := inkWriter{b: &c.b, inks: inks}
	fill(&iw)
	iw.close()
	return c.b.String()
}

// message returns h blank lines with sp.empty centred on the middle one.
func (c *Renderer) message(sp *Spec, inks []Ink) []string {
	blank := strings.Repeat(" ", sp.W)
	lines := make([]string, sp.H)
	for i := range lines {
		lines[i] = blank
	}
	if sp.Empty != "" {
		l := NewTextLine(inks, sp.W)
		msg := sp.Empty
		if n := len([]rune(msg)); n < sp.W {
			l.Indent((sp.W - n) / 2)
		}
		l.Add(sp.EmptyInk, msg)
		l.Pad()
		lines[(sp.H-1)/2] = l.String()
	}
	return lines
}
