package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
)

// litColumn reports whether any braille dot of pixel column x is set.
func litColumn(c *chartRenderer, x int) bool {
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
	s := newSeries("sensor4", 1024)
	for d := time.Duration(0); d <= 2*time.Minute; d += 500 * time.Millisecond {
		if d > holeFrom && d < holeTo {
			continue
		}
		s.add(start.Add(d).UnixNano(), 20+float64(d/time.Second%7))
	}
	var c chartRenderer
	sp := chartSpec{w: 60, h: 10, t0: start.UnixNano(), t1: start.Add(2 * time.Minute).UnixNano(), loc: time.UTC,
		lines: []chartLine{{s: s, ink: inkSeries}}}
	lines, _, _ := c.render(&sp, plainInks())
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
			s := newSeries("s", 64)
			for _, ts := range tt.times {
				s.add(ts, 1)
			}
			if got := s.gapLimit(); got != tt.want {
				t.Errorf("gapLimit = %v, want %v", time.Duration(got), time.Duration(tt.want))
			}
		})
	}
}
