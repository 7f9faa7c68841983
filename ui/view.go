package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/NimbleMarkets/ntcharts/canvas/runes"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// maxDrawnSeries bounds the lines drawn (and listed in the legend) per pane,
// so that a pane with a thousand series costs about as much as one with 24.
// Series are taken in natural order of their names; the legend says how many
// more there are.
const maxDrawnSeries = 24

// compactTitleWidth is the inner pane width below which titles leave out the
// topic name.
const compactTitleWidth = 40

// renderCache holds what a frame reuses: the chart renderer's buffers and the
// last rendered panes, kept while paused.
type renderCache struct {
	chart    chartRenderer
	lines    []chartLine
	shown    []*series // the series of the field shown (f key)
	panes    []string  // the panes area of the last full render
	grid     grid      // arrangement of the last full render
	panesW   int
	panesH   int
	joinBuf  strings.Builder
	paneRows [][]string
}

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
	borderInk, titleInk, valInk, muted inkID
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

// render renders a frame into m.view. With panes false (paused) the panes
// area of the previous frame is reused and only the header, group bar and help
// line are rendered again.
func (m *Model) render(panes bool) {
	now := m.opts.Now()
	m.lastFrame = now
	m.dirty = false
	w, h := m.width, m.height
	if w <= 0 || h <= 0 {
		m.view = ""
		return
	}
	if w < minWidth || h < minHeight {
		// One line, whole: the program's renderer cuts it to the terminal's width.
		m.view = fmt.Sprintf("terminal too small: need %d×%d, have %d×%d", minWidth, minHeight, w, h)
		return
	}
	ph := h - m.chromeHeight()
	if panes || m.rc.panes == nil || m.rc.panesW != w || m.rc.panesH != ph {
		m.rc.panes = m.renderPanes(w, ph)
		m.rc.panesW, m.rc.panesH = w, ph
	}
	out := make([]string, 0, h)
	out = append(out, m.renderHeader(w, now)...)
	out = append(out, m.renderGroup(w, now))
	out = append(out, m.rc.panes...)
	out = append(out, m.renderHelpLine(w))
	m.view = strings.Join(out, "\n")
}

// renderHeader renders the two header lines.
func (m *Model) renderHeader(w int, now time.Time) []string {
	st := m.st
	sep := " · "

	// Right side of line 1: PAUSED badge and the window.
	right := newTextLine(m.inks, w)
	if m.paused {
		right.add(inkPaused, " PAUSED ")
		right.add(inkPlain, " ")
	}
	right.add(inkMuted, "window ")
	right.add(inkValue, formatWindow(m.window))

	l1 := newTextLine(m.inks, max(w-right.width-1, 0))
	l1.add(inkTitle, "kafkaplot")
	l1.add(inkMuted, "  ")
	cluster := m.opts.Cluster
	if cluster == "" {
		cluster = "?"
	}
	l1.add(inkValue, cluster)
	l1.add(inkMuted, sep+"topic ")
	l1.add(inkValue, m.opts.Topic)
	if m.opts.Group != "" {
		l1.add(inkMuted, sep+"group ")
		l1.add(inkValue, m.opts.Group)
	}
	l1.add(inkMuted, sep)
	if m.status == "" {
		l1.add(inkGood, "● connected")
	} else {
		l1.add(inkWarn, "◌ "+m.status)
	}
	if m.fatal != "" {
		l1.add(inkMuted, sep)
		l1.add(inkBad, "error: "+m.fatal)
	}
	l1.pad()
	line1 := l1.String() + " " + right.String()

	l2 := newTextLine(m.inks, w)
	nowNs := now.UnixNano()
	l2.add(inkMuted, "events ")
	l2.add(inkValue, groupDigits(st.events))
	l2.add(inkMuted, " at ")
	l2.add(inkValue, formatRate(st.rate.rate(nowNs)))
	l2.add(inkMuted, sep+"decode errors ")
	if st.errors > 0 {
		l2.add(inkBad, groupDigits(st.errors))
		l2.add(inkMuted, " (")
		l2.add(inkBad, st.lastError)
		l2.add(inkMuted, ")")
	} else {
		l2.add(inkValue, "0")
	}
	if st.nonFinite > 0 {
		l2.add(inkMuted, sep)
		l2.add(inkWarn, "NaN/Inf "+groupDigits(st.nonFinite))
	}
	if st.future > 0 {
		l2.add(inkMuted, sep)
		l2.add(inkWarn, "future-dated "+groupDigits(st.future))
	}
	if st.dups > 0 {
		l2.add(inkMuted, sep)
		l2.add(inkWarn, "re-delivered "+groupDigits(st.dups))
	}
	if m.opts.SetGenerator != nil || m.gen.reported {
		l2.add(inkMuted, sep+"generator ")
		if m.gen.on {
			l2.add(inkGood, "on")
		} else {
			l2.add(inkMuted, "off")
		}
		l2.add(inkMuted, " ")
		l2.add(inkValue, strconv.FormatFloat(m.gen.rate, 'f', -1, 64)+"/s")
		if m.gen.step > 0 {
			l2.add(inkMuted, " step ")
			l2.add(inkValue, groupDigits(int64(m.gen.step)))
		}
		if m.gen.err != "" {
			l2.add(inkMuted, " ")
			l2.add(inkBad, m.gen.err)
		}
	}
	l2.pad()
	if !m.plot.known {
		return []string{line1, l2.String()}
	}
	return []string{line1, l2.String(), m.renderPlotLine(w)}
}

// chromeHeight returns the lines around the panes: the header (with the
// plot line once PlotMsg arrived), the group bar and the help line.
func (m *Model) chromeHeight() int {
	if m.plot.known {
		return chromeHeight + 1
	}
	return chromeHeight
}

// renderPlotLine renders "plotting value, humidity by key over timestamp",
// the schemas seen with their record counts, and the gaps counted.
func (m *Model) renderPlotLine(w int) string {
	sep := " · "
	l := newTextLine(m.inks, w)
	fields := m.st.fields
	l.add(inkMuted, "plotting ")
	switch {
	case m.field != "":
		l.add(inkValue, m.field)
		l.add(inkMuted, fmt.Sprintf(" (%d of %d, f: next)", slices.Index(fields, m.field)+1, len(fields)))
	case len(fields) == 0:
		l.add(inkMuted, "–")
	default:
		l.add(inkValue, strings.Join(fields, ", "))
	}
	if m.plot.seriesBy != "" {
		l.add(inkMuted, " by ")
		l.add(inkValue, m.plot.seriesBy)
	}
	if m.plot.timeBy != "" {
		l.add(inkMuted, " over ")
		l.add(inkValue, m.plot.timeBy)
	}
	if m.st.gaps > 0 {
		l.add(inkMuted, sep)
		l.add(inkWarn, "gaps "+groupDigits(m.st.gaps))
	}
	for i, sc := range m.plot.schemas {
		if i == 0 {
			l.add(inkMuted, sep+"schemas ")
		} else {
			l.add(inkMuted, ", ")
		}
		l.add(inkPlain, sc.Label)
		l.add(inkValue, " ×"+groupDigits(sc.Records))
	}
	l.pad()
	return l.String()
}

// seriesLabel names a line in legends: series.field when events carry
// several fields and all are shown, else the series.
func (m *Model) seriesLabel(sr *series) string {
	if sr.field == "" || sr.base == "" {
		return sr.name
	}
	if m.field != "" || len(m.st.fields) <= 1 {
		return sr.base
	}
	return sr.name
}

// renderGroup renders the group bar.
func (m *Model) renderGroup(w int, now time.Time) string {
	l := newTextLine(m.inks, w)
	g := &m.st.group
	switch {
	case m.opts.Group == "" && !g.known:
		l.add(inkMuted, "no consumer group")
	case !g.known:
		l.add(inkWarn, "joining group "+m.opts.Group+"…")
	default:
		sep := " · "
		l.add(inkMuted, "gen ")
		l.add(inkValue, strconv.Itoa(g.generation))
		l.add(inkMuted, sep+"owns ")
		l.add(inkValue, formatPartitions(g.owned))
		l.add(inkMuted, sep+"members ")
		l.add(inkValue, strconv.Itoa(len(g.members)))
		first := true
		for _, mb := range g.members {
			if mb.MemberID == g.memberID && g.memberID != "" {
				continue
			}
			if first {
				l.add(inkMuted, sep+"others: ")
				first = false
			} else {
				l.add(inkMuted, ", ")
			}
			l.add(inkPlain, memberLabel(mb)+" ")
			l.add(inkValue, formatPartitions(mb.Partitions))
		}
		l.add(inkMuted, sep+"last rebalance ")
		l.add(inkPlain, formatRebalance(g.last))
		l.add(inkMuted, ", "+formatAge(now.Sub(g.last.at))+" ago")
	}
	l.pad()
	return l.String()
}

// renderHelpLine renders the one-line key help, with the page or zoom state
// on the right.
func (m *Model) renderHelpLine(w int) string {
	var right string
	n := m.st.partitions()
	switch {
	case m.zoom && n > 0:
		right = fmt.Sprintf("p%d zoomed", min(m.focus, n-1))
	case n > 0 && m.rc.grid.perPage() > 0 && n > m.rc.grid.perPage():
		per := m.rc.grid.perPage()
		page := min(m.focus, n-1) / per
		right = fmt.Sprintf("page %d/%d", page+1, (n+per-1)/per)
	}
	hm := m.help
	hm.Width = max(w-len(right)-1, 1)
	s := hm.ShortHelpView(m.keys.ShortHelp())
	sw := ansi.StringWidth(s)
	if sw > w {
		s, sw = ansi.Truncate(s, w, ""), w
	}
	if right == "" || sw+len(right)+1 > w {
		return padRight(s, sw, w)
	}
	l := newTextLine(m.inks, len(right))
	l.add(inkMuted, right)
	return padRight(s, sw, w-len(right)) + l.String()
}

// blankLines returns n lines of w spaces.
func blankLines(w, n int) []string {
	b := strings.Repeat(" ", max(w, 0))
	out := make([]string, n)
	for i := range out {
		out[i] = b
	}
	return out
}

// centred returns a w×h block with msg on its middle line.
func (m *Model) centred(w, h int, msg string, id inkID) []string {
	out := blankLines(w, h)
	if h == 0 {
		return out
	}
	l := newTextLine(m.inks, w)
	mw := ansi.StringWidth(msg)
	if mw < w {
		l.w.spaces((w - mw) / 2)
		l.width = (w - mw) / 2
	}
	l.add(id, msg)
	l.pad()
	out[(h-1)/2] = l.String()
	return out
}

// renderPanes renders the panes area (w×h): the help overlay, the zoomed
// pane, or a page of the grid.
func (m *Model) renderPanes(w, h int) []string {
	if m.showHelp {
		return m.renderHelpOverlay(w, h)
	}
	n := m.st.partitions()
	if n == 0 {
		m.rc.grid = grid{}
		return m.centred(w, h, "waiting for the partitions of "+m.opts.Topic+"…", inkMuted)
	}
	m.focus = min(max(m.focus, 0), n-1)
	if m.zoom {
		m.rc.grid = grid{cols: 1, rows: 1}
		return m.renderPane(m.focus, w, h, true)
	}
	g := chooseGrid(n, w, h)
	m.rc.grid = g
	per := g.perPage()
	first := (m.focus / per) * per
	last := min(first+per, n)
	out := make([]string, 0, h)
	for r := 0; r < g.rows; r++ {
		rh := span(h, g.rows, r)
		lo := first + r*g.cols
		hi := min(lo+g.cols, last)
		if lo >= hi {
			out = append(out, blankLines(w, rh)...)
			continue
		}
		rows := m.rc.paneRows[:0]
		for p := lo; p < hi; p++ {
			rows = append(rows, m.renderPane(p, span(w, hi-lo, p-lo), rh, p == m.focus))
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

// renderHelpOverlay renders the full help centred in the panes area.
func (m *Model) renderHelpOverlay(w, h int) []string {
	hm := m.help
	hm.Width = 0
	body := strings.Join([]string{
		m.styles.Title.Render("kafkaplot keys"),
		"",
		hm.FullHelpView(m.keys.FullHelp()),
		"",
		m.styles.Muted.Render("Panes of partitions this instance does not own are dimmed."),
		m.styles.Muted.Render("Press ? to close."),
	}, "\n")
	box := m.styles.Overlay.Render(body)
	lines := strings.Split(lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box), "\n")
	out := make([]string, h)
	for i := range out {
		s := ""
		if i < len(lines) {
			s = ansi.Truncate(lines[i], w, "")
		}
		out[i] = padRight(s, ansi.StringWidth(s), w)
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
	d := m.st.paneIfAny(p)
	owned, owner := m.st.ownerOf(p)
	lk := newPaneLook(focused, !owned)
	iw, ih := w-2, h-2

	out := make([]string, 0, h)
	out = append(out, m.borderLine(lk.border.tl, m.paneTitle(p, d, iw, lk, owner), lk.border.tr, lk.borderInk))
	body, drawn, total := m.paneBody(d, iw, ih, lk)
	bi := m.inks[lk.borderInk]
	vert := bi.pre + string(lk.border.v) + bi.post
	for _, row := range body {
		out = append(out, vert+row+vert)
	}
	bottom := newTextLine(m.inks, iw)
	if total > drawn {
		bottom.add(lk.borderInk, string(lk.border.h)+" ")
		bottom.add(lk.muted, fmt.Sprintf("%d of %d series drawn ", drawn, total))
	}
	fillRune(bottom, lk.borderInk, lk.border.h)
	out = append(out, m.borderLine(lk.border.bl, bottom.String(), lk.border.br, lk.borderInk))
	return out
}

// paneTitle returns the middle of a pane's top border (iw cells): partition,
// owner when not this instance, committed offset, lag, rate and non-finite
// count.
func (m *Model) paneTitle(p int, d *paneData, iw int, lk paneLook, owner string) string {
	top := newTextLine(m.inks, iw)
	top.add(lk.borderInk, string(lk.border.h)+" ")
	name := "[p" + strconv.Itoa(p) + "]"
	if iw >= compactTitleWidth && m.opts.Topic != "" {
		name = m.opts.Topic + " " + name
	}
	top.add(lk.titleInk, name)
	if lk.dim {
		top.add(lk.muted, " · ")
		if owner == "" {
			top.add(inkWarn, "unassigned")
		} else {
			top.add(inkWarn, "owned by "+owner)
		}
	}
	if d != nil {
		if d.hasStat {
			top.add(lk.muted, " · committed ")
			if d.stat.Committed < 0 {
				top.add(lk.valInk, "none")
			} else {
				top.add(lk.valInk, groupDigits(d.stat.Committed))
			}
			lag, _ := d.lag()
			top.add(lk.muted, " · lag ")
			top.add(lk.valInk, groupDigits(lag))
		}
		top.add(lk.muted, " · ")
		top.add(lk.valInk, formatRate(d.rate.rate(m.opts.Now().UnixNano())))
		if d.nonFinite > 0 {
			top.add(lk.muted, " · ")
			top.add(inkWarn, "NaN/Inf "+groupDigits(d.nonFinite))
		}
		if d.future > 0 {
			top.add(lk.muted, " · ")
			top.add(inkWarn, "future-dated "+groupDigits(d.future))
		}
		if d.dups > 0 {
			top.add(lk.muted, " · ")
			top.add(inkWarn, "re-delivered "+groupDigits(d.dups))
		}
	}
	if st := m.paneStatus[p]; st != "" {
		top.add(lk.muted, " · ")
		top.add(inkWarn, st)
	}
	if top.room() > 0 {
		top.add(lk.muted, " ")
	}
	fillRune(top, lk.borderInk, lk.border.h)
	return top.String()
}

// paneBody returns the ih rows (iw cells each) inside a pane's border: the
// chart, and the legend on its right when the pane is wide or below it when
// the pane is tall enough. It also returns how many series were drawn of how
// many the partition has.
func (m *Model) paneBody(d *paneData, iw, ih int, lk paneLook) ([]string, int, int) {
	var order []*series
	if d != nil {
		order = d.order
	}
	if m.field != "" && len(order) > 0 {
		shown := m.rc.shown[:0]
		for _, sr := range order {
			if sr.field == m.field {
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

	end := m.st.newest
	if m.paused {
		end = m.frozenEnd
	}
	lines := m.rc.lines[:0]
	for _, sr := range drawn {
		id, _, period := m.styles.seriesInk(sr.color)
		if lk.dim {
			id = inkDim
		}
		lines = append(lines, chartLine{s: sr, ink: id, period: period})
	}
	m.rc.lines = lines
	spec := chartSpec{
		w: cw, h: chh,
		t0: end - int64(m.window), t1: end,
		loc:      m.opts.Location,
		lines:    lines,
		axisInk:  inkAxis,
		labelInk: inkAxisLabel,
		emptyInk: inkMuted,
		empty:    "no data in the last " + formatWindow(m.window),
	}
	if lk.dim {
		spec.axisInk, spec.labelInk, spec.emptyInk = inkDim, inkDim, inkDim
	}
	if len(order) == 0 {
		spec.empty = "waiting for data…"
	}
	chart, stats, decimals := m.rc.chart.render(&spec, m.inks)
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
	return rows, len(drawn), len(order)
}

// fillRune fills the rest of l with r.
func fillRune(l *textLine, id inkID, r rune) {
	if n := l.room(); n > 0 {
		l.add(id, strings.Repeat(string(r), n))
	}
}

// borderLine returns left + mid + right with the corners in ink id.
func (m *Model) borderLine(left rune, mid string, right rune, id inkID) string {
	in := m.inks[id]
	return in.pre + string(left) + in.post + mid + in.pre + string(right) + in.post
}

// legendEntry returns the ink, marker and name of series sr.
func (m *Model) legendEntry(sr *series, dim bool) (inkID, string) {
	id, marker, _ := m.styles.seriesInk(sr.color)
	if dim {
		id = inkDim
	}
	return id, marker
}

// statText formats a statistic, or "–" when the window holds no point.
func statText(st windowStats, v float64, decimals int) string {
	if st.n == 0 {
		return "–"
	}
	return formatValue(v, min(decimals, 6))
}

// legendColumn renders the legend as a table of w×h: marker and name in the
// series' colour, then last, min and max over the window.
func (m *Model) legendColumn(order []*series, stats []windowStats, decimals, w, h int, dim bool) []string {
	out := make([]string, 0, h)
	if h <= 0 {
		return out
	}
	shown := min(len(stats), h-1)
	if shown < len(order) {
		shown = max(min(len(stats), h-2), 0)
	}
	more := len(order) - shown
	vw := 4
	texts := make([][3]string, shown)
	for i := 0; i < shown; i++ {
		st := stats[i]
		texts[i] = [3]string{statText(st, st.last, decimals), statText(st, st.min, decimals), statText(st, st.max, decimals)}
		for _, s := range texts[i] {
			vw = max(vw, len([]rune(s)))
		}
	}
	need := 0 // the widest name shown
	for i := 0; i < shown; i++ {
		need = max(need, ansi.StringWidth(m.seriesLabel(order[i])))
	}
	cols := 3
	nw := w - 2 - cols*(vw+1)
	if nw < 6 || nw < need {
		// Names tell the series apart: drop min and max before cutting them.
		cols = 1
		nw = w - 2 - (vw + 1)
	}
	mutedInk, valInk := inkMuted, inkValue
	if dim {
		mutedInk, valInk = inkDim, inkDim
	}
	head := newTextLine(m.inks, w)
	head.field(mutedInk, "  series", nw+2)
	for _, name := range []string{"last", "min", "max"}[:cols] {
		head.add(mutedInk, " "+leftPad(name, vw))
	}
	head.pad()
	out = append(out, head.String())
	for i := 0; i < shown; i++ {
		sr := order[i]
		id, marker := m.legendEntry(sr, dim)
		l := newTextLine(m.inks, w)
		l.add(id, marker+" ")
		l.field(id, fitMiddle(m.seriesLabel(sr), nw), nw)
		for c := 0; c < cols; c++ {
			l.add(valInk, " "+leftPad(texts[i][c], vw))
		}
		l.pad()
		out = append(out, l.String())
	}
	if more > 0 && len(out) < h {
		l := newTextLine(m.inks, w)
		l.add(mutedInk, fmt.Sprintf("  +%d more", more))
		l.pad()
		out = append(out, l.String())
	}
	for len(out) < h {
		out = append(out, strings.Repeat(" ", w))
	}
	return out
}

// legendRows renders the legend as rows lines of w cells: "● name last"
// entries side by side, then "+N more" for the series that did not fit.
func (m *Model) legendRows(order []*series, stats []windowStats, decimals, w, rows int, dim bool) []string {
	out := make([]string, 0, rows)
	i := 0
	for r := 0; r < rows; r++ {
		l := newTextLine(m.inks, w)
		for ; i < len(order); i++ {
			sr := order[i]
			id, marker := m.legendEntry(sr, dim)
			entry := marker + " " + m.seriesLabel(sr)
			if i < len(stats) {
				entry += " " + statText(stats[i], stats[i].last, decimals)
			}
			if l.width > 0 {
				entry = "  " + entry
			}
			remaining := len(order) - i - 1
			reserve := 0
			if remaining > 0 && r == rows-1 {
				reserve = len(fmt.Sprintf("  +%d more", remaining))
			}
			if l.width+ansi.StringWidth(entry)+reserve > w {
				break
			}
			l.add(id, entry)
		}
		if r == rows-1 && i < len(order) {
			l.add(inkMuted, fmt.Sprintf("  +%d more", len(order)-i))
		}
		l.pad()
		out = append(out, l.String())
	}
	return out
}

// leftPad pads s with spaces on the left to n runes.
func leftPad(s string, n int) string {
	if k := n - len([]rune(s)); k > 0 {
		return strings.Repeat(" ", k) + s
	}
	return s
}

// fitMiddle shortens s to at most w cells by cutting its middle, so that
// names differing at the end (sensor0, sensor1) stay apart: "sen…or10".
func fitMiddle(s string, w int) string {
	if ansi.StringWidth(s) <= w || w < 3 {
		return s
	}
	rs := []rune(s)
	tail := (w - 1) / 2
	head := w - 1 - tail
	for head+tail+1 < len(rs) && ansi.StringWidth(string(rs[:head])+"…"+string(rs[len(rs)-tail:])) > w {
		if head > tail {
			head--
		} else {
			tail--
		}
	}
	return string(rs[:head]) + "…" + string(rs[len(rs)-tail:])
}
