package ui

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// baseModel returns a 200×50 dashboard of two partitions, eight sensors with
// two minutes of data each (four per partition), owned by this instance in
// generation 1, rendered.
func baseModel(c *clock) Model {
	m := New(testOptions(c))
	return update(m,
		PartitionsMsg{Count: 2},
		EventsMsg{Events: sensorEvents(8, 2, 240, testStart(), 500*time.Millisecond)},
		twoMembers(1, 0, 1),
		OffsetsMsg{Stats: []PartitionStat{{Partition: 0, Committed: 900, High: 960}, {Partition: 1, Committed: -1, High: 960}}},
		tea.WindowSizeMsg{Width: 200, Height: 50},
		FrameMsg{},
	)
}

// newClock returns a clock at the end of baseModel's data.
func newClock() *clock { return &clock{now: testStart().Add(2 * time.Minute)} }

func TestDashboardGolden(t *testing.T) {
	tests := []struct {
		name    string
		build   func(c *clock) Model
		contain []string
	}{
		{
			name:  "two partitions",
			build: baseModel,
			contain: []string{
				"gen 1 · owns [0,1] · members 2", "temperature [p0]", "temperature [p1]",
				"committed 900 · lag 60", "committed none · lag 960", "23:59:00", "sensor7",
			},
		},
		{
			name: "rebalance",
			build: func(c *clock) Model {
				m := baseModel(c)
				m = update(m, twoMembers(2, 1))
				c.Advance(400 * time.Millisecond)
				return update(m, FrameMsg{})
			},
			contain: []string{"gen 2 · owns [1] · members 2", "owned by kafkaplot-2", "gen 2: p0 → kafkaplot-2, 0.4s ago", "kafkaplot-2 10.0.0.2 [0]"},
		},
		{
			name:    "resize to 40x12",
			build:   func(c *clock) Model { return update(baseModel(c), tea.WindowSizeMsg{Width: 40, Height: 12}) },
			contain: []string{"p0 · lag 60 ━", "p1 · lag 960 ─", "–"},
		},
		{
			name:    "zoom",
			build:   func(c *clock) Model { return update(baseModel(c), keyMsg("tab"), keyMsg("enter")) },
			contain: []string{"p1 zoomed", "temperature [p1]"},
		},
		{
			name:    "help",
			build:   func(c *clock) Model { return update(baseModel(c), keyMsg("?")) },
			contain: []string{"kafkaplot keys", "generator on/off", "shorter window", "zoom"},
		},
		{
			name: "paused",
			build: func(c *clock) Model {
				m := update(baseModel(c), keyMsg(" "))
				m = update(m, EventsMsg{Events: sensorEvents(8, 2, 20, testStart().Add(2*time.Minute), 500*time.Millisecond)})
				c.Advance(10 * time.Second)
				return update(m, FrameMsg{})
			},
			contain: []string{"PAUSED", "events 2,080"},
		},
		{
			name:    "window 30s",
			build:   func(c *clock) Model { return update(baseModel(c), keyMsg("["), keyMsg("[")) },
			contain: []string{"window 30s", "23:59:40"},
		},
		{
			name: "joining with errors and status",
			build: func(c *clock) Model {
				m := New(testOptions(c))
				return update(m,
					EventsMsg{
						Events: append(sensorEvents(4, 1, 100, testStart().Add(time.Minute), time.Second),
							Event{Partition: 0, Offset: 1 << 50, Series: "sensor0", Time: testStart().Add(time.Minute), Value: math.NaN()}),
						Errors: []DecodeError{{Partition: 0, Offset: 17, Err: "bad magic byte 7"}},
					},
					StatusMsg{Text: "reconnecting…"},
					ErrorMsg{Err: errors.New("fetch offsets: broker unavailable")},
					GeneratorMsg{On: true, Rate: 5, Step: 1234},
					tea.WindowSizeMsg{Width: 160, Height: 30},
				)
			},
			contain: []string{
				"joining group kafkaplot…", "decode errors 1 (p0@17: bad magic byte 7)", "NaN/Inf 1",
				"◌ reconnecting…", "error: fetch offsets: broker unavailable", "generator on 5/s step 1,234",
			},
		},
		{
			name: "many series reuse colours",
			build: func(c *clock) Model {
				m := New(testOptions(c))
				return update(m,
					EventsMsg{Events: sensorEvents(30, 1, 60, testStart().Add(time.Minute), time.Second)},
					tea.WindowSizeMsg{Width: 120, Height: 30},
				)
			},
			contain: []string{"◆ sensor10", "▲ sensor20", "more"},
		},
		{
			name: "thousand series",
			build: func(c *clock) Model {
				m := New(testOptions(c))
				return update(m,
					EventsMsg{Events: sensorEvents(1000, 1, 10, testStart().Add(time.Minute), 6*time.Second)},
					tea.WindowSizeMsg{Width: 120, Height: 30},
				)
			},
			contain: []string{"24 of 1000 series drawn", "+978 more"},
		},
		{
			name: "sixty-four partitions",
			build: func(c *clock) Model {
				m := New(testOptions(c))
				return update(m,
					PartitionsMsg{Count: 64},
					EventsMsg{Events: sensorEvents(64, 64, 60, testStart().Add(time.Minute), time.Second)},
					twoMembersN(1, 64),
					tea.WindowSizeMsg{Width: 200, Height: 50},
				)
			},
			contain: []string{"p62 · 60.0/s", "p63 · owned by kafk", "gen 1 · owns [0,2,4,6"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.build(newClock())
			view := m.View()
			checkFrame(t, view, m.width, m.height)
			for _, s := range tt.contain {
				if !strings.Contains(view, s) {
					t.Errorf("frame lacks %q", s)
				}
			}
			golden.RequireEqual(t, []byte(view+"\n"))
		})
	}
}

// checkFrame checks that a frame fills the terminal exactly.
func checkFrame(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("frame has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw != w {
			t.Errorf("line %d is %d wide, want %d: %q", i, lw, w, l)
			return
		}
	}
}

func TestResizeAndBack(t *testing.T) {
	c := newClock()
	m := baseModel(c)
	before := m.View()
	m = update(m, tea.WindowSizeMsg{Width: 40, Height: 12})
	small := m.View()
	checkFrame(t, small, 40, 12)
	m = update(m, tea.WindowSizeMsg{Width: 200, Height: 50})
	if after := m.View(); after != before {
		t.Errorf("frame after resizing back differs:\n%s\nwant:\n%s", after, before)
	}
}

func TestTooSmall(t *testing.T) {
	// The size needed comes first and is never cut; the words wrap.
	tests := []struct {
		name string
		w, h int
		want string
	}{
		{name: "20x5", w: 20, h: 5, want: "need 40×10, have\n20×5: terminal too\nsmall"},
		{name: "wide but low", w: 80, h: 9, want: "need 40×10, have 80×9: terminal too small"},
		{name: "narrow but tall", w: 39, h: 40, want: "need 40×10, have 39×40: terminal too\nsmall"},
		{name: "12x2", w: 12, h: 2, want: "need 40×10,\nhave 12×2:"},
		{name: "1x1", w: 1, h: 1, want: "need"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := update(baseModel(newClock()), tea.WindowSizeMsg{Width: tt.w, Height: tt.h})
			if got := m.View(); got != tt.want {
				t.Errorf("view = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSizesDoNotPanic renders every state at odd sizes.
func TestSizesDoNotPanic(t *testing.T) {
	states := map[string]func(c *clock) Model{
		"empty": func(c *clock) Model { return New(testOptions(c)) },
		"data":  baseModel,
		"zoom":  func(c *clock) Model { return update(baseModel(c), keyMsg("enter")) },
		"help":  func(c *clock) Model { return update(baseModel(c), keyMsg("?")) },
		"64 partitions": func(c *clock) Model {
			return update(New(testOptions(c)), PartitionsMsg{Count: 64},
				EventsMsg{Events: sensorEvents(64, 64, 10, testStart(), time.Second)})
		},
		"1000 series": func(c *clock) Model {
			return update(New(testOptions(c)), EventsMsg{Events: sensorEvents(1000, 1, 3, testStart(), time.Second)})
		},
	}
	sizes := [][2]int{{0, 0}, {1, 1}, {2, 2}, {39, 10}, {40, 10}, {41, 11}, {43, 15}, {60, 10}, {80, 24}, {500, 200}}
	for name, build := range states {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s %dx%d", name, sz[0], sz[1]), func(t *testing.T) {
				m := update(build(newClock()), tea.WindowSizeMsg{Width: sz[0], Height: sz[1]}, FrameMsg{})
				view := m.View()
				if sz[0] >= minWidth && sz[1] >= minHeight {
					checkFrame(t, view, sz[0], sz[1])
				} else if sz[0] > 0 && (!strings.HasPrefix(view, "need") || strings.Count(view, "\n") >= max(sz[1], 1)) {
					t.Errorf("too-small view %q is not the notice in at most %d lines", view, sz[1])
				}
			})
		}
	}
}

// TestRenderOnlyOnFrames checks that data messages do not render: the frame
// changes only on a frame tick.
func TestRenderOnlyOnFrames(t *testing.T) {
	c := newClock()
	m := baseModel(c)
	before := m.View()
	m = update(m, EventsMsg{Events: sensorEvents(8, 2, 10, testStart().Add(2*time.Minute), 500*time.Millisecond)},
		OffsetsMsg{Stats: []PartitionStat{{Partition: 0, Committed: 960, High: 980}}},
		GroupMsg{Generation: 2, MemberID: "kafkaplot-1-abc", Owned: []int{0, 1}})
	if m.View() != before {
		t.Fatal("view changed before a frame tick")
	}
	if !m.dirty {
		t.Fatal("data messages did not mark the model dirty")
	}
	m = update(m, FrameMsg{})
	if m.View() == before {
		t.Fatal("view did not change on the frame tick")
	}
	if m.dirty {
		t.Error("model still dirty after rendering")
	}
	rendered := m.View()
	m = update(m, FrameMsg{})
	if m.View() != rendered {
		t.Error("a clean frame tick changed the view")
	}
}

func TestTicks(t *testing.T) {
	tests := []struct {
		name     string
		fps      int
		wantTick bool
	}{
		{name: "default fps ticks", fps: 0, wantTick: true},
		{name: "custom fps ticks", fps: 10, wantTick: true},
		{name: "caller-driven frames", fps: -1, wantTick: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions(newClock())
			opts.FPS = tt.fps
			m := New(opts)
			if got := m.Init() != nil; got != tt.wantTick {
				t.Errorf("Init returns a tick: %v, want %v", got, tt.wantTick)
			}
			_, cmd := m.Update(tickMsg{})
			if got := cmd != nil; got != tt.wantTick {
				t.Errorf("tick re-armed: %v, want %v", got, tt.wantTick)
			}
		})
	}
}

// TestCatchUpFrames checks that live events coming faster than
// catchUpRate slow the frames to catchUpFrame, and that frames go back to
// Options.FPS once they come slower.
func TestCatchUpFrames(t *testing.T) {
	c := newClock()
	m := New(testOptions(c))
	events := func(n int) EventsMsg {
		ev := make([]Event, n)
		for i := range ev {
			ev[i] = Event{Partition: 0, Offset: int64(i), Series: "s", Field: "v", Time: c.Now(), Value: 1}
		}
		return EventsMsg{Events: ev}
	}
	frame := time.Second / 30
	for _, step := range []struct {
		events int
		want   bool
	}{
		{0, false},
		{100_000, true}, // 3,000,000 a second
		{10_000, false}, // 300,000 a second: following the topic
		{100_000, true},
		{0, false},
	} {
		if step.events > 0 {
			m = update(m, events(step.events))
		}
		c.Advance(frame)
		m = update(m, tickMsg{seq: m.tickSeq})
		if m.catchingUp != step.want {
			t.Fatalf("%d events in a frame: catching up %v, want %v", step.events, m.catchingUp, step.want)
		}
	}
}

func TestKeys(t *testing.T) {
	type calls struct {
		gen  []bool
		rate []float64
	}
	tests := []struct {
		name      string
		keys      []string
		nilCB     bool
		confirm   bool // Options.ConfirmGenerator: a cluster not this instance's own
		check     func(t *testing.T, m Model)
		wantCalls calls
		wantQuit  bool
	}{
		{name: "g switches the generator in a command", keys: []string{"g"}, wantCalls: calls{gen: []bool{true}},
			check: func(t *testing.T, m Model) { wantTrue(t, "generator on", m.gen.on) }},
		// Commands run after all keys: each call applies the newest request.
		{name: "g twice", keys: []string{"g", "g"}, wantCalls: calls{gen: []bool{false, false}}},
		{name: "+ steps the rate up", keys: []string{"+"}, wantCalls: calls{rate: []float64{5}}},
		{name: "- steps the rate down", keys: []string{"-", "-", "-"}, wantCalls: calls{rate: []float64{0.5, 0.5}}},
		{name: "+ stops at the top", keys: []string{"+", "+", "+", "+", "+", "+", "+"}, wantCalls: calls{rate: []float64{100, 100, 100, 100, 100}}},
		{name: "callbacks missing: keys do nothing", keys: []string{"g", "+"}, nilCB: true,
			check: func(t *testing.T, m Model) { wantTrue(t, "generator still off", !m.gen.on) }},
		{name: "[ shortens the window", keys: []string{"["}, check: func(t *testing.T, m Model) { wantWindow(t, m, time.Minute) }},
		{name: "[ stops at 30s", keys: []string{"[", "[", "["}, check: func(t *testing.T, m Model) { wantWindow(t, m, 30*time.Second) }},
		{name: "] lengthens the window", keys: []string{"]", "]", "]"}, check: func(t *testing.T, m Model) { wantWindow(t, m, 30*time.Minute) }},
		{name: "] stops at 7 days", keys: []string{"]]]]]]]]]]]]]"}, check: func(t *testing.T, m Model) { wantWindow(t, m, 7*24*time.Hour) }},
		{name: "tab wraps", keys: []string{"tab", "tab"}, check: func(t *testing.T, m Model) { wantFocus(t, m, 0) }},
		{name: "shift+tab wraps back", keys: []string{"shift+tab"}, check: func(t *testing.T, m Model) { wantFocus(t, m, 1) }},
		{name: "down moves a row", keys: []string{"down"}, check: func(t *testing.T, m Model) { wantFocus(t, m, 1) }},
		{name: "up at the top stays", keys: []string{"up"}, check: func(t *testing.T, m Model) { wantFocus(t, m, 0) }},
		{name: "l stops at the last pane", keys: []string{"l", "l"}, check: func(t *testing.T, m Model) { wantFocus(t, m, 1) }},
		{name: "l and h", keys: []string{"l", "h"}, check: func(t *testing.T, m Model) { wantFocus(t, m, 0) }},
		{name: "without ReadRange the arrows do not pan", keys: []string{"left", "@"}, check: func(t *testing.T, m Model) { wantTrue(t, "live", m.past == nil && m.prompt == nil) }},
		{name: "enter zooms and back", keys: []string{"enter", "enter"}, check: func(t *testing.T, m Model) { wantTrue(t, "not zoomed", !m.zoom) }},
		{name: "space pauses", keys: []string{" "}, check: func(t *testing.T, m Model) { wantTrue(t, "paused", m.paused) }},
		{name: "? shows help", keys: []string{"?"}, check: func(t *testing.T, m Model) { wantTrue(t, "help shown", m.showHelp) }},
		{name: "runes read together are separate keys", keys: []string{"g++[["}, wantCalls: calls{gen: []bool{true}, rate: []float64{10, 10}},
			check: func(t *testing.T, m Model) { wantWindow(t, m, 30*time.Second) }},
		{name: "g on a cluster not its own asks first", keys: []string{"g"}, confirm: true,
			check: func(t *testing.T, m Model) {
				wantTrue(t, "generator still off, asking", !m.gen.on && m.asking)
				if line := m.renderHelpLine(200); !strings.Contains(line, "write synthetic sensor events into topic temperature on localhost:9092? y/N") {
					t.Errorf("help line %q does not ask", line)
				}
			}},
		{name: "g then y switches it on", keys: []string{"g", "y"}, confirm: true, wantCalls: calls{gen: []bool{true}},
			check: func(t *testing.T, m Model) { wantTrue(t, "generator on", m.gen.on && !m.asking) }},
		{name: "g then n leaves it off", keys: []string{"g", "n"}, confirm: true,
			check: func(t *testing.T, m Model) { wantTrue(t, "generator off, not asking", !m.gen.on && !m.asking) }},
		{name: "g then enter leaves it off", keys: []string{"g", "enter"}, confirm: true,
			check: func(t *testing.T, m Model) { wantTrue(t, "generator off, not zoomed", !m.gen.on && !m.zoom) }},
		{name: "g then q declines, does not quit", keys: []string{"g", "q"}, confirm: true,
			check: func(t *testing.T, m Model) { wantTrue(t, "generator off", !m.gen.on) }},
		{name: "gy read together", keys: []string{"gy"}, confirm: true, wantCalls: calls{gen: []bool{true}}},
		{name: "g switches it off without asking", keys: []string{"g", "y", "g"}, confirm: true, wantCalls: calls{gen: []bool{false, false}},
			check: func(t *testing.T, m Model) { wantTrue(t, "generator off", !m.gen.on && !m.asking) }},
		{name: "q quits", keys: []string{"q"}, wantQuit: true},
		{name: "ctrl+c quits", keys: []string{"ctrl+c"}, wantQuit: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got calls
			c := newClock()
			opts := testOptions(c)
			opts.SetGenerator = func(on bool) { got.gen = append(got.gen, on) }
			opts.SetRate = func(r float64) { got.rate = append(got.rate, r) }
			if tt.nilCB {
				opts.SetGenerator, opts.SetRate = nil, nil
			}
			opts.ConfirmGenerator = tt.confirm
			m := update(New(opts), PartitionsMsg{Count: 2}, tea.WindowSizeMsg{Width: 200, Height: 50})
			var cmds []tea.Cmd
			for _, k := range tt.keys {
				nm, cmd := m.Update(keyMsg(k))
				m = nm.(Model)
				cmds = append(cmds, cmd)
			}
			if len(got.gen)+len(got.rate) != 0 {
				t.Fatal("Update called a generator callback itself instead of returning a command")
			}
			quit := false
			var run func(cmds []tea.Cmd)
			run = func(cmds []tea.Cmd) {
				for _, cmd := range cmds {
					if cmd == nil {
						continue
					}
					switch msg := cmd().(type) {
					case tea.QuitMsg:
						quit = true
					case tea.BatchMsg:
						run(msg)
					}
				}
			}
			run(cmds)
			if quit != tt.wantQuit {
				t.Errorf("quit = %v, want %v", quit, tt.wantQuit)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.wantCalls) {
				t.Errorf("callbacks = %+v, want %+v", got, tt.wantCalls)
			}
			if tt.check != nil {
				tt.check(t, m)
			}
		})
	}
}

// TestGeneratorCommandsOutOfOrder checks that generator commands run in any
// order leave the generator at the last key's setting.
func TestGeneratorCommandsOutOfOrder(t *testing.T) {
	var rates []float64
	opts := testOptions(newClock())
	opts.SetRate = func(r float64) { rates = append(rates, r) }
	m := New(opts)
	var cmds []tea.Cmd
	for _, k := range []string{"+", "+", "-"} { // 2 → 5 → 10 → 5
		nm, cmd := m.Update(keyMsg(k))
		m = nm.(Model)
		cmds = append(cmds, cmd)
	}
	cmds[0]() // the first command applies the newest request
	if len(rates) != 1 || rates[0] != 5 {
		t.Fatalf("after the first command rates = %v, want [5]", rates)
	}
	cmds[2]()
	cmds[1]()
	if last := rates[len(rates)-1]; last != 5 || m.gen.rate != 5 {
		t.Errorf("last rate applied = %v (shown %v), want 5", last, m.gen.rate)
	}
}

func wantTrue(t *testing.T, what string, ok bool) {
	t.Helper()
	if !ok {
		t.Errorf("want %s", what)
	}
}

func wantWindow(t *testing.T, m Model, d time.Duration) {
	t.Helper()
	if m.window != d {
		t.Errorf("window = %v, want %v", m.window, d)
	}
}

func wantFocus(t *testing.T, m Model, p int) {
	t.Helper()
	if m.focus != p {
		t.Errorf("focus = %d, want %d", m.focus, p)
	}
}

// TestPauseFreezesPanes checks that while paused the panes keep their frame
// while ingest and the header go on, and that resuming shows the new data.
func TestPauseFreezesPanes(t *testing.T) {
	c := newClock()
	m := update(baseModel(c), keyMsg(" "))
	panes := func(v string) string {
		lines := strings.Split(v, "\n")
		return strings.Join(lines[3:len(lines)-1], "\n")
	}
	frozen := panes(m.View())
	m = update(m, EventsMsg{Events: sensorEvents(8, 2, 40, testStart().Add(2*time.Minute), 500*time.Millisecond)})
	c.Advance(2 * time.Second)
	m = update(m, FrameMsg{})
	if panes(m.View()) != frozen {
		t.Error("panes changed while paused")
	}
	if !strings.Contains(m.View(), "events 2,240") {
		t.Error("header did not count events ingested while paused")
	}
	m = update(m, keyMsg(" "))
	if panes(m.View()) == frozen {
		t.Error("panes did not change after resuming")
	}
	if strings.Contains(m.View(), "PAUSED") {
		t.Error("PAUSED shown after resuming")
	}
}

func TestEventsMsgNotRetained(t *testing.T) {
	c := newClock()
	events := sensorEvents(2, 1, 10, testStart(), time.Second)
	m := update(New(testOptions(c)), EventsMsg{Events: events}, tea.WindowSizeMsg{Width: 100, Height: 30})
	before := m.View()
	for i := range events {
		events[i].Value, events[i].Series, events[i].Partition = 1e9, "mutated", 5
	}
	m = update(m, FrameMsg{})
	if m.View() != before {
		t.Error("mutating the slice after Update changed the dashboard")
	}
}

// TestCooperativeRebalanceKeepsPaneDrawing follows a cooperative rebalance:
// this instance keeps p0 and hands p1 on in a second round. p0's pane is
// owned in every generation and draws the events that arrive meanwhile;
// p1's pane names its new owner.
func TestCooperativeRebalanceKeepsPaneDrawing(t *testing.T) {
	c := newClock()
	m := baseModel(c)
	me := Member{ClientID: "kafkaplot-1", MemberID: "kafkaplot-1-abc", Host: "/10.0.0.1"}
	other := Member{ClientID: "rdkafka", MemberID: "rdkafka-def", Host: "/10.0.0.2"}
	generation := func(gen int, mine, theirs []int) GroupMsg {
		a, b := me, other
		a.Partitions, b.Partitions = mine, theirs
		return GroupMsg{Generation: gen, MemberID: me.MemberID, Owned: mine, Members: []Member{a, b}}
	}
	p0 := func(from time.Time) EventsMsg {
		var evs []Event
		for _, e := range sensorEvents(8, 2, 4, from, 500*time.Millisecond) {
			if e.Partition == 0 {
				evs = append(evs, e)
			}
		}
		return EventsMsg{Events: evs}
	}
	start := m.st.PaneIfAny(0).Events
	steps := []struct {
		msgs []tea.Msg
		want string
	}{
		{msgs: []tea.Msg{generation(2, []int{0}, nil), p0(testStart().Add(2 * time.Minute))}, want: "gen 2: −p1"},
		{msgs: []tea.Msg{p0(testStart().Add(2*time.Minute + 2*time.Second)), generation(3, []int{0}, []int{1})}, want: "gen 3: p1 → rdkafka"},
	}
	drawn := start
	for i, step := range steps {
		m = update(m, append(step.msgs, FrameMsg{})...)
		view := ansi.Strip(m.View())
		if !strings.Contains(view, step.want) {
			t.Errorf("step %d: group bar lacks %q", i, step.want)
		}
		if owned, _, _ := m.st.OwnerOf(0); !owned {
			t.Errorf("step %d: p0 not owned through the rebalance", i)
		}
		if n := m.st.PaneIfAny(0).Events; n <= drawn {
			t.Errorf("step %d: p0 drew no new events (%d, had %d)", i, n, drawn)
		} else {
			drawn = n
		}
	}
	if owned, owner, _ := m.st.OwnerOf(1); owned || owner.ClientID != "rdkafka" {
		t.Errorf("p1: owned %v by %q, want rdkafka's", owned, owner.ClientID)
	}
}

// TestFirstFocusOwned: a dashboard starts focused on a pane it owns, unless
// the user moved the focus before the group's first report.
func TestFirstFocusOwned(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		want int
	}{
		{"owns p1 only: focus p1", nil, 1},
		{"moved first: focus stays", []string{"tab", "tab"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := update(New(testOptions(newClock())), PartitionsMsg{Count: 2}, tea.WindowSizeMsg{Width: 200, Height: 50})
			for _, k := range tt.keys {
				m = update(m, keyMsg(k))
			}
			m = update(m, twoMembers(1, 1))
			wantFocus(t, m, tt.want)
			m = update(m, twoMembers(2, 0))
			wantFocus(t, m, tt.want) // later generations leave the focus alone
		})
	}
	t.Run("owns nothing at first (cooperative join): focus the first owned", func(t *testing.T) {
		m := update(New(testOptions(newClock())), PartitionsMsg{Count: 2}, tea.WindowSizeMsg{Width: 200, Height: 50})
		m = update(m, twoMembers(1))
		wantFocus(t, m, 0)
		m = update(m, twoMembers(2, 1))
		wantFocus(t, m, 1)
		m = update(m, twoMembers(3, 0))
		wantFocus(t, m, 1)
	})
}

// TestSuspendOnClusterHostAsks: ctrl+z on the instance that runs the
// embedded cluster warns first; ctrl+z again suspends, any other key not.
func TestSuspendOnClusterHostAsks(t *testing.T) {
	ctrlZ := tea.KeyMsg{Type: tea.KeyCtrlZ}
	tests := []struct {
		name    string
		hosts   bool
		keys    []tea.KeyMsg
		suspend bool
	}{
		{"not the host: at once", false, []tea.KeyMsg{ctrlZ}, true},
		{"the host: warned only", true, []tea.KeyMsg{ctrlZ}, false},
		{"the host: ctrl+z twice", true, []tea.KeyMsg{ctrlZ, ctrlZ}, true},
		{"the host: another key goes on", true, []tea.KeyMsg{ctrlZ, keyMsg("q")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions(newClock())
			opts.HostsCluster = tt.hosts
			m := update(New(opts), PartitionsMsg{Count: 2}, tea.WindowSizeMsg{Width: 200, Height: 50})
			suspended, quit := false, false
			for i, k := range tt.keys {
				nm, cmd := m.Update(k)
				m = nm.(Model)
				if i == 0 && tt.hosts && !strings.Contains(m.renderHelpLine(200), "runs the embedded cluster") {
					t.Errorf("help line %q does not warn", m.renderHelpLine(200))
				}
				if cmd != nil {
					switch cmd().(type) {
					case tea.SuspendMsg:
						suspended = true
					case tea.QuitMsg:
						quit = true
					}
				}
			}
			if suspended != tt.suspend || quit {
				t.Errorf("suspended %v quit %v, want suspended %v and no quit", suspended, quit, tt.suspend)
			}
		})
	}
}
