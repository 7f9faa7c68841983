package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// seriesLabel names a line in legends: series.field when events carry
// several fields and all are shown, else the series.
func (m *Model) seriesLabel(sr *chart.Series) string {
	if sr.Field == "" || sr.Base == "" {
		return sr.Name
	}
	if m.field != "" || len(m.st.Fields) <= 1 {
		return sr.Base
	}
	return sr.Name
}

// legendEntry returns the ink, marker and name of series sr.
func (m *Model) legendEntry(sr *chart.Series, dim bool) (chart.InkID, string) {
	id, marker, _ := m.styles.seriesInk(sr.Color)
	if dim {
		id = inkDim
	}
	return id, marker
}

// statText formats a statistic, or "–" when the window holds no point.
func statText(st chart.Stats, v float64, decimals int) string {
	if st.N == 0 {
		return "–"
	}
	return chart.FormatValue(v, min(decimals, 6))
}

// legendColumn renders the legend as a table of w×h: marker and name in the
// series' colour, then last, min and max over the window.
func (m *Model) legendColumn(order []*chart.Series, stats []chart.Stats, decimals, w, h int, dim bool) []string {
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
		texts[i] = [3]string{statText(st, st.Last, decimals), statText(st, st.Min, decimals), statText(st, st.Max, decimals)}
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
	head := chart.NewTextLine(m.inks, w)
	head.Field(mutedInk, "  series", nw+2)
	for _, name := range []string{"last", "min", "max"}[:cols] {
		head.Add(mutedInk, " "+leftPad(name, vw))
	}
	head.Pad()
	out = append(out, head.String())
	for i := 0; i < shown; i++ {
		sr := order[i]
		id, marker := m.legendEntry(sr, dim)
		l := chart.NewTextLine(m.inks, w)
		l.Add(id, marker+" ")
		l.Field(id, fitMiddle(m.seriesLabel(sr), nw), nw)
		for c := 0; c < cols; c++ {
			l.Add(valInk, " "+leftPad(texts[i][c], vw))
		}
		l.Pad()
		out = append(out, l.String())
	}
	if more > 0 && len(out) < h {
		l := chart.NewTextLine(m.inks, w)
		l.Add(mutedInk, fmt.Sprintf("  +%d more", more))
		l.Pad()
		out = append(out, l.String())
	}
	for len(out) < h {
		out = append(out, strings.Repeat(" ", w))
	}
	return out
}

// legendRows renders the legend as rows lines of w cells: "● name last"
// entries side by side, then "+N more" for the series that did not fit.
func (m *Model) legendRows(order []*chart.Series, stats []chart.Stats, decimals, w, rows int, dim bool) []string {
	out := make([]string, 0, rows)
	i := 0
	for r := 0; r < rows; r++ {
		l := chart.NewTextLine(m.inks, w)
		for ; i < len(order); i++ {
			sr := order[i]
			id, marker := m.legendEntry(sr, dim)
			entry := marker + " " + m.seriesLabel(sr)
			if i < len(stats) {
				entry += " " + statText(stats[i], stats[i].Last, decimals)
			}
			if l.Width() > 0 {
				entry = "  " + entry
			}
			remaining := len(order) - i - 1
			reserve := 0
			if remaining > 0 && r == rows-1 {
				reserve = len(fmt.Sprintf("  +%d more", remaining))
			}
			if l.Width()+ansi.StringWidth(entry)+reserve > w {
				break
			}
			l.Add(id, entry)
		}
		if r == rows-1 && i < len(order) {
			l.Add(inkMuted, fmt.Sprintf("  +%d more", len(order)-i))
		}
		l.Pad()
		out = append(out, l.String())
	}
	return out
}
