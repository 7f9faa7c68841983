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
