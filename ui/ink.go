package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// inkID names one compiled style; see the ink* constants and Styles.compile.
type inkID uint8

// Ink identifiers. Series colours follow inkSeries.
const (
	inkPlain inkID = iota
	inkAxis
	inkAxisLabel
	inkDim
	inkTitle
	inkMuted
	inkValue
	inkGood
	inkWarn
	inkBad
	inkPaused
	inkBorder
	inkFocusBorder
	inkDimBorder
	inkSeries
)

// ink is a compiled inline style: the escape sequences written before and
// after styled text. Rendering through inks instead of lipgloss.Style.Render
// keeps a frame to a few string appends per colour change.
type ink struct {
	pre, post string
}

// inkWriter appends styled text to a builder, switching escape sequences only
// when the style changes.
type inkWriter struct {
	b    *strings.Builder
	inks []ink
	cur  inkID
	open bool
}

// set switches the current style to id.
func (w *inkWriter) set(id inkID) {
	if w.open && w.cur == id {
		return
	}
	w.close()
	if int(id) >= len(w.inks) {
		id = inkPlain
	}
	w.b.WriteString(w.inks[id].pre)
	w.cur, w.open = id, true
}

// str writes s in style id.
func (w *inkWriter) str(id inkID, s string) {
	if s == "" {
		return
	}
	w.set(id)
	w.b.WriteString(s)
}

// rune writes r in style id.
func (w *inkWriter) rune(id inkID, r rune) {
	w.set(id)
	w.b.WriteRune(r)
}

// spaces writes n unstyled spaces.
func (w *inkWriter) spaces(n int) {
	if n <= 0 {
		return
	}
	w.close()
	for ; n > 0; n-- {
		w.b.WriteByte(' ')
	}
}

// close ends the current style.
func (w *inkWriter) close() {
	if w.open {
		w.b.WriteString(w.inks[w.cur].post)
		w.open = false
	}
}

// textLine builds one line of styled text no wider than max cells, cutting
// the text that does not fit with an ellipsis.
type textLine struct {
	b     strings.Builder
	w     inkWriter
	width int
	max   int
	full  bool
}

// newTextLine returns a line at most max cells wide.
func newTextLine(inks []ink, max int) *textLine {
	l := &textLine{max: max}
	l.w = inkWriter{b: &l.b, inks: inks}
	return l
}

// room returns the cells still free.
func (l *textLine) room() int { return l.max - l.width }

// add appends s in style id; text beyond the line's width is replaced by "…".
// It reports whether all of s fit.
func (l *textLine) add(id inkID, s string) bool {
	if l.full || s == "" {
		return !l.full
	}
	sw := ansi.StringWidth(s)
	if l.width+sw <= l.max {
		l.w.str(id, s)
		l.width += sw
		return true
	}
	l.full = true
	room := l.max - l.width
	if room <= 0 {
		return false
	}
	cut := ansi.Truncate(s, room, "…")
	l.w.str(id, cut)
	l.width += ansi.StringWidth(cut)
	return false
}

// field appends s in style id, cut or padded to exactly n cells (or what is
// left of the line).
func (l *textLine) field(id inkID, s string, n int) {
	n = min(n, l.room())
	if n <= 0 || l.full {
		return
	}
	sw := ansi.StringWidth(s)
	if sw > n {
		s = ansi.Truncate(s, n, "…")
		sw = ansi.StringWidth(s)
	}
	l.w.str(id, s)
	l.w.spaces(n - sw)
	l.width += n
}

// pad fills the line with spaces up to its width.
func (l *textLine) pad() {
	l.w.spaces(l.max - l.width)
	l.width = l.max
}

// String closes the line and returns it.
func (l *textLine) String() string {
	l.w.close()
	return l.b.String()
}

// padRight pads a styled string of visible width w with spaces to width n.
func padRight(s string, w, n int) string {
	if w >= n {
		return s
	}
	return s + strings.Repeat(" ", n-w)
}
