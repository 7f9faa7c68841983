package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// TestPaneInfoReadable checks that a pane says its log reset and how far
// its history is read in full: on a note line above the chart when the pane
// has room for it and three chart rows, else in short in its title, before
// the parts that are cut first.
func TestPaneInfoReadable(t *testing.T) {
	tests := []struct {
		name       string
		w, h       int
		partitions int
		inBody     bool
	}{
		{name: "80x24", w: 80, h: 24, partitions: 2, inBody: true},
		{name: "200x50", w: 200, h: 50, partitions: 2, inBody: true},
		{name: "40x12", w: 40, h: 12, partitions: 2, inBody: true},
		{name: "64 partitions at 80x24", w: 80, h: 24, partitions: 64, inBody: false},
	}
	type said struct{ full, short string }
	reset := said{"log reset: reading from offset 4096", "log r"}
	reading := said{"reading history 40 of 120", "readi"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &clock{now: testStart()}
			live := sensorEvents(4, 1, 20, testStart().Add(-20*time.Second), time.Second)
			for i := range live {
				live[i].Partition, live[i].Offset = 1, 4096+int64(i)
			}
			m := update(New(testOptions(c)),
				tea.WindowSizeMsg{Width: tt.w, Height: tt.h},
				PartitionsMsg{Count: tt.partitions},
				HistoryMsg{Partition: 0, Events: sensorEvents(4, 1, 40, testStart().Add(-time.Minute), time.Second), Read: 40, Total: 120},
				LogResetMsg{Partition: 1, From: 4096},
				EventsMsg{Events: live},
				FrameMsg{},
			)
			view := m.View()
			checkFrame(t, view, tt.w, tt.h)
			for p, want := range map[int]said{0: reading, 1: reset} {
				title, body := paneText(view, p)
				joined := strings.Join(strings.Fields(strings.Join(body, " ")), " ") // wrapped lines as one
				switch {
				case tt.inBody && !strings.Contains(joined, want.full):
					t.Errorf("p%d's body lacks %q:\n%s", p, want.full, joined)
				case tt.inBody && strings.Contains(title, want.short):
					t.Errorf("p%d's title %q repeats what its body says", p, title)
				case !tt.inBody && !strings.Contains(title, want.short):
					t.Errorf("p%d's title %q does not say %q when its body has no room", p, title, want.short)
				}
			}
		})
	}
}

// paneAll returns partition p's pane, title and body, as one string.
func paneAll(view string, p int) string {
	title, body := paneText(view, p)
	return title + "\n" + strings.Join(body, "\n")
}
