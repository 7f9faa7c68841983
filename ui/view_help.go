package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// renderHelpLine renders the one-line key help, with the page or zoom state
// on the right.
func (m *Model) renderHelpLine(w int) string {
	if m.asking || m.suspendAsk {
		l := chart.NewTextLine(m.inks, w)
		if m.asking {
			m.addConfirm(l)
		} else {
			m.addSuspendAsk(l)
		}
		l.Pad()
		return l.String()
	}
	if m.prompt != nil {
		l := chart.NewTextLine(m.inks, w)
		m.addPrompt(l)
		l.Pad()
		return l.String()
	}
	var right string
	n := m.st.Partitions()
	switch {
	case m.zoom && n > 0:
		right = fmt.Sprintf("p%d zoomed", min(m.focus, n-1))
	case n > 0 && m.rc.grid.PerPage() > 0 && n > m.rc.grid.PerPage():
		per := m.rc.grid.PerPage()
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
		return chart.PadRight(s, sw, w)
	}
	l := chart.NewTextLine(m.inks, len(right))
	l.Add(inkMuted, right)
	return chart.PadRight(s, sw, w-len(right)) + l.String()
}

// renderHelpOverlay renders the full help centred in the panes area: its
// columns of keys packed into rows that fit the width; where the height is
// short, the box loses its blank lines first, then its notes, so that no
// key is cut.
func (m *Model) renderHelpOverlay(w, h int) []string {
	notes := []string{
		m.styles.Muted.Render("Panes of partitions this instance does not own are dimmed."),
		m.styles.Muted.Render("Press ? to close."),
	}
	const frameW = 2 + 2*2 // border and padding of styles.Overlay
	keys := m.helpColumns(w - frameW)
	style := m.styles.Overlay
	body := func(notes []string) string {
		return strings.Join(append([]string{m.styles.Title.Render("kafkaplot keys"), "", keys, ""}, notes...), "\n")
	}
	box := style.Render(body(notes))
	if lipgloss.Height(box) > h {
		style = style.PaddingTop(0).PaddingBottom(0)
		box = style.Render(body(notes))
	}
	if lipgloss.Height(box) > h {
		box = style.Render(strings.TrimSuffix(body(nil), "\n"))
	}
	lines := strings.Split(lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box), "\n")
	out := make([]string, h)
	for i := range out {
		s := ""
		if i < len(lines) {
			s = ansi.Truncate(lines[i], w, "")
		}
		out[i] = chart.PadRight(s, ansi.StringWidth(s), w)
	}
	return out
}

// helpColumns renders the full help's columns (KeyMap.FullHelp), in order,
// as rows of columns at most w cells wide, a blank line between rows: the
// packing with the fewest lines.
func (m *Model) helpColumns(w int) string {
	hm := m.help
	hm.Width = 0
	var cols []string
	for _, g := range m.keys.FullHelp() {
		if c := hm.FullHelpView([][]key.Binding{g}); c != "" {
			cols = append(cols, c)
		}
	}
	sep := hm.Styles.FullSeparator.Inline(true).Render(hm.FullSeparator)
	sepW := lipgloss.Width(sep)
	row := func(cs []string) string {
		parts := make([]string, 0, 2*len(cs))
		for i, c := range cs {
			if i > 0 {
				parts = append(parts, sep)
			}
			parts = append(parts, c)
		}
		return lipgloss.JoinHorizontal(lipgloss.Top, parts...)
	}
	// best[i] is the fewest lines of columns i.. and next[i] where the
	// first row of that packing ends; a column wider than w is a row alone.
	n := len(cols)
	best, next := make([]int, n+1), make([]int, n+1)
	for i := n - 1; i >= 0; i-- {
		best[i] = -1
		width, height := -sepW, 0
		for j := i; j < n; j++ {
			width += sepW + lipgloss.Width(cols[j])
			height = max(height, lipgloss.Height(cols[j]))
			if width > w && j > i {
				break
			}
			lines := height
			if j+1 < n {
				lines += 1 + best[j+1]
			}
			if best[i] < 0 || lines < best[i] {
				best[i], next[i] = lines, j+1
			}
		}
	}
	var rows []string
	for i := 0; i < n; i = next[i] {
		rows = append(rows, row(cols[i:next[i]]))
	}
	return strings.Join(rows, "\n\n")
}
