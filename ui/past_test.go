package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// rangeCall is one call of Options.ReadRange.
type rangeCall struct {
	id       int
	from, to time.Time
}

// travelModel returns a dashboard that can show the past, recording the
// ranges it asks for; its @ reads "-Nm" only.
func travelModel(c *clock, calls *[]rangeCall) Model {
	opts := testOptions(c)
	opts.ReadRange = func(id int, from, to time.Time) { *calls = append(*calls, rangeCall{id, from, to}) }
	opts.ParseTime = func(s string, now time.Time) (time.Time, error) {
		var m int
		if _, err := fmt.Sscanf(s, "-%dm", &m); err != nil || !strings.HasSuffix(s, "m") {
			return time.Time{}, fmt.Errorf("parse time %q: want -Nm", s)
		}
		return now.Add(-time.Duration(m) * time.Minute), nil
	}
	return update(New(opts), PartitionsMsg{Count: 2}, tea.WindowSizeMsg{Width: 160, Height: 40})
}

// press feeds keys to m and runs the commands they return.
func press(m Model, keys ...string) Model {
	for _, k := range keys {
		nm, cmd := m.Update(keyMsg(k))
		m = nm.(Model)
		if cmd != nil {
			cmd()
		}
	}
	return m
}

// TestTimeTravelKeys: ← and → pan by half a window, shift by a whole one,
// [ and ] zoom around the same end, @ asks for a time, end goes back to
// live; each view of the past asks for its range, and a time not before
// now is live.
func TestTimeTravelKeys(t *testing.T) {
	const w = 2 * time.Minute
	tests := []struct {
		name   string
		keys   []string
		live   bool
		ends   []time.Duration // before now, of each range asked for
		window time.Duration
		footer string // on the help line
	}{
		{name: "left: half a window back", keys: []string{"left"}, ends: []time.Duration{w / 2}, window: w},
		{name: "shift+left: a window back", keys: []string{"shift+left"}, ends: []time.Duration{w}, window: w},
		{name: "left twice then right", keys: []string{"left", "left", "right"}, ends: []time.Duration{w / 2, w, w / 2}, window: w},
		{name: "right from live stays live", keys: []string{"right", "shift+right"}, live: true, window: w},
		{name: "back to now is live", keys: []string{"left", "right"}, live: true, ends: []time.Duration{w / 2}, window: w},
		{name: "end is live", keys: []string{"shift+left", "end"}, live: true, ends: []time.Duration{w}, window: w},
		{name: "] in the past reads the longer window", keys: []string{"left", "]"}, ends: []time.Duration{w / 2, w / 2}, window: 5 * time.Minute},
		{name: "@ -85m enter", keys: []string{"@", "-85m", "enter"}, ends: []time.Duration{85 * time.Minute}, window: w},
		{name: "@ typed with the time", keys: []string{"@-85m", "enter"}, ends: []time.Duration{85 * time.Minute}, window: w},
		{name: "@ a bad time says why", keys: []string{"@", "yesterday", "enter"}, live: true, window: w, footer: `parse time "yesterday"`},
		{name: "@ backspace", keys: []string{"@", "-85mx", "backspace", "enter"}, ends: []time.Duration{85 * time.Minute}, window: w},
		{name: "@ esc", keys: []string{"@", "-85m", "esc"}, live: true, window: w},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			var calls []rangeCall
			m := press(travelModel(c, &calls), tt.keys...)
			if live := m.past == nil; live != tt.live {
				t.Fatalf("live %v, want %v", live, tt.live)
			}
			if m.window != tt.window {
				t.Errorf("window %v, want %v", m.window, tt.window)
			}
			if len(calls) != len(tt.ends) {
				t.Fatalf("ranges asked for %v, want %d", calls, len(tt.ends))
			}
			for i, call := range calls {
				wantTo := c.Now().Add(-tt.ends[i])
				if !call.to.Equal(wantTo) || call.id != i+1 {
					t.Errorf("range %d: id %d to %v, want id %d to %v", i, call.id, call.to, i+1, wantTo)
				}
			}
			if last := len(calls) - 1; last >= 0 && calls[last].to.Sub(calls[last].from) != tt.window {
				t.Errorf("last range spans %v, want the window %v", calls[last].to.Sub(calls[last].from), tt.window)
			}
			lines := strings.Split(m.View(), "\n")
			if footer := lines[len(lines)-1]; !strings.Contains(footer, tt.footer) {
				t.Errorf("help line %q, want %q", footer, tt.footer)
			}
		})
	}
}

// TestPastView: the header says the range and how long ago, the panes draw
// every partition from what the range read, and an empty range or one
// whose start is gone says so; reports of an older request are ignored.
func TestPastView(t *testing.T) {
	c := newClock()
	var calls []rangeCall
	m := press(travelModel(c, &calls), "@", "-85m", "enter")
	end := c.Now().Add(-85 * time.Minute)
	block := sensorEvents(8, 2, 60, end.Add(-90*time.Second), time.Second)
	for i := range block {
		block[i].Value = 1000
	}
	m = update(m,
		RangeMsg{ID: 1, Partitions: 2, Total: 480},
		RangeMsg{ID: 1, Events: block, Read: 480, Total: 480},
		RangeMsg{ID: 7, Events: sensorEvents(8, 2, 60, end.Add(-time.Minute), time.Second), Read: 1, Total: 480}, // stale
		FrameMsg{},
	)
	view := m.View()
	header := strings.Split(view, "\n")[0]
	for _, want := range []string{"22:33:00–22:35:00", "1h 25m ago", "reading 480 of 480", "end: live"} {
		if !strings.Contains(header, want) {
			t.Errorf("header %q lacks %q", header, want)
		}
	}
	for p := range 2 {
		pane := paneAll(view, p)
		if !strings.Contains(pane, "1000") || strings.Contains(pane, "owned by") {
			t.Errorf("p%d draws %q, want the block at 1000 read for every partition", p, pane)
		}
	}
	m = update(m, RangeMsg{ID: 1, Read: 480, Total: 480, Done: true}, FrameMsg{})
	if header := strings.Split(m.View(), "\n")[0]; strings.Contains(header, "reading") {
		t.Errorf("header %q still reading", header)
	}

	tests := []struct {
		name string
		msg  RangeMsg
		want string
	}{
		{name: "no records", msg: RangeMsg{ID: 2, Partitions: 2, Done: true}, want: "no records in this range"},
		{name: "gone", msg: RangeMsg{ID: 2, Partitions: 2, Done: true, GoneBefore: c.Now().Add(-10 * time.Minute)}, want: "gone (retention)"},
		{name: "read in slices", msg: RangeMsg{ID: 2, Partitions: 2, Total: 10, Read: 10, Done: true, Slices: "1 minute in 12"}, want: "read 1 minute in 12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := press(m, "shift+left")
			m = update(m, tt.msg, FrameMsg{})
			if !strings.Contains(m.View(), tt.want) {
				t.Errorf("view lacks %q:\n%s", tt.want, m.View())
			}
		})
	}
}

// TestOpenAt: Options.At opens the dashboard on the window ending there.
func TestOpenAt(t *testing.T) {
	c := newClock()
	var calls []rangeCall
	opts := testOptions(c)
	opts.ReadRange = func(id int, from, to time.Time) { calls = append(calls, rangeCall{id, from, to}) }
	opts.At = c.Now().Add(-85 * time.Minute)
	m := New(opts)
	var run func(tea.Cmd)
	run = func(cmd tea.Cmd) {
		if cmd == nil {
			return
		}
		if b, ok := cmd().(tea.BatchMsg); ok {
			for _, c := range b {
				if _, tick := c().(tickMsg); !tick {
					run(c)
				}
			}
		}
	}
	run(m.Init())
	if m.past == nil || len(calls) != 1 || !calls[0].to.Equal(opts.At) || calls[0].to.Sub(calls[0].from) != DefaultWindow {
		t.Fatalf("ranges %v, past %v; want one ending at %v", calls, m.past != nil, opts.At)
	}
}

// TestLastRecordAgo: a live pane whose newest record is older than the
// window says when it was and draws the window up to now.
func TestLastRecordAgo(t *testing.T) {
	c := newClock()
	m := update(New(testOptions(c)), PartitionsMsg{Count: 1}, tea.WindowSizeMsg{Width: 120, Height: 30},
		EventsMsg{Events: sensorEvents(4, 1, 30, c.Now().Add(-30*time.Second), time.Second)})
	c.Advance(62 * time.Minute)
	m = update(m, FrameMsg{})
	if pane := paneAll(m.View(), 0); !strings.Contains(pane, "last record 1h 2m ago") {
		t.Errorf("pane %q, want it to say when its last record was", pane)
	}
}
