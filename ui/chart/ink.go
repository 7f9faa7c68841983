package chart

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// InkID names one compiled style, an index into the inks a writer is given;
// 0 (and any id past them) is plain text.
type InkID uint8

// Ink is a compiled inline style: the escape sequences written before and
// after styled text. Rendering through inks instead of lipgloss.Style.Render
// keeps a frame to a few string appends per colour change.
type Ink struct {
	Pre, Post string
}

// inkWriter appends styled text to a builder, switching escape sequences only
// when the style changes.
type inkWriter struct {
	b    *strings.Builder
	inks []Ink
	cur  InkID
	open bool
}

// set switches the current style to id.
func (w *inkWriter) set(id InkID) {
	if w.open && w.cur == id {
		return
	}
	w.close()
	if int(id) >= len(w.inks) {
		id = 0
	}
	w.b.WriteString(w.inks[id].Pre)
	w.cur, w.open = id, true
}

// str writes s in style id.
func (w *inkWriter) str(id InkID, s string) {
	if s == "" {
		return
	}
	w.set(id)
	w.b.WriteString(s)
}

// rune writes r in style id.
func (w *inkWriter) rune(id InkID, r rune) {
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
		w.b.WriteString(w.inks[w.cur].Post)
		w.open = false
	}
}

// TextLine builds one line of styled text no wider than max cells, cutting
// the text that does not fit with an ellipsis.
type TextLine struct {
	b    strings.Builder
	w    inkWriter
	used int // cells written
	max  int
	full bool
}

// NewTextLine returns a line at most max cells wide.
func NewTextLine(inks []Ink, max int) *TextLine {
	l := &TextLine{max: max}
	l.w = inkWriter{b: &l.b, inks: inks}
	return l
}

// Width returns the cells written.
func (l *TextLine) Width() int { return l.used }

// Indent writes n unstyled spaces.
func (l *TextLine) Indent(n int) {
	if n > 0 {
		l.w.spaces(n)
		l.used += n
	}
}

// Reopen lets the line grow to max cells, taking text again after a cut.
func (l *TextLine) Reopen(max int) { l.max, l.full = max, false }

// Room returns the cells still free.
func (l *TextLine) Room() int { return l.max - l.used }

// Add appends s in style id; text beyond the line's width is replaced by "…".
// It reports whether all of s fit.
func (l *TextLine) Add(id InkID, s string) bool {
	if l.full || s == "" {
		return !l.full
	}
	sw := ansi.StringWidth(s)
	if l.used+sw <= l.max {
		l.w.str(id, s)
		l.used += sw
		return true
	}
	l.full = true
	room := l.max - l.used
	if room <= 0 {
		return false
	}
	cut := ansi.Truncate(s, room, "…")
	l.w.str(id, cut)
	l.used += ansi.StringWidth(cut)
	return false
}

// Field appends s in style id, cut or padded to exactly n cells (or what is
// left of the line).
func (l *TextLine) Field(id InkID, s string, n int) {
	n = min(n, l.Room())
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
	l.used += n
}

// Pad fills the line with spaces up to its width.
func (l *TextLine) Pad() {
	l.w.spaces(l.max - l.used)
	l.used = l.max
}

// String closes the line and returns it.
func (l *TextLine) String() string {
	l.w.close()
	return l.b.String()
}

// PadRight pads a styled string of visible width w with spaces to width n.
func PadRight(s string, w, n int) string {
	if w >= n {
		return s
	}
	return s + strings.Repeat(" ", n-w)
}
