package ui

import (
	"math"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
)

// samePoints compares points, a NaN gap equal to a NaN gap.
func samePoints(a, b []point) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].t != b[i].t || (a[i].v != b[i].v && !(math.IsNaN(a[i].v) && math.IsNaN(b[i].v))) {
			return false
		}
	}
	return true
}

func TestDecimateGaps(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name      string
		pts       []point
		cols      int
		want      []point
		wantStats windowStats
	}{
		{
			name:      "a gap ends the column and is passed on",
			pts:       []point{{0, 1}, {1, 5}, {2, nan}, {3, 2}, {4, -1}},
			cols:      1,
			want:      []point{{0, 1}, {1, 5}, {2, nan}, {3, 2}, {4, -1}},
			wantStats: windowStats{n: 4, min: -1, max: 5, last: -1},
		},
		{
			name:      "last is the newest value, not the gap",
			pts:       []point{{0, 3}, {5, nan}},
			cols:      10,
			want:      []point{{0, 3}, {5, nan}},
			wantStats: windowStats{n: 1, min: 3, max: 3, last: 3},
		},
		{
			name:      "only gaps: no point counted",
			pts:       []point{{1, nan}, {2, nan}},
			cols:      10,
			want:      []point{{1, nan}, {2, nan}},
			wantStats: windowStats{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSeries("s", 100)
			for _, p := range tt.pts {
				s.add(p.t, p.v)
			}
			got, st := decimate(nil, s, 0, 10, tt.cols, 0)
			if !samePoints(got, tt.want) {
				t.Errorf("points = %v, want %v", got, tt.want)
			}
			if st != tt.wantStats {
				t.Errorf("stats = %+v, want %+v", st, tt.wantStats)
			}
		})
	}
}

// TestChartGap checks that a gap breaks a line: the pixel columns between
// the points around it stay empty, while the same series without the gap
// is drawn through.
func TestChartGap(t *testing.T) {
	start := testStart().UnixNano()
	sec := int64(time.Second)
	build := func(gap bool) *series {
		s := newSeries("s", 100)
		for i := int64(0); i <= 40; i++ {
			if i > 10 && i < 30 {
				switch {
				case gap && i == 20:
					s.add(start+i*sec, math.NaN())
				case !gap && i%4 == 0: // sparser, but not a hole in time
					s.add(start+i*sec, 5)
				}
				continue
			}
			s.add(start+i*sec, 5)
		}
		s.add(start+20*sec+1, 5) // a lone point between gaps is a dot
		if gap {
			s.add(start+20*sec+2, math.NaN())
		}
		return s
	}
	lit := func(c *chartRenderer, x int) bool {
		for y := 0; y < c.r.h; y++ {
			cell := c.r.dots[y*c.r.w+x/2]
			mask := uint8(0x47)
			if x%2 == 1 {
				mask = 0xb8
			}
			if cell&mask != 0 {
				return true
			}
		}
		return false
	}
	for _, tc := range []struct {
		name  string
		gap   bool
		empty bool
	}{
		{"without a gap the line runs through", false, false},
		{"a gap breaks it", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c chartRenderer
			sp := chartSpec{w: 42, h: 4, t0: start, t1: start + 40*sec, loc: time.UTC, lines: []chartLine{{s: build(tc.gap), ink: inkSeries}}}
			c.render(&sp, plainInks())
			pw, _ := c.r.pixels()
			col := func(sec int64) int { return int(float64(sec) / 40 * float64(pw-1)) }
			for x := col(12); x <= col(28); x++ {
				if x == col(20) || x == col(20)+1 {
					continue
				}
				if lit(&c, x) == tc.empty {
					t.Errorf("pixel column %d lit = %v, want %v", x, !tc.empty, !tc.empty)
				}
			}
			if !lit(&c, col(20)) && !lit(&c, col(20)+1) {
				t.Error("the lone point between gaps is not drawn")
			}
			if !lit(&c, col(5)) || !lit(&c, col(35)) {
				t.Error("the lines before and after the gap are not drawn")
			}
		})
	}
}

func TestIngestFieldsAndGaps(t *testing.T) {
	at := testStart()
	s := newStore(64)
	s.ingest([]Event{
		{Series: "sensor0", Field: "value", Time: at, Value: 1},
		{Series: "sensor0", Field: "humidity", Time: at, Gap: true}, // no line yet: counted only
		{Series: "sensor0", Field: "humidity", Time: at.Add(time.Second), Value: 40},
		{Series: "sensor0", Field: "humidity", Time: at.Add(2 * time.Second), Gap: true},
		{Series: "sensor0", Field: "value", Time: at.Add(time.Second), Value: 2},
	}, nil, testStart().UnixNano())
	if got := strings.Join(s.fields, ","); got != "value,humidity" {
		t.Errorf("fields = %q, want value,humidity", got)
	}
	if s.gaps != 2 || s.events != 3 {
		t.Errorf("gaps %d events %d, want 2 and 3", s.gaps, s.events)
	}
	d := s.paneIfAny(0)
	var names []string
	for _, sr := range d.order {
		names = append(names, sr.name+"="+sr.base+"/"+sr.field)
	}
	if got := strings.Join(names, " "); got != "sensor0.humidity=sensor0/humidity sensor0.value=sensor0/value" {
		t.Errorf("series = %q", got)
	}
	if h := d.series["sensor0.humidity"]; h.len() != 2 || !math.IsNaN(h.at(1).v) {
		t.Errorf("humidity line holds %d points, want its value and the gap", h.len())
	}
}

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
			events = append(events, Event{Partition: p, Offset: int64(i), Series: series, Field: "value", Time: ts, Value: v})
			switch {
			case i%3 == 1: // v2: humidity too
				events = append(events, Event{Partition: p, Offset: int64(i), Series: series, Field: "humidity", Time: ts, Value: 40 + float64(s)*5 + float64(i%20)/4})
			case i >= 120 && i < 150: // v1 or JSON: no humidity
				events = append(events, Event{Partition: p, Offset: int64(i), Series: series, Field: "humidity", Time: ts, Gap: true})
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
				"plotting value, humidity by key over timestamp", "gaps 80",
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
