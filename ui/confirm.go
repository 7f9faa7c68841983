package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// handleConfirm answers g's question: y switches the generator on, any
// other key leaves it off and is not taken as a command.
func (m Model) handleConfirm(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	m.asking = false
	var cmd tea.Cmd
	if msg.Type == tea.KeyRunes && len(msg.Runes) == 1 && (msg.Runes[0] == 'y' || msg.Runes[0] == 'Y') {
		m.gen.on = true
		cmd = m.act.switchCmd(true, m.opts.SetGenerator)
	}
	m.render(true)
	return m, cmd
}

// addConfirm adds g's question to l.
func (m *Model) addConfirm(l *chart.TextLine) {
	l.Add(inkTitle, "write synthetic sensor events into topic "+m.opts.Topic+" on "+m.opts.Cluster+"? ")
	l.Add(inkValue, "y/N")
}

// handleSuspendAsk answers ctrl+z's warning: ctrl+z again suspends, any
// other key goes on running and is not taken as a command.
func (m Model) handleSuspendAsk(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	m.suspendAsk = false
	if key.Matches(msg, m.keys.Suspend) {
		if m.opts.Screen != nil {
			m.opts.Screen.leave() // the shell gets its screen back
		}
		return m, tea.Suspend
	}
	m.render(true)
	return m, nil
}

// addSuspendAsk adds ctrl+z's warning to l.
func (m *Model) addSuspendAsk(l *chart.TextLine) {
	l.Add(inkWarn, "this instance runs the embedded cluster: suspended, it freezes every other instance. ")
	l.Add(inkValue, "ctrl+z again suspends, any other key goes on")
}
