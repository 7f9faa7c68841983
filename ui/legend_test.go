package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

func TestFitMiddle(t *testing.T) {
	tests := []struct {
		s    string
		w    int
		want string
	}{
		{"sensor0", 10, "sensor0"},
		{"sensor0", 7, "sensor0"},
		{"sensor10", 6, "sen…10"},
		{"sensor0", 5, "se…r0"},
		{"a", 1, "a"},
		{"température", 7, "tem…ure"},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			got := fitMiddle(tt.s, tt.w)
			if got != tt.want || tt.w >= 3 && ansi.StringWidth(got) > tt.w {
				t.Errorf("fitMiddle(%q, %d) = %q, want %q", tt.s, tt.w, got, tt.want)
			}
		})
	}
}

// TestNarrowLegendKeepsNames checks that on an 80×24 terminal every sensor's
// full name stays in the legend (min and max give way first).
func TestNarrowLegendKeepsNames(t *testing.T) {
	c := &clock{now: testStart()}
	events := sensorEvents(8, 2, 60, testStart().Add(-time.Minute), time.Second)
	for i := range events {
		events[i].Value = -events[i].Value * 3 // wide values: "-123.4"
	}
	m := update(New(testOptions(c)), tea.WindowSizeMsg{Width: 80, Height: 24}, PartitionsMsg{Count: 2}, EventsMsg{Events: events}, FrameMsg{})
	view := m.View()
	for i := range 8 {
		name := "sensor" + string(rune('0'+i))
		if !strings.Contains(view, name) {
			t.Errorf("the legend lost %s at 80×24:\n%s", name, view)
		}
	}
}
