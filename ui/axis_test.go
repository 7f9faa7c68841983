package ui

import (
	"strings"
	"testing"
	"time"
)

// TestTimeAxisTicksRegular checks, over many widths and window positions,
// that the x axis has a tick at every step (evenly spaced, none missing)
// and a label under every tick but perhaps the two at the plot's edges.
func TestTimeAxisTicksRegular(t *testing.T) {
	s := sineSeries("s", 4096, testStart(), 100*time.Millisecond, 3, 20)
	for w := 30; w <= 200; w += 7 {
		for off := time.Duration(0); off < 20*time.Second; off += 370 * time.Millisecond {
			t1 := testStart().Add(2*time.Minute + off).UnixNano()
			sp := chartSpec{w: w, h: 8, t0: t1 - int64(2*time.Minute), t1: t1, loc: time.UTC,
				lines: []chartLine{{s: s, ink: inkSeries}}}
			var c chartRenderer
			lines, _, _ := c.render(&sp, plainInks())
			axis := []rune(lines[len(lines)-2])
			var ticks []int
			for i, r := range axis {
				if r == '┬' {
					ticks = append(ticks, i)
				}
			}
			if len(ticks) < 2 {
				t.Errorf("w %d, offset %v: %d ticks: %q", w, off, len(ticks), string(axis))
				continue
			}
			for i := 2; i < len(ticks); i++ {
				if d, e := ticks[i]-ticks[i-1], ticks[1]-ticks[0]; d < e-1 || d > e+1 {
					t.Errorf("w %d, offset %v: tick spacing %d then %d (a tick missing):\n%s\n%s", w, off, e, d, string(axis), lines[len(lines)-1])
					break
				}
			}
			labels := strings.Fields(lines[len(lines)-1])
			if len(labels) < len(ticks)-2 {
				t.Errorf("w %d, offset %v: %d labels for %d ticks:\n%s\n%s", w, off, len(labels), len(ticks), string(axis), lines[len(lines)-1])
			}
		}
	}
}
