package chart

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
)

// litColumn reports whether any braille dot of pixel column x is set.
func litColumn(c *Renderer, x int) bool {
	for y := 0; y < c.r.h; y++ {
		mask := uint8(0x47) // left dots
		if x%2 == 1 {
			mask = 0xb8 // right dots
		}
		if c.r.dots[y*c.r.w+x/2]&mask != 0 {
			return true
		}
	}
	return false
}

// TestChartHole checks that a series with a 30 s hole in its timestamps
// draws no braille cell over the hole: time that was not read is not drawn.
func TestChartHole(t *testing.T) {
	start := testStart()
	const holeFrom, holeTo = 40 * time.Second, 70 * time.Second
	s := NewSeries("sensor4", 1024)
	for d := time.Duration(0); d <= 2*time.Minute; d += 500 * time.Millisecond {
		if d > holeFrom && d < holeTo {
			continue
		}
		s.Add(start.Add(d).UnixNano(), 20+float64(d/time.Second%7))
	}
	var c Renderer
	sp := Spec{W: 60, H: 10, T0: start.UnixNano(), T1: start.Add(2 * time.Minute).UnixNano(), Loc: time.UTC,
		Lines: []Line{{Series: s, Ink: testInk}}}
	lines, _, _ := c.Render(&sp, plainInks())
	pw, _ := c.r.pixels()
	col := func(d time.Duration) float64 { return float64(d) / float64(2*time.Minute) * float64(pw-1) }
	// Columns wholly inside the hole: after the pixel of its first edge,
	// before the pixel of its last.
	for x := int(col(holeFrom)) + 2; x < int(col(holeTo))-1; x++ {
		if litColumn(&c, x) {
			t.Errorf("pixel column %d (over the hole %v–%v) is drawn", x, holeFrom, holeTo)
		}
	}
	for _, d := range []time.Duration{10 * time.Second, 100 * time.Second} {
		if x := int(col(d)); !litColumn(&c, x) {
			t.Errorf("pixel column %d (%v, data) is not drawn", x, d)
		}
	}
	golden.RequireEqual(t, []byte(strings.Join(lines, "\n")+"\n"))
}

// TestGapLimit checks the spacing above which a series' points are not
// joined: several times its usual spacing, and at least minGap.
func TestGapLimit(t *testing.T) {
	sec := int64(time.Second)
	tests := []struct {
		name  string
		times []int64
		want  int64
	}{
		{"empty", nil, minGap},
		{"one point", []int64{0}, minGap},
		{"fast series: minGap", []int64{0, sec / 10, 2 * sec / 10, 3 * sec / 10}, minGap},
		{"2 s spacing", []int64{0, 2 * sec, 4 * sec, 6 * sec}, gapFactor * 2 * sec},
		{"one hole does not move the median", []int64{0, 2 * sec, 4 * sec, 34 * sec, 36 * sec, 38 * sec}, gapFactor * 2 * sec},
		{"equal times ignored", []int64{0, 0, 0, 2 * sec, 4 * sec}, gapFactor * 2 * sec},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSeries("s", 64)
			for _, ts := range tt.times {
				s.Add(ts, 1)
			}
			if got := s.gapLimit(); got != tt.want {
				t.Errorf("gapLimit = %v, want %v", time.Duration(got), time.Duration(tt.want))
			}
		})
	}
}

// samePoints compares points, a NaN gap equal to a NaN gap.
func samePoints(a, b []Point) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].T != b[i].T || (a[i].V != b[i].V && !(math.IsNaN(a[i].V) && math.IsNaN(b[i].V))) {
			return false
		}
	}
	return true
}

func TestDecimateGaps(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name      string
		pts       []Point
		cols      int
		want      []Point
		wantStats Stats
	}{
		{
			name:      "a gap ends the column and is passed on",
			pts:       []Point{{0, 1}, {1, 5}, {2, nan}, {3, 2}, {4, -1}},
			cols:      1,
			want:      []Point{{0, 1}, {1, 5}, {2, nan}, {3, 2}, {4, -1}},
			wantStats: Stats{N: 4, Min: -1, Max: 5, Last: -1},
		},
		{
			name:      "last is the newest value, not the gap",
			pts:       []Point{{0, 3}, {5, nan}},
			cols:      10,
			want:      []Point{{0, 3}, {5, nan}},
			wantStats: Stats{N: 1, Min: 3, Max: 3, Last: 3},
		},
		{
			name:      "only gaps: no point counted",
			pts:       []Point{{1, nan}, {2, nan}},
			cols:      10,
			want:      []Point{{1, nan}, {2, nan}},
			wantStats: Stats{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSeries("s", 100)
			for _, p := range tt.pts {
				s.Add(p.T, p.V)
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
	build := func(gap bool) *Series {
		s := NewSeries("s", 100)
		for i := int64(0); i <= 40; i++ {
			if i > 10 && i < 30 {
				switch {
				case gap && i == 20:
					s.Add(start+i*sec, math.NaN())
				case !gap && i%4 == 0: // sparser, but not a hole in time
					s.Add(start+i*sec, 5)
				}
				continue
			}
			s.Add(start+i*sec, 5)
		}
		s.Add(start+20*sec+1, 5) // a lone point between gaps is a dot
		if gap {
			s.Add(start+20*sec+2, math.NaN())
		}
		return s
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
			var c Renderer
			sp := Spec{W: 42, H: 4, T0: start, T1: start + 40*sec, Loc: time.UTC, Lines: []Line{{Series: build(tc.gap), Ink: testInk}}}
			c.Render(&sp, plainInks())
			pw, _ := c.r.pixels()
			col := func(sec int64) int { return int(float64(sec) / 40 * float64(pw-1)) }
			for x := col(12); x <= col(28); x++ {
				if x == col(20) || x == col(20)+1 {
					continue
				}
				if litColumn(&c, x) == tc.empty {
					t.Errorf("pixel column %d lit = %v, want %v", x, !tc.empty, !tc.empty)
				}
			}
			if !litColumn(&c, col(20)) && !litColumn(&c, col(20)+1) {
				t.Error("the lone point between gaps is not drawn")
			}
			if !litColumn(&c, col(5)) || !litColumn(&c, col(35)) {
				t.Error("the lines before and after the gap are not drawn")
			}
		})
	}
}

func TestIngestFieldsAndGaps(t *testing.T) {
	at := testStart()
	s := NewStore(64)
	s.Ingest([]Event{
		{Offset: 0, Series: "sensor0", Field: "value", Time: at, Value: 1},
		{Offset: 0, Series: "sensor0", Field: "humidity", Time: at, Gap: true}, // no line yet: counted only
		{Offset: 1, Series: "sensor0", Field: "humidity", Time: at.Add(time.Second), Value: 40},
		{Offset: 1, Series: "sensor0", Field: "value", Time: at.Add(time.Second), Value: 2},
		{Offset: 2, Series: "sensor0", Field: "humidity", Time: at.Add(2 * time.Second), Gap: true},
		{Offset: 2, Series: "sensor0", Field: "value", Time: at.Add(2 * time.Second), Value: 3},
	}, nil, testStart().UnixNano())
	if got := strings.Join(s.Fields, ","); got != "value,humidity" {
		t.Errorf("fields = %q, want value,humidity", got)
	}
	if s.Gaps != 2 || s.Events != 3 {
		t.Errorf("gaps %d events %d, want 2 and 3 (records)", s.Gaps, s.Events)
	}
	d := s.PaneIfAny(0)
	var names []string
	for _, sr := range d.Order {
		names = append(names, sr.Name+"="+sr.Base+"/"+sr.Field)
	}
	if got := strings.Join(names, " "); got != "sensor0.humidity=sensor0/humidity sensor0.value=sensor0/value" {
		t.Errorf("series = %q", got)
	}
	if h := d.Series["sensor0.humidity"]; h.Len() != 2 || !math.IsNaN(h.At(1).V) {
		t.Errorf("humidity line holds %d points, want its value and the gap", h.Len())
	}
}
