package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// TestPaneSaysSampledAndReset: a pane whose history was sampled says so
// while the sample is in the window, and a pane whose log was reset says
// where reading went on from.
func TestPaneSaysSampledAndReset(t *testing.T) {
	c := &clock{now: testStart()}
	history := sensorEvents(4, 1, 40, testStart().Add(-time.Minute), time.Second)
	m := update(New(testOptions(c)),
		tea.WindowSizeMsg{Width: 160, Height: 40},
		PartitionsMsg{Count: 2},
		HistoryMsg{Partition: 0, Events: history, Sampled: true},
		LogResetMsg{Partition: 1, From: 0},
		FrameMsg{},
	)
	t0, t1 := paneAll(m.View(), 0), paneAll(m.View(), 1)
	if !strings.Contains(t0, "sampled") || strings.Contains(t1, "sampled") {
		t.Errorf("panes %q and %q: want sampled in p0's only", t0, t1)
	}
	if !strings.Contains(t1, "log reset: reading from offset 0") || strings.Contains(t0, "log reset") {
		t.Errorf("panes %q and %q: want the reset in p1's only", t0, t1)
	}
	if strings.Contains(m.View(), "re-delivered") {
		t.Errorf("history counted as re-delivered:\n%s", m.View())
	}
	c.Advance(3 * time.Minute) // the sample has left the 2m window
	m = update(m, FrameMsg{})
	if t0 := paneAll(m.View(), 0); strings.Contains(t0, "sampled") {
		t.Errorf("pane %q still says sampled once the sample left the window", t0)
	}
}
