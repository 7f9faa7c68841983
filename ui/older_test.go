package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// TestLiveZoomOutReadsOlder: live, ] to a window longer than the panes
// hold (the consumer's history) asks for the older records of that window,
// overlapping what is held by a tenth of the window; they are drawn in the
// panes this instance owns, each saying how far the reading got, then not;
// [ reads nothing, and what the panes held before [ shortened the window
// (they keep a tenth more than it) is read again; a window ] made longer
// in a view of the past is read back live.
func TestLiveZoomOutReadsOlder(t *testing.T) {
	const held = 2 * time.Minute
	tests := []struct {
		name     string
		history  time.Duration
		keys     []string
		window   time.Duration
		wantFrom []time.Duration // before now, of each range asked for
		wantTo   []time.Duration
	}{
		{name: "] past the history", history: held, keys: []string{"]"}, window: 5 * time.Minute,
			wantFrom: []time.Duration{5 * time.Minute}, wantTo: []time.Duration{held - 30*time.Second}},
		{name: "] twice, the first read cut short", history: held, keys: []string{"]", "]"}, window: 15 * time.Minute,
			wantFrom: []time.Duration{5 * time.Minute, 15 * time.Minute}, wantTo: []time.Duration{held - 30*time.Second, held - time.Minute}},
		{name: "[ reads nothing", history: held, keys: []string{"["}, window: time.Minute},
		{name: "[ then ] reads what [ let go", history: 10 * time.Minute, keys: []string{"[", "]"}, window: held,
			wantFrom: []time.Duration{held}, wantTo: []time.Duration{66*time.Second - 12*time.Second}},
		{name: "[ then ] twice", history: 10 * time.Minute, keys: []string{"[", "]", "]"}, window: 5 * time.Minute,
			wantFrom: []time.Duration{held, 5 * time.Minute}, wantTo: []time.Duration{66*time.Second - 12*time.Second, 66*time.Second - 30*time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			var calls []rangeCall
			opts := testOptions(c)
			opts.Window, opts.History = held, tt.history
			opts.ReadRange = func(id int, from, to time.Time) { calls = append(calls, rangeCall{id, from, to}) }
			m := update(New(opts), PartitionsMsg{Count: 2}, tea.WindowSizeMsg{Width: 160, Height: 40})
			m = press(m, tt.keys...)
			if m.window != tt.window || m.past != nil {
				t.Fatalf("window %v, live %v; want %v live", m.window, m.past == nil, tt.window)
			}
			if len(calls) != len(tt.wantFrom) {
				t.Fatalf("ranges asked for %v, want %d", calls, len(tt.wantFrom))
			}
			for i, call := range calls {
				from, to := c.Now().Add(-tt.wantFrom[i]), c.Now().Add(-tt.wantTo[i])
				if !call.from.Equal(from) || !call.to.Equal(to) {
					t.Errorf("range %d: [%v, %v), want [%v, %v)", i, call.from, call.to, from, to)
				}
			}
		})
	}

	t.Run("a window grown in the past is read back live", func(t *testing.T) {
		c := newClock()
		var calls []rangeCall
		opts := testOptions(c)
		opts.Window, opts.History = held, held
		opts.ReadRange = func(id int, from, to time.Time) { calls = append(calls, rangeCall{id, from, to}) }
		m := update(New(opts), PartitionsMsg{Count: 2}, tea.WindowSizeMsg{Width: 160, Height: 40})
		m = press(m, "left", "]", "end")
		if m.past != nil || len(calls) != 3 {
			t.Fatalf("live %v, ranges %v; want live and 3 ranges (two of the past, then the older records)", m.past == nil, calls)
		}
		from, to := c.Now().Add(-5*time.Minute), c.Now().Add(-held+30*time.Second)
		if last := calls[2]; !last.from.Equal(from) || !last.to.Equal(to) {
			t.Errorf("back live: range [%v, %v), want [%v, %v)", last.from, last.to, from, to)
		}
	})

	t.Run("drawn in the owned panes with their progress", func(t *testing.T) {
		c := newClock()
		var calls []rangeCall
		opts := testOptions(c)
		opts.Window, opts.History = held, held
		opts.ReadRange = func(id int, from, to time.Time) { calls = append(calls, rangeCall{id, from, to}) }
		m := update(New(opts), PartitionsMsg{Count: 2}, tea.WindowSizeMsg{Width: 160, Height: 40},
			GroupMsg{Generation: 1, MemberID: "a", Owned: []int{0}, Members: []Member{{MemberID: "a", ClientID: "kafkaplot", Partitions: []int{0}}, {MemberID: "b", ClientID: "kafkaplot-2", Partitions: []int{1}}}},
			EventsMsg{Events: sensorEvents(8, 2, 30, c.Now().Add(-time.Minute), time.Second)})
		m = press(m, "]")
		older := sensorEvents(8, 2, 60, c.Now().Add(-4*time.Minute), time.Second)
		for i := range older {
			older[i].Value = 777
		}
		m = update(m, RangeMsg{ID: calls[0].id, Partitions: 2, Total: 960}, RangeMsg{ID: calls[0].id, Events: older, Read: 480, Total: 960}, FrameMsg{})
		p0, p1 := paneAll(m.View(), 0), paneAll(m.View(), 1)
		if !strings.Contains(p0, "777") || !strings.Contains(p0, "reading history 480 of 960") {
			t.Errorf("p0 (owned) draws %q, want the older records at 777 and the reading's progress", p0)
		}
		if strings.Contains(p1, "777") {
			t.Errorf("p1 (not owned) draws %q, want none of the older records", p1)
		}
		m = update(m, RangeMsg{ID: calls[0].id, Read: 960, Total: 960, Done: true}, FrameMsg{})
		if p0 := paneAll(m.View(), 0); strings.Contains(p0, "reading") || !strings.Contains(p0, "777") {
			t.Errorf("p0 draws %q once read, want the older records and no progress", p0)
		}
		if m.st.Dups != 0 {
			t.Errorf("%d re-delivered, want none", m.st.Dups)
		}
	})
}
