package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

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
