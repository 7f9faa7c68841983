package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// takeover is a dashboard that owned p0 and p1, gave p1 to a librdkafka
// member in generation 5, saw it stall (its lag growing, nothing
// committed) and took p1 back in generation 6 when the member's session
// ended; its timeline.
func takeover(c *clock) Model {
	me := Member{ClientID: "kafkaplot", MemberID: "kafkaplot-1", Host: "/10.0.0.1"}
	rd := Member{ClientID: "rdkafka", MemberID: "rdkafka-7f3e", Host: "/172.18.0.5"}
	with := func(m Member, ps ...int) Member { m.Partitions = ps; return m }
	m := New(testOptions(c))
	m = update(m, PartitionsMsg{Count: 2}, tea.WindowSizeMsg{Width: 80, Height: 24},
		GroupMsg{Generation: 4, MemberID: me.MemberID, Assignor: "range", Owned: []int{0, 1}, Members: []Member{with(me, 0, 1)}})
	offsets := func(c1, high int64, stalledSince time.Time) OffsetsMsg {
		return OffsetsMsg{Stats: []PartitionStat{{Partition: 0, Committed: high, High: high, BehindKnown: true},
			{Partition: 1, Committed: c1, High: high, BehindKnown: true, NoCommitSince: stalledSince}}}
	}
	var frozenAt time.Time
	high, c1 := int64(100), int64(100)
	for s := 1; s <= 110; s++ {
		c.Advance(time.Second)
		high += 4
		switch {
		case s == 20:
			m = update(m, GroupMsg{Generation: 5, MemberID: me.MemberID, Assignor: "range", Owned: []int{0}, Members: []Member{with(me), with(rd)}})
		case s == 21:
			m = update(m, GroupMsg{Generation: 5, MemberID: me.MemberID, Assignor: "range", Owned: []int{0}, Members: []Member{with(me, 0), with(rd, 1)}})
		case s == 75:
			m = update(m, GroupMsg{Generation: 6, MemberID: me.MemberID, Assignor: "range", Owned: []int{0, 1}, Members: []Member{with(me, 0, 1)}})
		}
		if s < 45 || s >= 75 { // rdkafka frozen from 45s until its session ends
			c1 = high
		}
		if s == 45 {
			frozenAt = c.Now()
		}
		var stalled time.Time
		if s >= 51 && s < 75 {
			stalled = frozenAt
		}
		m = update(m, offsets(c1, high, stalled))
	}
	return m
}

// TestTimelineGolden keeps the group timeline (G) at 80×24 and 200×50 in
// testdata/TestTimelineGolden (refresh with go test -run TestTimelineGolden
// -update): a row per partition naming its owners over time, the
// generations marked, the lag band where there is room; G returns to the
// panes.
func TestTimelineGolden(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"200x50", 200, 50}} {
		t.Run(size.name, func(t *testing.T) {
			c := newClock()
			m := update(takeover(c), tea.WindowSizeMsg{Width: size.w, Height: size.h}, keyMsg("G"), FrameMsg{})
			view := m.View()
			checkFrame(t, view, size.w, size.h)
			plain := ansi.Strip(view)
			for _, want := range []string{"group timeline of kafkaplot", "p0", "p1", "here (kafkaplot)", "rdkafka", "stalled", "g5", "g6"} {
				if !strings.Contains(plain, want) {
					t.Errorf("timeline lacks %q:\n%s", want, plain)
				}
			}
			golden.RequireEqual(t, []byte(view+"\n"))
			back := update(m, keyMsg("G"), FrameMsg{}).View()
			if strings.Contains(ansi.Strip(back), "group timeline") || !strings.Contains(ansi.Strip(back), "[p1]") {
				t.Errorf("G again does not return to the panes:\n%s", ansi.Strip(back))
			}
		})
	}
}

// TestGenerationMarks: each generation this instance saw is marked under
// every pane's time axis at its moment (g4, g5), in the live view and in a
// view of the past, which shows those of its own range only.
func TestGenerationMarks(t *testing.T) {
	c := newClock()
	var calls []rangeCall
	me := Member{ClientID: "kafkaplot", MemberID: "kafkaplot-1"}
	rd := Member{ClientID: "rdkafka", MemberID: "rdkafka-7f3e"}
	with := func(m Member, ps ...int) Member { m.Partitions = ps; return m }
	start := c.Now()
	m := update(travelModel(c, &calls), GroupMsg{Generation: 4, MemberID: me.MemberID, Owned: []int{0, 1}, Members: []Member{with(me, 0, 1)}})
	c.Advance(70 * time.Second)
	m = update(m, GroupMsg{Generation: 5, MemberID: me.MemberID, Owned: []int{0}, Members: []Member{with(me, 0), with(rd, 1)}})
	c.Advance(50 * time.Second)
	m = update(m, EventsMsg{Events: sensorEvents(8, 2, 240, start, 500*time.Millisecond)}, FrameMsg{})
	marked := func(view string, gen string) int {
		n := 0
		for _, l := range strings.Split(ansi.Strip(view), "\n") {
			for _, f := range strings.Fields(strings.Trim(l, "│┆ ")) {
				if f == gen {
					n++
				}
			}
		}
		return n
	}
	live := m.View()
	if g4, g5 := marked(live, "g4"), marked(live, "g5"); g4 != 2 || g5 != 2 {
		t.Errorf("live: g4 under %d axes, g5 under %d, want 2 each:\n%s", g4, g5, ansi.Strip(live))
	}
	// A window back: [now−3m, now−1m] holds g4 (at now−2m) but not g5 (at
	// now−50s).
	m = press(m, "shift+left")
	if len(calls) != 1 {
		t.Fatalf("%d ranges asked for", len(calls))
	}
	m = update(m, RangeMsg{ID: calls[0].id, Partitions: 2, Events: sensorEvents(8, 2, 240, calls[0].from, 500*time.Millisecond), Read: 1920, Total: 1920, Done: true}, FrameMsg{})
	past := m.View()
	if g4, g5 := marked(past, "g4"), marked(past, "g5"); g4 != 2 || g5 != 0 {
		t.Errorf("past: g4 under %d axes, g5 under %d, want 2 and 0:\n%s", g4, g5, ansi.Strip(past))
	}
	// G in the past: the timeline of the same window.
	timeline := ansi.Strip(update(m, keyMsg("G"), FrameMsg{}).View())
	if !strings.Contains(timeline, "group timeline") || !strings.Contains(timeline, "g4") || strings.Contains(timeline, "g5") {
		t.Errorf("G in the past view shows another window:\n%s", timeline)
	}
}
