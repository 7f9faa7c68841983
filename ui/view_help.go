package ui

import (
	"fmt"
	"strings"

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
		out[i] = chart.PadRight(s, ansi.StringWidth(s), w)
	}
	return out
}
