package ui

import (
	"math"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
)

// mixedModel is a dashboard of a topic mixing the sensor schema v1, v2
// (with humidity) and JSON Schema sensor events, as main's bridge sends it.
func mixedModel(c *clock) Model {
	var events []Event
	start := testStart()
	for i := 0; i < 240; i++ {
		ts := start.Add(time.Duration(i) * 500 * time.Millisecond)
		for s := 0; s < 4; s++ {
			series := "sensor" + string(rune('0'+s))
			p := s / 2
			v := 20 + float64(s) + 2*math.Sin(float64(i)/float64(15+s))
			off := int64(2*i + s%2) // two sensors a partition, a record each
			events = append(events, Event{Partition: p, Offset: off, Series: series, Field: "value", Time: ts, Value: v})
			switch {
			case i%3 == 1: // v2: humidity too
				events = append(events, Event{Partition: p, Offset: off, Series: series, Field: "humidity", Time: ts, Value: 40 + float64(s)*5 + float64(i%20)/4})
			case i >= 120 && i < 150: // v1 or JSON: no humidity
				events = append(events, Event{Partition: p, Offset: off, Series: series, Field: "humidity", Time: ts, Gap: true})
			}
		}
	}
	return update(New(testOptions(c)),
		PartitionsMsg{Count: 2},
		EventsMsg{Events: events},
		twoMembers(1, 0, 1),
		PlotMsg{SeriesBy: "key", TimeBy: "timestamp", Schemas: []SchemaCount{
			{Label: "sensor v1", Records: 320}, {Label: "sensor v2", Records: 320}, {Label: "sensor-json v1 (JSON)", Records: 320},
		}},
		tea.WindowSizeMsg{Width: 200, Height: 40},
		FrameMsg{},
	)
}

func TestMixedSchemasGolden(t *testing.T) {
	tests := []struct {
		name    string
		keys    []string
		contain []string
		lack    []string
	}{
		{
			name: "all fields",
			contain: []string{
				"plotting value, humidity by key over timestamp", "gaps 80", "events 960 at 960/s",
				"schemas sensor v1 ×320, sensor v2 ×320, sensor-json v1 (JSON) ×320",
				"sensor0.value", "sensor0.humidity", "sensor3.humidity", "f field",
			},
		},
		{
			name:    "f shows value",
			keys:    []string{"f"},
			contain: []string{"plotting value (1 of 2, f: next) by key"},
			lack:    []string{"humidity", ".value"},
		},
		{
			name:    "f twice shows humidity",
			keys:    []string{"f", "f"},
			contain: []string{"plotting humidity (2 of 2, f: next) by key"},
			lack:    []string{".humidity"},
		},
		{
			name:    "f thrice shows all again",
			keys:    []string{"f", "f", "f"},
			contain: []string{"plotting value, humidity by key", "sensor1.value"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mixedModel(newClock())
			for _, k := range tt.keys {
				m = update(m, keyMsg(k))
			}
			view := m.View()
			checkFrame(t, view, 200, 40)
			for _, s := range tt.contain {
				if !strings.Contains(view, s) {
					t.Errorf("frame lacks %q", s)
				}
			}
			for _, s := range tt.lack {
				if strings.Contains(view, s) {
					t.Errorf("frame has %q", s)
				}
			}
			golden.RequireEqual(t, []byte(view+"\n"))
		})
	}
}

func TestFieldKeyNeedsSeveralFields(t *testing.T) {
	c := newClock()
	m := baseModel(c)
	if m.keys.Field.Enabled() {
		t.Fatal("f enabled for events without fields")
	}
	m = update(m, keyMsg("f"))
	if m.field != "" {
		t.Errorf("f with one field selected %q", m.field)
	}
	m = update(m, EventsMsg{Events: []Event{
		{Series: "sensor0", Field: "value", Offset: 1 << 50, Time: testStart(), Value: 1},
		{Series: "sensor0", Field: "humidity", Offset: 1 << 50, Time: testStart(), Value: 1},
	}})
	if !m.keys.Field.Enabled() {
		t.Error("f disabled with two fields")
	}
}
