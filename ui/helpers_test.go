package ui

import (
	"fmt"
	"math"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// clock is a settable clock safe for use from a running program.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// testOptions returns options for a test dashboard on clock c.
func testOptions(c *clock) Options {
	return Options{
		Cluster:      "localhost:9092",
		Topic:        "temperature",
		Group:        "kafkaplot",
		Now:          c.Now,
		FPS:          -1,
		SetGenerator: func(bool) {},
		SetRate:      func(float64) {},
		Location:     time.UTC,
		Styles:       asciiStyles(),
	}
}

// update feeds msgs to m in order and returns the resulting model.
func update(m Model, msgs ...tea.Msg) Model {
	for _, msg := range msgs {
		nm, _ := m.Update(msg)
		m = nm.(Model)
	}
	return m
}

// key returns the key message for s ("enter", "tab", " ", "q", ...).
func keyMsg(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "shift+left":
		return tea.KeyMsg{Type: tea.KeyShiftLeft}
	case "shift+right":
		return tea.KeyMsg{Type: tea.KeyShiftRight}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case " ":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// sensorEvents returns n events per sensor, spaced by step from start, with
// sensors spread over partitions like the tutorial (sensor0-3 on p0, 4-7 on
// p1 when sensors is 8 and partitions 2): a deterministic mix of trend,
// seasonality and a sawtooth.
func sensorEvents(sensors, partitions, n int, start time.Time, step time.Duration) []Event {
	out := make([]Event, 0, sensors*n)
	perPart := max(sensors/partitions, 1)
	for i := 0; i < n; i++ {
		ts := start.Add(time.Duration(i) * step)
		for s := 0; s < sensors; s++ {
			v := 20 + float64(s) + 2*math.Sin(float64(i)/float64(15+s)+float64(s)) + float64(i%7)/10
			out = append(out, Event{
				Partition: min(s/perPart, partitions-1),
				Offset:    ts.UnixMilli()*int64(sensors) + int64(s), // one per record, increasing across batches like real offsets
				Series:    fmt.Sprintf("sensor%d", s),
				Time:      ts,
				Value:     v,
			})
		}
	}
	return out
}

// twoMembers is a group generation where this instance owns owned and
// "kafkaplot-2" owns the rest of partitions 0 and 1.
func twoMembers(gen int, owned ...int) GroupMsg {
	other := []int{}
	for _, p := range []int{0, 1} {
		mine := false
		for _, o := range owned {
			mine = mine || o == p
		}
		if !mine {
			other = append(other, p)
		}
	}
	return GroupMsg{
		Generation: gen,
		MemberID:   "kafkaplot-1-abc",
		Owned:      owned,
		Members: []Member{
			{ClientID: "kafkaplot-1", MemberID: "kafkaplot-1-abc", Host: "/10.0.0.1", Partitions: owned},
			{ClientID: "kafkaplot-2", MemberID: "kafkaplot-2-def", Host: "/10.0.0.2", Partitions: other},
		},
	}
}
