package ui

import (
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
)

// TestHelpOverlayListsEveryKey: the ? help lists every key that is enabled,
// f among them once records carry several fields (the footer offers it
// then, where its line is wide enough), at the smallest usual terminal too:
// its columns are packed into rows that fit, nothing is cut at the box's
// edge or bottom.
func TestHelpOverlayListsEveryKey(t *testing.T) {
	tests := []struct {
		name  string
		w, h  int
		build func(c *clock) Model
	}{
		{"80x24 every key", 80, 24, func(c *clock) Model {
			var calls []rangeCall
			return update(travelModel(c, &calls), fieldEvents())
		}},
		{"100x30 every key", 100, 30, func(c *clock) Model {
			var calls []rangeCall
			return update(travelModel(c, &calls), fieldEvents())
		}},
		{"80x24 several fields", 80, 24, mixedModel},
		{"200x50 one field", 200, 50, baseModel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := update(tt.build(newClock()), tea.WindowSizeMsg{Width: tt.w, Height: tt.h}, FrameMsg{})
			footer := m.View()
			m = update(m, keyMsg("?"), FrameMsg{})
			view := m.View()
			checkFrame(t, view, tt.w, tt.h)
			for _, col := range m.keys.FullHelp() {
				for _, b := range col {
					if b.Enabled() && !strings.Contains(view, b.Help().Desc) {
						t.Errorf("help lacks %q (%s)", b.Help().Desc, b.Help().Key)
					}
				}
			}
			// The footer is cut where the terminal is narrow; the help is not.
			fieldInFooter := strings.Contains(footer, "f field")
			fieldInHelp := regexp.MustCompile(`\bf +next field`).MatchString(view)
			if fieldInHelp != m.keys.Field.Enabled() || fieldInFooter && !fieldInHelp {
				t.Errorf("f enabled: %v, in the footer: %v, in the help: %v\n%s", m.keys.Field.Enabled(), fieldInFooter, fieldInHelp, view)
			}
			if !strings.Contains(view, "╰") {
				t.Errorf("the help's box is cut at the bottom:\n%s", view)
			}
			golden.RequireEqual(t, []byte(view+"\n"))
		})
	}
}

// fieldEvents is a record of two fields, so that f is offered.
func fieldEvents() EventsMsg {
	return EventsMsg{Events: []Event{
		{Offset: 0, Series: "sensor0", Field: "value", Time: testStart(), Value: 21},
		{Offset: 0, Series: "sensor0", Field: "humidity", Time: testStart(), Value: 40},
	}}
}
