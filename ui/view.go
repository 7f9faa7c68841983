package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// Screen geometry.
const (
	minWidth     = 40 // narrowest usable terminal
	minHeight    = 10 // lowest usable terminal
	chromeHeight = 4  // header (2, 3 with the plot line) + group bar (1) + help line (1)
)

// renderCache holds what a frame reuses: the chart renderer's buffers and the
// last rendered panes, kept while paused.
type renderCache struct {
	chart    chart.Renderer
	palette  chart.Palette
	lines    []chart.Line
	marks    []chart.Mark    // the generations marked under a pane's time axis
	shown    []*chart.Series // the series of the field shown (f key)
	panes    []string        // the panes area of the last full render
	grid     chart.Grid      // arrangement of the last full render
	panesW   int
	panesH   int
	joinBuf  strings.Builder
	paneRows [][]string
}

// render renders a frame into m.view. With panes false (paused) the panes
// area of the previous frame is reused and only the header, group bar and help
// line are rendered again.
func (m *Model) render(panes bool) {
	defer m.show()
	now := m.opts.Now()
	m.lastFrame = now
	m.dirty = false
	w, h := m.width, m.height
	if w <= 0 || h <= 0 {
		m.view = ""
		return
	}
	if w < minWidth || h < minHeight {
		// The size it needs first, the words wrapped to the width: a cut
		// line would lose it.
		m.view = strings.Join(wrapWords(fmt.Sprintf("need %d×%d, have %d×%d: terminal too small", minWidth, minHeight, w, h), w, h), "\n")
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

// show hands the frame to the Screen, if the model draws its own. The
// one-line "terminal too small" frame is cut to the terminal's width there,
// as bubbletea's renderer would, so that the terminal does not wrap it.
func (m *Model) show() {
	if m.opts.Screen == nil {
		return
	}
	frame := m.view
	if m.width < minWidth || m.height < minHeight {
		lines := strings.Split(frame, "\n")
		for i, l := range lines {
			lines[i] = ansi.Truncate(l, max(m.width, 0), "")
		}
		frame = strings.Join(lines, "\n")
	}
	m.opts.Screen.show(frame)
}

// wrapWords breaks text into at most h lines of at most w columns at its
// spaces (a word longer than w stays whole, to be cut).
func wrapWords(text string, w, h int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case ansi.StringWidth(line)+1+ansi.StringWidth(word) <= w:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines[:min(len(lines), max(h, 1))]
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
func (m *Model) centred(w, h int, msg string, id chart.InkID) []string {
	return m.centredLines(w, h, []string{msg}, id)
}

// fillRune fills the rest of l with r.
func fillRune(l *chart.TextLine, id chart.InkID, r rune) {
	if n := l.Room(); n > 0 {
		l.Add(id, strings.Repeat(string(r), n))
	}
}

// borderLine returns left + mid + right with the corners in ink id.
func (m *Model) borderLine(left rune, mid string, right rune, id chart.InkID) string {
	in := m.inks[id]
	return in.Pre + string(left) + in.Post + mid + in.Pre + string(right) + in.Post
}

// centredLines returns a w×h block with lines, as a left-aligned block,
// centred in it. Lines that do not fit in h are cut, the last one shown
// ending in "…".
func (m *Model) centredLines(w, h int, lines []string, id chart.InkID) []string {
	out := blankLines(w, h)
	if h == 0 || len(lines) == 0 {
		return out
	}
	if len(lines) > h {
		lines = append(lines[:h-1:h-1], ansi.Truncate(lines[h-1]+" …", w, "…"))
	}
	bw := 0
	for _, msg := range lines {
		bw = max(bw, ansi.StringWidth(msg))
	}
	left := max((w-bw)/2, 0)
	top := (h - len(lines)) / 2
	for i, msg := range lines {
		l := chart.NewTextLine(m.inks, w)
		l.Indent(left)
		l.Add(id, msg)
		l.Pad()
		out[top+i] = l.String()
	}
	return out
}

// wrapText wraps s at spaces (and inside words longer than w) into lines of
// at most w cells.
func wrapText(s string, w int) []string {
	lines := strings.Split(ansi.Wrap(s, max(w, 1), ""), "\n")
	for i, l := range lines {
		lines[i] = strings.Trim(l, " ")
	}
	return lines
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
