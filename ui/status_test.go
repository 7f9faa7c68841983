package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// TestPaneStatusShownInItsPane checks that a partition's condition (a
// registry outage pausing it) appears in that pane's title only, and goes
// away when it clears.
func TestPaneStatusShownInItsPane(t *testing.T) {
	c := &clock{now: testStart()}
	m := New(testOptions(c))
	m = update(m,
		tea.WindowSizeMsg{Width: 160, Height: 40},
		PartitionsMsg{Count: 2},
		EventsMsg{Events: sensorEvents(8, 2, 10, testStart().Add(-5*time.Second), 500*time.Millisecond)},
		StatusMsg{Panes: map[int]string{1: "paused at offset 7, registry unavailable"}},
		FrameMsg{},
	)
	var p0, p1 string
	for _, line := range strings.Split(m.View(), "\n") {
		switch {
		case strings.Contains(line, "[p0]"):
			p0 = line
		case strings.Contains(line, "[p1]"):
			p1 = line
		}
	}
	if !strings.Contains(p1, "paused at offset 7, registry unavailable") {
		t.Errorf("pane 1 title lacks its status: %q", p1)
	}
	if strings.Contains(p0, "paused") {
		t.Errorf("pane 0 title shows pane 1's status: %q", p0)
	}
	m = update(m, StatusMsg{}, FrameMsg{})
	if strings.Contains(m.View(), "paused at offset") {
		t.Error("the status stayed after it cleared")
	}
}

// TestHeaderNamesBrokerAndRegistry checks that the header shows the broker
// and the registry separately once either has a problem, and "● connected"
// while both are well.
func TestHeaderNamesBrokerAndRegistry(t *testing.T) {
	tests := []struct {
		name    string
		status  StatusMsg
		want    string
		notWant string
	}{
		{"healthy", StatusMsg{}, "● connected", "registry"},
		{"registry down", StatusMsg{Registry: "connection refused"}, "● broker · ✗ registry: connection refused", "● connected"},
		{"broker down", StatusMsg{Broker: "reconnecting…"}, "✗ broker: reconnecting… · ● registry", "● connected"},
		{"other condition", StatusMsg{Text: "3 records without a numeric value to plot"}, "◌ 3 records without a numeric value to plot", "broker"},
		{"both and more", StatusMsg{Broker: "reconnecting…", Registry: "timeout", Text: "x"}, "✗ broker: reconnecting… · ✗ registry: timeout · ◌ x", "● connected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &clock{now: testStart()}
			m := update(New(testOptions(c)), tea.WindowSizeMsg{Width: 200, Height: 30}, tt.status, FrameMsg{})
			header := strings.Split(m.View(), "\n")[0]
			if !strings.Contains(header, tt.want) {
				t.Errorf("header %q lacks %q", header, tt.want)
			}
			if strings.Contains(header, tt.notWant) {
				t.Errorf("header %q has %q", header, tt.notWant)
			}
		})
	}
}
