package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// lagBlocks draw a partition's lag as a thin band, lowest to highest.
var lagBlocks = []rune("▁▂▃▄▅▆▇█")

// timelineEnd returns the end of the timeline's time axis: now, the moment
// drawing was paused, or the end of the view of the past shown.
func (m *Model) timelineEnd() time.Time {
	switch {
	case m.past != nil:
		return m.past.end
	case m.paused:
		return time.Unix(0, m.frozenEnd)
	}
	return m.opts.Now()
}

// renderTimeline renders the group timeline (G) in the panes area (w×h): a
// title, then one row per partition with time across the window, each span
// in the colour of the member that owned the partition and named where it
// has room ("here (…)" for this instance), generation boundaries marked ┃, the lag as a band of blocks
// below when each partition has two rows or more; below them the
// generations (g3) and the time axis.
func (m *Model) renderTimeline(w, h int) []string {
	tl := &m.st.Timeline
	n := m.st.Partitions()
	out := make([]string, 0, h)
	end := m.timelineEnd()
	t0 := end.Add(-m.window)

	title := chart.NewTextLine(m.inks, w)
	title.Add(inkTitle, " group timeline")
	if m.opts.Group != "" {
		title.Add(inkMuted, " of ")
		title.Add(inkValue, m.opts.Group)
	}
	if !tl.Start.IsZero() {
		title.Add(inkMuted, " · kept since "+tl.Start.In(m.opts.Location).Format("15:04:05"))
	}
	if m.past != nil {
		title.Add(inkMuted, " · "+chart.FormatWindow(m.window)+" to "+end.In(m.opts.Location).Format("15:04:05")+" · G returns")
	} else {
		title.Add(inkMuted, " · last "+chart.FormatWindow(m.window)+" · G returns")
	}
	rows := h - 3
	if n == 0 || tl.Start.IsZero() || rows < 1 {
		title.Pad()
		out = append(out, title.String())
		return append(out, m.centred(w, h-1, "no generation of the group seen yet", inkMuted)...)
	}
	per := min(rows/n, 3) // a row of spans, a lag band, a gap
	first, shown := 0, n
	if per < 1 {
		per, shown = 1, rows
		first = min(m.focus/shown*shown, n-shown)
		title.Add(inkMuted, " · p"+strconv.Itoa(first)+"–p"+strconv.Itoa(first+shown-1)+" of "+strconv.Itoa(n))
	}
	title.Pad()
	out = append(out, title.String())

	lw := len("p"+strconv.Itoa(n-1)) + 1
	pw := max(w-lw, 1)
	col := func(t time.Time) int {
		return int(float64(t.Sub(t0)) * float64(pw) / float64(m.window))
	}
	var gens []int // columns of the generations in the window
	for _, g := range tl.Generations {
		if !g.At.Before(t0) && !g.At.After(end) {
			gens = append(gens, min(col(g.At), pw-1))
		}
	}
	maxLag := int64(0)
	for p := first; p < first+shown; p++ {
		for _, lp := range tl.Lag(p) {
			if !lp.At.Before(t0) {
				maxLag = max(maxLag, lp.Lag)
			}
		}
	}
	cells := make([]rune, pw)
	inks := make([]chart.InkID, pw)
	for p := first; p < first+shown; p++ {
		m.timelineSpans(p, t0, end, col, cells, inks, gens)
		name := "p" + strconv.Itoa(p)
		out = append(out, m.timelineRow(chart.PadRight(name, len(name), lw), cells, inks))
		if per >= 2 {
			m.timelineLag(p, t0, end, pw, maxLag, cells, inks)
			out = append(out, m.timelineRow(strings.Repeat(" ", lw), cells, inks))
		}
		if per >= 3 {
			out = append(out, strings.Repeat(" ", w))
		}
	}
	for len(out) < h-2 {
		out = append(out, strings.Repeat(" ", w))
	}
	return append(out, m.timelineGenerations(lw, pw, t0, end, col), m.timelineAxis(lw, pw, t0, end, col))
}

// timelineSpans fills cells with partition p's ownership between t0 and
// end: each span in its owner's colour, named at its start where it has
// room, and the generation columns marked.
func (m *Model) timelineSpans(p int, t0, end time.Time, col func(time.Time) int, cells []rune, inks []chart.InkID, gens []int) {
	tl := &m.st.Timeline
	for i := range cells {
		cells[i], inks[i] = ' ', inkPlain
	}
	pw := len(cells)
	for _, sp := range tl.Spans(p) {
		to := sp.To
		if to.IsZero() {
			to = end
		}
		if !to.After(t0) || sp.From.After(end) {
			continue
		}
		x0, x1 := max(col(sp.From), 0), min(col(to), pw)
		if sp.To.IsZero() {
			x1 = pw
		}
		x1 = max(x1, x0+1)
		ink, fill, label := inkMuted, '┄', "none"
		if sp.Owner.MemberID != "" {
			ink, _, _ = m.styles.seriesInk(tl.Colour(sp.Owner.MemberID))
			fill, label = '━', memberLabel(sp.Owner)
			if sp.Owner.MemberID == m.st.Group.MemberID {
				label = "here (" + label + ")"
			}
		}
		for x := x0; x < x1 && x < pw; x++ {
			cells[x], inks[x] = fill, ink
		}
		placeLabel(cells, x0, min(x1, pw), gens, label)
	}
	m.timelineStalls(p, t0, end, cells, inks, gens)
	for _, x := range gens {
		cells[x], inks[x] = '┃', inkAxis
	}
}

// timelineStalls draws over the spans the columns where partition p was
// stalled (┅, named "stalled" where there is room).
func (m *Model) timelineStalls(p int, t0, end time.Time, cells []rune, inks []chart.InkID, gens []int) {
	lag := m.st.Timeline.Lag(p)
	pw := len(cells)
	step := end.Sub(t0) / time.Duration(pw)
	j, run := -1, -1
	for x := 0; x <= pw; x++ {
		stalled := false
		if x < pw {
			colEnd := t0.Add(step * time.Duration(x+1))
			for j+1 < len(lag) && !lag[j+1].At.After(colEnd) {
				j++
			}
			stalled = j >= 0 && lag[j].Stalled && !lag[j].At.Before(t0.Add(-step))
		}
		switch {
		case stalled && run < 0:
			run = x
		case !stalled && run >= 0:
			for i := run; i < x; i++ {
				cells[i], inks[i] = '┅', inkWarn
			}
			placeLabel(cells, run-1, x, gens, "stalled")
			run = -1
		}
	}
}

// placeLabel writes the first of labels that fits in the span [x0, x1)
// (labelAt); with none, the first label cut short (…) if four cells or
// more of it fit.
func placeLabel(cells []rune, x0, x1 int, gens []int, labels ...string) {
	for _, l := range labels {
		if at, ok := labelAt(x0, x1, len([]rune(l)), gens); ok {
			copy(cells[at:], []rune(l))
			return
		}
	}
	for n := x1 - x0 - 2; n >= 4; n-- {
		if at, ok := labelAt(x0, x1, n, gens); ok {
			short := append([]rune(labels[0])[:n-1], '…')
			copy(cells[at:], short)
			return
		}
	}
}

// labelAt returns where a label of n cells goes in the span [x0, x1): after
// its first cell or after a generation mark, clear of the marks, with a
// cell of the span after it.
func labelAt(x0, x1, n int, gens []int) (int, bool) {
	starts := []int{x0 + 1}
	for _, g := range gens {
		if g >= x0 && g < x1 {
			starts = append(starts, g+1)
		}
	}
	for _, at := range starts {
		if at+n >= x1 {
			continue
		}
		clear := true
		for _, g := range gens {
			clear = clear && (g < at || g >= at+n)
		}
		if clear {
			return at, true
		}
	}
	return 0, false
}

// timelineLag fills cells with partition p's lag between t0 and end as
// blocks scaled to maxLag: each column shows the newest sample at or before
// its end.
func (m *Model) timelineLag(p int, t0, end time.Time, pw int, maxLag int64, cells []rune, inks []chart.InkID) {
	lag := m.st.Timeline.Lag(p)
	step := end.Sub(t0) / time.Duration(pw)
	j := -1
	for x := range cells {
		cells[x], inks[x] = ' ', inkMuted
		colEnd := t0.Add(step * time.Duration(x+1))
		for j+1 < len(lag) && !lag[j+1].At.After(colEnd) {
			j++
		}
		if j < 0 || lag[j].At.Before(t0.Add(-step)) || maxLag == 0 {
			continue
		}
		level := int(lag[j].Lag * int64(len(lagBlocks)-1) / maxLag)
		cells[x] = lagBlocks[level]
		if lag[j].Lag == 0 {
			cells[x] = ' '
		}
	}
}

// timelineRow joins a label and cells in their inks.
func (m *Model) timelineRow(label string, cells []rune, inks []chart.InkID) string {
	l := chart.NewTextLine(m.inks, len(label)+len(cells))
	l.Add(inkMuted, label)
	start := 0
	for x := 1; x <= len(cells); x++ {
		if x == len(cells) || inks[x] != inks[start] {
			l.Add(inks[start], string(cells[start:x]))
			start = x
		}
	}
	return l.String()
}

// timelineGenerations is the row that names the generations at their
// columns (g3); a name that would overlap the one before is left out.
func (m *Model) timelineGenerations(lw, pw int, t0, end time.Time, col func(time.Time) int) string {
	row := []rune(strings.Repeat(" ", pw))
	next := 0
	for _, g := range m.st.Timeline.Generations {
		if g.At.Before(t0) || g.At.After(end) {
			continue
		}
		name := []rune("g" + strconv.Itoa(g.Generation))
		x := min(col(g.At), pw-1)
		x = min(x, pw-len(name))
		if x < next || x < 0 {
			continue
		}
		copy(row[x:], name)
		next = x + len(name) + 1
	}
	l := chart.NewTextLine(m.inks, lw+pw)
	l.Add(inkMuted, strings.Repeat(" ", lw))
	l.Add(inkAxisLabel, string(row))
	return l.String()
}

// timelineAxis is the time axis under the timeline, labelled as the charts'.
func (m *Model) timelineAxis(lw, pw int, t0, end time.Time, col func(time.Time) int) string {
	row := []rune(strings.Repeat(" ", pw))
	next := 0
	for _, tk := range chart.TimeTicks(t0.UnixNano(), end.UnixNano(), pw, m.opts.Location) {
		x := col(time.Unix(0, tk.T))
		name := []rune(tk.Label)
		if x < next || x+len(name) > pw {
			continue
		}
		copy(row[x:], name)
		next = x + len(name) + 2
	}
	l := chart.NewTextLine(m.inks, lw+pw)
	l.Add(inkMuted, strings.Repeat(" ", lw))
	l.Add(inkAxisLabel, string(row))
	return l.String()
}
