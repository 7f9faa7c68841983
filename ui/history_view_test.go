package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/kafkaplot/kafkaplot/ui/chart"
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

// TestHeaderSaysLinesNotDrawn: events of lines past chart.MaxLines (a
// series key unique per record) are counted in the header with the flag
// that fixes it.
func TestHeaderSaysLinesNotDrawn(t *testing.T) {
	c := &clock{now: testStart()}
	var evs []Event
	for i := range chart.MaxLines + 3 {
		evs = append(evs, Event{Partition: 0, Offset: int64(i), Series: fmt.Sprintf("click%d", i), Time: testStart(), Value: 1})
	}
	m := update(New(testOptions(c)), tea.WindowSizeMsg{Width: 200, Height: 40}, PartitionsMsg{Count: 1}, EventsMsg{Events: evs}, FrameMsg{})
	if want := "lines past 1,024 not drawn 3 (choose --series)"; !strings.Contains(m.View(), want) {
		t.Errorf("header lacks %q:\n%s", want, m.View())
	}
}
