package ui

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// TestColoursFollowNames checks that two models fed the same series in
// different orders (and batches) draw each series in the same colour, and
// draw identical frames.
func TestColoursFollowNames(t *testing.T) {
	events := sensorEvents(14, 2, 10, testStart(), 500*time.Millisecond)
	// The other model reads one series per batch, the last name first, each
	// batch shuffled.
	var batches [][]Event
	rng := rand.New(rand.NewPCG(1, 2))
	for sensor := 13; sensor >= 0; sensor-- {
		var b []Event
		for _, e := range events {
			if e.Series == fmt.Sprintf("sensor%d", sensor) {
				b = append(b, e)
			}
		}
		rng.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
		batches = append(batches, b)
	}
	offset := int64(0) // offsets in the order read, as a consumer sees them
	for i := range events {
		events[i].Offset = int64(i)
	}
	for _, b := range batches {
		for i := range b {
			b[i].Offset, offset = offset, offset+1
		}
	}
	build := func(batches ...[]Event) Model {
		c := &clock{now: testStart().Add(10 * time.Second)}
		o := testOptions(c)
		o.Styles = colorStyles()
		m := update(New(o), tea.WindowSizeMsg{Width: 200, Height: 50}, PartitionsMsg{Count: 2})
		for _, b := range batches {
			m = update(m, EventsMsg{Events: b})
		}
		return update(m, FrameMsg{})
	}
	a := build(events)
	b := build(batches...)
	colours := func(m Model) map[string]int {
		out := map[string]int{}
		for _, d := range m.st.Panes {
			for _, sr := range d.Order {
				out[fmt.Sprintf("p%d/%s", d.Partition, sr.Name)] = sr.Color
			}
		}
		return out
	}
	ca, cb := colours(a), colours(b)
	if len(ca) != 14 {
		t.Fatalf("%d series, want 14", len(ca))
	}
	for name, c := range ca {
		if cb[name] != c {
			t.Errorf("%s: colour %d in one model, %d in the other", name, c, cb[name])
		}
	}
	if a.View() != b.View() {
		la, lb := strings.Split(a.View(), "\n"), strings.Split(b.View(), "\n")
		for i := range la {
			if la[i] != lb[i] {
				t.Errorf("line %d differs:\n%q\n%q", i, la[i], lb[i])
			}
		}
	}
}

// TestPaletteAssign checks colours by name: a series keeps the colour its
// name hashes to unless an earlier name holds it; collisions take the next
// free colour, and only once all are taken does a colour repeat (with
// another marker).
func TestPaletteAssign(t *testing.T) {
	const colours = 10
	mk := func(names ...string) []*chart.Series {
		out := make([]*chart.Series, len(names))
		for i, n := range names {
			out[i] = chart.NewSeries(n, 1)
		}
		return out
	}
	var pl chart.Palette
	for _, n := range []int{1, 5, 10, 11, 25} {
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprintf("sensor%d", i)
		}
		order := mk(names...)
		pl.Assign(order, colours)
		seen := map[int]bool{}
		for i, sr := range order {
			if seen[sr.Color] {
				t.Errorf("%d series: colour %d given twice", n, sr.Color)
			}
			seen[sr.Color] = true
			if i < colours && sr.Color >= colours {
				t.Errorf("%d series: %s got a repeated colour %d while free ones remained", n, sr.Name, sr.Color)
			}
		}
		if first := order[0]; first.Color != int(chart.NameHash(first.Name)%colours) {
			t.Errorf("%s colour = %d, want its hash slot %d", first.Name, first.Color, chart.NameHash(first.Name)%colours)
		}
	}
	// A series alone in a pane, or beside others, keeps its hash colour when
	// no earlier name collides with it.
	alone := mk("sensor4")
	pl.Assign(alone, colours)
	if want := int(chart.NameHash("sensor4") % colours); alone[0].Color != want {
		t.Errorf("sensor4 alone: colour %d, want %d", alone[0].Color, want)
	}
}
