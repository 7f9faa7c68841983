package ui

import (
	"slices"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// handleKeys handles runes that arrived in one read (fast typing, or keys
// sent by a script) as separate key presses.
func (m Model) handleKeys(rs []rune) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	for _, r := range rs {
		handle := m.handleKey
		switch {
		case m.asking:
			handle = m.handleConfirm
		case m.suspendAsk:
			handle = m.handleSuspendAsk
		case m.prompt != nil:
			handle = m.handlePrompt
		}
		nm, cmd := handle(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		m = nm.(Model)
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(cmds...)
}

// handleKey handles a key press and renders the result at once.
func (m Model) handleKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	k := m.keys
	switch {
	case key.Matches(msg, k.Suspend) && m.opts.HostsCluster:
		m.suspendAsk = true
	case key.Matches(msg, k.Suspend):
		if m.opts.Screen != nil {
			m.opts.Screen.leave() // the shell gets its screen back
		}
		return m, tea.Suspend
	case key.Matches(msg, k.Quit):
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.showHelp = !m.showHelp
	case key.Matches(msg, k.Timeline):
		m.showTimeline = !m.showTimeline
	case key.Matches(msg, k.Generator) && !m.gen.on && m.opts.ConfirmGenerator:
		m.asking = true
	case key.Matches(msg, k.Generator):
		m.gen.on = !m.gen.on
		cmd = m.act.switchCmd(m.gen.on, m.opts.SetGenerator)
	case key.Matches(msg, k.RateUp), key.Matches(msg, k.RateDown):
		dir := 1
		if key.Matches(msg, k.RateDown) {
			dir = -1
		}
		next := stepRate(m.gen.rate, dir)
		if next != m.gen.rate {
			m.gen.rate = next
			cmd = m.act.rateCmd(next, m.opts.SetRate)
		}
	case key.Matches(msg, k.Pause):
		m.paused = !m.paused
		if m.paused {
			m.frozenEnd = m.st.Newest
		}
	case key.Matches(msg, k.WindowShorter), key.Matches(msg, k.WindowLonger):
		dir := 1
		if key.Matches(msg, k.WindowShorter) {
			dir = -1
		}
		if m.older == nil { // the live panes keep a tenth more than the window
			m.heldFrom = later(m.heldFrom, m.opts.Now().Add(-m.window-m.window/10))
		}
		m.window = stepWindow(m.window, dir)
		m.refold()
		switch {
		case m.past != nil:
			m.grown = m.grown || dir > 0
			cmd = m.goTo(m.past.end)
		case dir > 0:
			cmd = m.readOlder()
		}
	case key.Matches(msg, k.PanBack):
		cmd = m.pan(-0.5)
	case key.Matches(msg, k.PanForward):
		cmd = m.pan(0.5)
	case key.Matches(msg, k.PanBackFar):
		cmd = m.pan(-1)
	case key.Matches(msg, k.PanForwardFar):
		cmd = m.pan(1)
	case key.Matches(msg, k.GoTo):
		m.prompt = &prompt{}
	case key.Matches(msg, k.Live):
		m.past, cmd = nil, m.readGrown()
	case key.Matches(msg, k.Next):
		m.moveFocus(1, true)
	case key.Matches(msg, k.Prev):
		m.moveFocus(-1, true)
	case key.Matches(msg, k.Left):
		m.moveFocus(-1, false)
	case key.Matches(msg, k.Right):
		m.moveFocus(1, false)
	case key.Matches(msg, k.Up):
		m.moveFocus(-max(m.rc.grid.Cols, 1), false)
	case key.Matches(msg, k.Down):
		m.moveFocus(max(m.rc.grid.Cols, 1), false)
	case key.Matches(msg, k.Zoom):
		m.zoom = !m.zoom
	case key.Matches(msg, k.Field):
		m.field = nextField(m.st.Fields, m.field)
	case key.Matches(msg, k.Snapshot):
		cmd = m.snapshot()
	default:
		return m, nil
	}
	m.render(true)
	return m, cmd
}

// moveFocus moves the focus by d panes, wrapping around the ends if wrap is
// set and otherwise staying put at them.
func (m *Model) moveFocus(d int, wrap bool) {
	n := m.st.Partitions()
	if n == 0 {
		return
	}
	m.focusMoved = true
	f := m.focus + d
	switch {
	case wrap:
		f = ((f % n) + n) % n
	case f < 0 || f >= n:
		return
	}
	m.focus = f
}

// nextField returns the field shown after cur: all ("") → the first field →
// … → the last → all.
func nextField(fields []string, cur string) string {
	if cur == "" {
		if len(fields) == 0 {
			return ""
		}
		return fields[0]
	}
	i := slices.Index(fields, cur)
	if i < 0 || i+1 >= len(fields) {
		return ""
	}
	return fields[i+1]
}

// stepRate returns the rate step after (dir > 0) or before cur.
func stepRate(cur float64, dir int) float64 {
	steps := rateSteps()
	if dir > 0 {
		for _, s := range steps {
			if s > cur+1e-9 {
				return s
			}
		}
		return cur
	}
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i] < cur-1e-9 {
			return steps[i]
		}
	}
	return cur
}

// stepWindow returns the window step after (dir > 0) or before cur.
func stepWindow(cur time.Duration, dir int) time.Duration {
	steps := windowSteps()
	if dir > 0 {
		for _, s := range steps {
			if s > cur {
				return s
			}
		}
		return cur
	}
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i] < cur {
			return steps[i]
		}
	}
	return cur
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
