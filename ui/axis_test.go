package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// TestWindowStart checks where the time axis starts: at the first point
// until the lines hold a window's worth of data, then a window before the
// end, and never less than window/minSpanDivisor before it.
func TestWindowStart(t *testing.T) {
	const w = 2 * time.Minute
	end := testStart().Add(time.Hour).UnixNano()
	withFirst := func(d time.Duration) []*chart.Series {
		s := chart.NewSeries("s", 4)
		s.Add(end-int64(d), 1)
		s.Add(end, 1)
		return []*chart.Series{chart.NewSeries("empty", 4), s}
	}
	tests := []struct {
		name  string
		lines []*chart.Series
		want  int64
	}{
		{"no lines", nil, end - int64(w)},
		{"empty lines", []*chart.Series{chart.NewSeries("a", 4)}, end - int64(w)},
		{"30 s of data", withFirst(30 * time.Second), end - int64(30*time.Second)},
		{"a window of data", withFirst(w), end - int64(w)},
		{"more than a window", withFirst(5 * time.Minute), end - int64(w)},
		{"1 s of data: the shortest axis", withFirst(time.Second), end - int64(w)/minSpanDivisor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := windowStart(tt.lines, end, w); got != tt.want {
				t.Errorf("windowStart = end%v, want end%v", time.Duration(got-end), time.Duration(tt.want-end))
			}
		})
	}
}

// TestYoungDataUsesWholePane checks that 30 s of data in a 2-minute window
// is drawn across the whole plot, not in a strip on its right.
func TestYoungDataUsesWholePane(t *testing.T) {
	c := &clock{now: testStart().Add(30 * time.Second)}
	m := update(New(testOptions(c)), tea.WindowSizeMsg{Width: 100, Height: 30}, PartitionsMsg{Count: 1},
		EventsMsg{Events: sensorEvents(2, 1, 60, testStart(), 500*time.Millisecond)}, FrameMsg{})
	rows := strings.Split(m.View(), "\n")
	var plot []string // the plot area of pane 0, between the y axis and the legend
	for _, r := range rows[4:] {
		rs := []rune(r)
		if len(rs) < 80 || !strings.ContainsAny(string(rs[:6]), "│┤") {
			continue
		}
		plot = append(plot, string(rs[4:60]))
	}
	if len(plot) == 0 {
		t.Fatalf("no plot rows in\n%s", m.View())
	}
	drawn := func(lo, hi int) bool {
		for _, p := range plot {
			for _, r := range []rune(p)[lo:hi] {
				if r >= 0x2801 && r <= 0x28ff {
					return true
				}
			}
		}
		return false
	}
	if !drawn(0, 3) || !drawn(50, 56) {
		t.Errorf("the lines do not span the plot:\n%s", strings.Join(plot, "\n"))
	}
}
