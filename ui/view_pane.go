package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/NimbleMarkets/ntcharts/canvas/runes"
	"github.com/charmbracelet/x/ansi"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// maxDrawnSeries bounds the lines drawn (and listed in the legend) per pane,
// so that a pane with a thousand series costs about as much as one with 24.
// Series are taken in natural order of their names; the legend says how many
// more there are.
const maxDrawnSeries = 24

// borderSet is the runes of a pane border.
type borderSet struct {
	tl, tr, bl, br, h, v rune
}

// paneBorder returns the runes of a pane border: rounded, heavy when focused,
// dashed when the partition is not owned by this instance.
func paneBorder(focused, dim bool) borderSet {
	switch {
	case focused && dim:
		return borderSet{'┏', '┓', '┗', '┛', '┅', '┇'}
	case focused:
		return borderSet{'┏', '┓', '┗', '┛', '━', '┃'}
	case dim:
		return borderSet{runes.ArcDownRight, runes.ArcDownLeft, runes.ArcUpRight, runes.ArcUpLeft, '┄', '┆'}
	default:
		return borderSet{runes.ArcDownRight, runes.ArcDownLeft, runes.ArcUpRight, runes.ArcUpLeft, runes.LineHorizontal, runes.LineVertical}
	}
}

// paneLook is how a pane is drawn: its border and inks.
type paneLook struct {
	border                             borderSet
	borderInk, titleInk, valInk, muted chart.InkID
	dim                                bool
}

// newPaneLook returns the look of a pane, focused or not, dimmed or not.
func newPaneLook(focused, dim bool) paneLook {
	lk := paneLook{border: paneBorder(focused, dim), borderInk: inkBorder,
		titleInk: inkTitle, valInk: inkValue, muted: inkMuted, dim: dim}
	if dim {
		lk.borderInk, lk.titleInk, lk.valInk, lk.muted = inkDimBorder, inkDim, inkDim, inkDim
	}
	if focused {
		lk.borderInk = inkFocusBorder
	}
	return lk
}

// renderPanes renders the panes area (w×h): the help overlay, the zoomed
// pane, or a page of the grid.
func (m *Model) renderPanes(w, h int) []string {
	if m.showHelp {
		return m.renderHelpOverlay(w, h)
	}
	if m.showTimeline {
		return m.renderTimeline(w, h)
	}
	n := m.viewStore().Partitions()
	if m.past != nil {
		n = max(n, m.st.Partitions())
	}
	if n == 0 {
		m.rc.grid = chart.Grid{}
		return m.centred(w, h, "waiting for the partitions of "+m.opts.Topic+"…", inkMuted)
	}
	m.focus = min(max(m.focus, 0), n-1)
	if m.zoom {
		m.rc.grid = chart.Grid{Cols: 1, Rows: 1}
		return m.renderPane(m.focus, w, h, true)
	}
	g := chart.ChooseGrid(n, w, h)
	m.rc.grid = g
	per := g.PerPage()
	first := (m.focus / per) * per
	last := min(first+per, n)
	out := make([]string, 0, h)
	for r := 0; r < g.Rows; r++ {
		rh := chart.Span(h, g.Rows, r)
		lo := first + r*g.Cols
		hi := min(lo+g.Cols, last)
		if lo >= hi {
			out = append(out, blankLines(w, rh)...)
			continue
		}
		rows := m.rc.paneRows[:0]
		for p := lo; p < hi; p++ {
			rows = append(rows, m.renderPane(p, chart.Span(w, hi-lo, p-lo), rh, p == m.focus))
		}
		m.rc.paneRows = rows
		for y := 0; y < rh; y++ {
			b := &m.rc.joinBuf
			b.Reset()
			for _, pl := range rows {
				b.WriteString(pl[y])
			}
			out = append(out, b.String())
		}
	}
	return out
}

// renderPane renders partition p's pane as h lines of w cells: the title in
// the top border, the chart with its legend, and a note in the bottom border
// when not every series is drawn.
func (m *Model) renderPane(p, w, h int, focused bool) []string {
	if w < 3 || h < 3 {
		return blankLines(w, h)
	}
	d := m.viewStore().PaneIfAny(p)
	owned, holder, held := m.st.OwnerOf(p)
	owned = owned || m.past != nil // the past is read for every partition
	owner := ""
	if held {
		owner = memberLabel(holder)
	}
	lk := newPaneLook(focused, !owned)
	iw, ih := w-2, h-2

	out := make([]string, 0, h)
	info, tags := m.paneInfo(d)
	body, pc, infoShown := m.paneBody(d, iw, ih, lk, m.paneStatus[p], owner, info)
	if infoShown {
		tags = nil
	}
	out = append(out, m.borderLine(lk.border.tl, m.paneTitle(p, d, iw, lk, owner, tags), lk.border.tr, lk.borderInk))
	bi := m.inks[lk.borderInk]
	vert := bi.Pre + string(lk.border.v) + bi.Post
	for _, row := range body {
		out = append(out, vert+row+vert)
	}
	out = append(out, m.borderLine(lk.border.bl, m.paneBottom(pc, iw, lk), lk.border.br, lk.borderInk))
	return out
}

// paneInfo returns what a pane says about the history it shows: where
// reading went on from after its log was reset, how far its history is
// read, and which slices of a history too long to read whole were read; in
// full for the pane's body and in short for its title.
// Both are empty when there is nothing to say.
func (m *Model) paneInfo(d *chart.Pane) (full string, short []string) {
	if d == nil {
		return "", nil
	}
	var parts []string
	if d.ResetFrom >= 0 {
		parts, short = append(parts, "log reset: reading from offset "+strconv.FormatInt(d.ResetFrom, 10)), append(short, "log reset")
	}
	switch h := d.History; {
	case h.Reading():
		parts = append(parts, "reading history "+chart.ShortCount(h.Read)+" of "+chart.ShortCount(h.Total))
		short = append(short, "reading "+strconv.FormatInt(100*h.Read/h.Total, 10)+"%")
	case h.Done && h.Slices != "":
		parts, short = append(parts, "history too long to read whole: read "+h.Slices), append(short, "read "+h.Slices)
	}
	return strings.Join(parts, " · "), short
}

// minNoteChartRows is the fewest chart rows drawn below a pane's note; with
// less room the note is shown alone.
const minNoteChartRows = 3

// paneBody returns the ih rows (iw cells each) inside a pane's border: the
// pane's condition (status, e.g. why it is paused) in full, wrapped, above
// its chart, then info (paneInfo) when the chart keeps minNoteChartRows
// below it; a pane without data of a partition another member reads says
// so instead of waiting. It also returns what the chart says for the
// pane's border, and whether info was shown.
func (m *Model) paneBody(d *chart.Pane, iw, ih int, lk paneLook, status, owner, info string) ([]string, paneChart, bool) {
	hasData := d != nil && len(d.Order) > 0
	note, noteInk := status, inkWarn
	if note == "" && !hasData && lk.dim {
		note, noteInk = ownerNote(owner), lk.muted
	}
	var lines []string
	if note != "" {
		lines = wrapText(note, max(iw-2, 1))
		if !hasData || ih-len(lines) < minNoteChartRows {
			return m.centredLines(iw, ih, lines, noteInk), paneChart{}, false
		}
	}
	rows := make([]string, 0, ih)
	for _, ln := range lines {
		rows = append(rows, m.noteRow(iw, noteInk, ln))
	}
	infoShown := false
	if info != "" {
		if infoLines := wrapText(info, max(iw-2, 1)); ih-len(rows)-len(infoLines) >= minNoteChartRows {
			for _, ln := range infoLines {
				rows = append(rows, m.noteRow(iw, inkWarn, ln))
			}
			infoShown = true
		}
	}
	pc := m.chartBody(d, iw, ih-len(rows), lk)
	return append(rows, pc.rows...), pc, infoShown
}

// noteRow returns a row of iw cells saying s in style id after a space.
func (m *Model) noteRow(iw int, id chart.InkID, s string) string {
	l := chart.NewTextLine(m.inks, iw)
	l.Add(inkPlain, " ")
	l.Add(id, s)
	l.Pad()
	return l.String()
}

// ownerNote says why a pane of a partition this instance does not own has
// no data.
func ownerNote(owner string) string {
	if owner == "" {
		return "not assigned to any member of the group: nobody reads it"
	}
	return "read by " + owner + ", another member of the group, not by this instance"
}

// paneChart is a pane's chart: its rows, how many series were drawn of how
// many the partition has, and, when the chart is too small for axes, the
// range of its values and the span of its time axis (its ends, then its
// length), for the border.
type paneChart struct {
	rows         []string
	drawn, total int
	yRange       string
	spans        []string
}

// chartBody returns the ih rows (iw cells each) of a pane's chart, with the
// legend on its right when the pane is wide or below it when the pane is
// tall enough.
func (m *Model) chartBody(d *chart.Pane, iw, ih int, lk paneLook) paneChart {
	var order []*chart.Series
	if d != nil {
		order = d.Order
		m.rc.palette.Assign(order, len(m.styles.Series))
	}
	if m.field != "" && len(order) > 0 {
		shown := m.rc.shown[:0]
		for _, sr := range order {
			if sr.Field == m.field {
				shown = append(shown, sr)
			}
		}
		m.rc.shown = shown
		order = shown
	}
	drawn := order[:min(len(order), maxDrawnSeries)]
	legendRight := iw >= 72 && len(order) > 0
	legendRows := 0
	if !legendRight && len(order) > 0 && ih >= 8 {
		legendRows = 1
		if ih >= 14 {
			legendRows = 2
		}
	}
	cw, chh := iw, ih-legendRows
	lw := 0
	if legendRight {
		nameW := 6
		for _, sr := range drawn {
			nameW = max(nameW, ansi.StringWidth(m.seriesLabel(sr)))
		}
		lw = min(max(2+min(nameW, 24)+3*7, 24), 44, iw/3)
		cw = iw - lw - 1
	}

	end, fixed, empty := m.windowEnd(d)
	lines := m.rc.lines[:0]
	for _, sr := range drawn {
		id, _, period := m.styles.seriesInk(sr.Color)
		if lk.dim {
			id = inkDim
		}
		lines = append(lines, chart.Line{Series: sr, Ink: id, Period: period})
	}
	m.rc.lines = lines
	spec := chart.Spec{
		W: cw, H: chh,
		T0: end - int64(m.window), T1: end,
		Loc:      m.opts.Location,
		Lines:    lines,
		AxisInk:  inkAxis,
		LabelInk: inkAxisLabel,
		EmptyInk: inkMuted,
		Empty:    empty,
	}
	if !fixed {
		spec.T0 = windowStart(drawn, end, m.window)
	}
	spec.Marks, spec.MarkInk = m.generationMarks(spec.T0, spec.T1), inkTitle
	if lk.dim {
		spec.AxisInk, spec.LabelInk, spec.EmptyInk, spec.MarkInk = inkDim, inkDim, inkDim, inkDim
	}
	if len(order) == 0 && m.past == nil {
		spec.Empty = "waiting for data…"
	}
	chart, stats, decimals := m.rc.chart.Render(&spec, m.inks)
	pc := paneChart{drawn: len(drawn), total: len(order)}
	if !m.rc.chart.Axes() {
		pc.yRange, pc.spans = scaleOf(stats, decimals+1, spec.T0, spec.T1, m.opts.Location)
	}
	rows := make([]string, 0, ih)
	switch {
	case legendRight:
		legend := m.legendColumn(order, stats, decimals+1, lw, chh, lk.dim)
		for y := range chart {
			rows = append(rows, chart[y]+" "+legend[y])
		}
	case legendRows > 0:
		rows = append(rows, chart...)
		rows = append(rows, m.legendRows(order, stats, decimals+1, iw, legendRows, lk.dim)...)
	default:
		rows = append(rows, chart...)
	}
	pc.rows = rows
	return pc
}

// windowEnd returns the end of pane d's time axis (Unix ns), whether its
// start is end−window whatever the lines hold, and what the chart says
// when no point lies in the window. Live, the axis ends at the newest event
// of the topic, or at now for a pane whose newest record is older than the
// window; away from live, at the past view's end.
func (m *Model) windowEnd(d *chart.Pane) (end int64, fixed bool, empty string) {
	if m.past != nil {
		empty = "no records in this range"
		if r := m.past.read; !r.Done {
			empty = "reading…"
		}
		return m.past.end.UnixNano(), true, empty
	}
	if m.paused {
		return m.frozenEnd, false, "no data in the last " + chart.FormatWindow(m.window)
	}
	now := m.opts.Now().UnixNano()
	if newest, ok := paneNewest(d); ok && newest < now-int64(m.window) {
		return now, true, "last record " + formatAgo(time.Duration(now-newest)) + " ago"
	}
	return m.st.Newest, false, "no data in the last " + chart.FormatWindow(m.window)
}

// paneNewest returns the time of the newest point of pane d's lines.
func paneNewest(d *chart.Pane) (int64, bool) {
	if d == nil {
		return 0, false
	}
	newest, found := int64(0), false
	for _, sr := range d.Order {
		if t, ok := sr.Newest(); ok && (!found || t > newest) {
			newest, found = t, true
		}
	}
	return newest, found
}

// minSpanDivisor sets the shortest time axis, window/minSpanDivisor, drawn
// while a pane's data is younger than the window.
const minSpanDivisor = 10

// windowStart returns the start of the time axis ending at end: end−window
// once the lines hold a window's worth of data, before that their first
// point, so that young lines use the whole pane (but the axis spans at least
// window/minSpanDivisor).
func windowStart(lines []*chart.Series, end int64, window time.Duration) int64 {
	t0 := end - int64(window)
	first, found := end, false
	for _, sr := range lines {
		if t, ok := sr.Oldest(); ok {
			first, found = min(first, t), true
		}
	}
	if !found || first <= t0 {
		return t0
	}
	return max(min(first, end-int64(window)/minSpanDivisor), t0)
}

// formatStall formats how long an owner has committed nothing: 7s, 2m5s.
func formatStall(d time.Duration) string {
	if d < time.Minute {
		return strconv.Itoa(int(max(d, 0)/time.Second)) + "s"
	}
	return chart.FormatAge(d)
}

// generationMarks returns the generations this instance saw begin between
// t0 and t1 (Unix ns) as marks of the time axis: "g3".
func (m *Model) generationMarks(t0, t1 int64) []chart.Mark {
	marks := m.rc.marks[:0]
	for _, g := range m.st.Timeline.Generations {
		if t := g.At.UnixNano(); t >= t0 && t <= t1 {
			marks = append(marks, chart.Mark{T: t, Label: "g" + strconv.Itoa(g.Generation)})
		}
	}
	m.rc.marks = marks
	return marks
}
