package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// TestPaneSaysHistoryAndReset: a pane whose history is being read says how
// far, one whose history was read in slices says which, and a pane whose
// log was reset says where reading went on from.
func TestPaneSaysHistoryAndReset(t *testing.T) {
	c := &clock{now: testStart()}
	history := sensorEvents(4, 1, 40, testStart().Add(-time.Minute), time.Second)
	m := update(New(testOptions(c)),
		tea.WindowSizeMsg{Width: 160, Height: 40},
		PartitionsMsg{Count: 3},
		HistoryMsg{Partition: 0, Events: history, Read: 3_100_000, Total: 10_000_000},
		LogResetMsg{Partition: 1, From: 0},
		HistoryMsg{Partition: 2, Read: 40, Total: 40, Done: true, Slices: "1 minute in 12"},
		FrameMsg{},
	)
	t0, t1, t2 := paneAll(m.View(), 0), paneAll(m.View(), 1), paneAll(m.View(), 2)
	if !strings.Contains(t0, "reading history 3.1M of 10M") || strings.Contains(t1, "reading history") || strings.Contains(t2, "reading history") {
		t.Errorf("panes %q, %q and %q: want the history read in p0's only", t0, t1, t2)
	}
	if !strings.Contains(t2, "read 1 minute in 12") || strings.Contains(t0, "1 minute in 12") {
		t.Errorf("panes %q and %q: want the slices read in p2's only", t0, t2)
	}
	if !strings.Contains(t1, "log reset: reading from offset 0") || strings.Contains(t0, "log reset") {
		t.Errorf("panes %q and %q: want the reset in p1's only", t0, t1)
	}
	if strings.Contains(m.View(), "re-delivered") {
		t.Errorf("history counted as re-delivered:\n%s", m.View())
	}
	m = update(m, HistoryMsg{Partition: 0, Read: 10_000_000, Total: 10_000_000, Done: true}, FrameMsg{})
	if t0 := paneAll(m.View(), 0); strings.Contains(t0, "reading history") {
		t.Errorf("pane %q still says reading once the history is read", t0)
	}
}
