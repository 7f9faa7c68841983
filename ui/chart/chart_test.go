package chart

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// rasterText renders r as plain text rows.
func rasterText(r *raster) []string {
	var out []string
	for y := 0; y < r.h; y++ {
		var b strings.Builder
		iw := inkWriter{b: &b, inks: plainInks()}
		r.writeRow(&iw, y)
		iw.close()
		out = append(out, b.String())
	}
	return out
}

func TestRasterLine(t *testing.T) {
	tests := []struct {
		name           string
		w, h           int
		x0, y0, x1, y1 float64
		period         int
		want           []string
	}{
		{name: "horizontal top row", w: 2, h: 1, x0: 0, y0: 0, x1: 3, y1: 0, want: []string{"⠉⠉"}},
		{name: "horizontal bottom row", w: 2, h: 1, x0: 0, y0: 3, x1: 3, y1: 3, want: []string{"⣀⣀"}},
		{name: "vertical left column", w: 1, h: 2, x0: 0, y0: 0, x1: 0, y1: 7, want: []string{"⡇", "⡇"}},
		{name: "diagonal", w: 2, h: 1, x0: 0, y0: 3, x1: 3, y1: 0, want: []string{"⡠⠊"}},
		{name: "clipped on the left", w: 2, h: 1, x0: -10, y0: 0, x1: 1, y1: 0, want: []string{"⠉ "}},
		{name: "clipped far outside", w: 2, h: 1, x0: -1e12, y0: 0, x1: 1e12, y1: 0, want: []string{"⠉⠉"}},
		{name: "entirely outside", w: 2, h: 1, x0: 0, y0: -5, x1: 3, y1: -1, want: []string{"  "}},
		{name: "dotted", w: 2, h: 1, x0: 0, y0: 0, x1: 3, y1: 0, period: 2, want: []string{"⠁⠁"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r raster
			r.reset(tt.w, tt.h)
			k := 0
			r.line(tt.x0, tt.y0, tt.x1, tt.y1, testInk, tt.period, &k)
			got := rasterText(&r)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("raster = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		name               string
		x0, y0, x1, y1     float64
		wantOK             bool
		wx0, wy0, wx1, wy1 float64
	}{
		{name: "inside", x0: 1, y0: 1, x1: 2, y1: 2, wantOK: true, wx0: 1, wy0: 1, wx1: 2, wy1: 2},
		{name: "crosses left edge", x0: -2, y0: 0, x1: 2, y1: 4, wantOK: true, wx0: 0, wy0: 2, wx1: 2, wy1: 4},
		{name: "crosses both x edges", x0: -10, y0: 5, x1: 20, y1: 5, wantOK: true, wx0: 0, wy0: 5, wx1: 10, wy1: 5},
		{name: "above", x0: 0, y0: -3, x1: 10, y1: -1, wantOK: false},
		{name: "vertical outside", x0: 11, y0: 0, x1: 11, y1: 10, wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x0, y0, x1, y1, ok := clip(tt.x0, tt.y0, tt.x1, tt.y1, 10, 10)
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tt.wantOK)
			}
			if ok && (x0 != tt.wx0 || y0 != tt.wy0 || x1 != tt.wx1 || y1 != tt.wy1) {
				t.Errorf("clip = (%v,%v)-(%v,%v), want (%v,%v)-(%v,%v)", x0, y0, x1, y1, tt.wx0, tt.wy0, tt.wx1, tt.wy1)
			}
		})
	}
}

func TestTimeTicks(t *testing.T) {
	end := time.Date(2024, 5, 18, 0, 0, 0, 0, time.UTC).UnixNano()
	nepal := time.FixedZone("NPT", 5*3600+45*60)
	tests := []struct {
		name   string
		window time.Duration
		end    int64
		cells  int
		loc    *time.Location
		want   []string
	}{
		{name: "2m over 100 cells ticks every 15s", window: 2 * time.Minute, end: end, cells: 100, loc: time.UTC,
			want: []string{"23:58:00", "23:58:15", "23:58:30", "23:58:45", "23:59:00", "23:59:15", "23:59:30", "23:59:45", "00:00:00"}},
		{name: "5s over 200 cells shows tenths", window: 5 * time.Second, end: end - int64(time.Second), cells: 200, loc: time.UTC,
			want: []string{"23:59:54.0", "23:59:54.5", "23:59:55.0", "23:59:55.5", "23:59:56.0", "23:59:56.5", "23:59:57.0", "23:59:57.5", "23:59:58.0", "23:59:58.5", "23:59:59.0"}},
		{name: "15m ticks align to local quarter hours", window: time.Hour, end: end, cells: 40, loc: nepal,
			want: []string{"04:45:00", "05:00:00", "05:15:00", "05:30:00", "05:45:00"}},
		{name: "no room", window: time.Minute, end: end, cells: 0, loc: time.UTC, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, tk := range timeTicks(tt.end-int64(tt.window), tt.end, tt.cells, tt.loc) {
				got = append(got, tk.label)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("ticks = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFormatting(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"niceStep 0.7", FormatValue(niceStep(0.7), 0), "1"},
		{"niceStep 3", FormatValue(niceStep(3), 0), "5"},
		{"niceStep 0.013", FormatValue(niceStep(0.013), 2), "0.02"},
		{"decimals of 0.5", FormatValue(0.5, decimalsFor(0.5)), "0.5"},
		{"decimals of 5", FormatValue(20, decimalsFor(5)), "20"},
		{"negative zero", FormatValue(-0.0001, 1), "0.0"},
		{"huge", FormatValue(1.5e12, 1), "1.5e+12"},
		{"tiny", FormatValue(1.5e-9, 1), "1.5e-09"},
		{"digits 0", GroupDigits(0), "0"},
		{"digits 999", GroupDigits(999), "999"},
		{"digits 1000", GroupDigits(1000), "1,000"},
		{"digits 1234567", GroupDigits(1234567), "1,234,567"},
		{"digits -123456", GroupDigits(-123456), "-123,456"},
		{"rate small", FormatRate(1.5), "1.50/s"},
		{"rate mid", FormatRate(12.34), "12.3/s"},
		{"rate big", FormatRate(192), "192/s"},
		{"rate huge", FormatRate(1920.4), "1,920/s"},
		{"age tenths", FormatAge(400 * time.Millisecond), "0.4s"},
		{"age seconds", FormatAge(42 * time.Second), "42s"},
		{"age minutes", FormatAge(3*time.Minute + 12*time.Second), "3m12s"},
		{"age hours", FormatAge(2*time.Hour + 5*time.Minute), "2h5m"},
		{"window 30s", FormatWindow(30 * time.Second), "30s"},
		{"window 2m", FormatWindow(2 * time.Minute), "2m"},
		{"window 1h", FormatWindow(time.Hour), "1h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestValueRange(t *testing.T) {
	tests := []struct {
		name   string
		lo, hi float64
	}{
		{"ordinary", 18, 22},
		{"flat", 5, 5},
		{"flat zero", 0, 0},
		{"extreme", -math.MaxFloat64, math.MaxFloat64},
		{"huge", 1e300, 1.7e308},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lo, hi := valueRange(tt.lo, tt.hi)
			if math.IsInf(lo, 0) || math.IsInf(hi, 0) || math.IsNaN(lo) || math.IsNaN(hi) {
				t.Fatalf("range = [%v, %v], want finite", lo, hi)
			}
			if !(lo < hi) || lo > tt.lo || hi < tt.hi {
				t.Errorf("range = [%v, %v] does not strictly contain [%v, %v]", lo, hi, tt.lo, tt.hi)
			}
			ticks, _ := valueTicks(lo, hi, 5)
			if len(ticks) == 0 || len(ticks) > 16 {
				t.Errorf("%d ticks for [%v, %v]", len(ticks), lo, hi)
			}
		})
	}
}

// sineSeries returns a series of n points step apart from start.
func sineSeries(name string, n int, start time.Time, step time.Duration, amp, period float64) *Series {
	s := NewSeries(name, n)
	for i := 0; i < n; i++ {
		s.Add(start.Add(time.Duration(i)*step).UnixNano(), 20+amp*math.Sin(float64(i)/period))
	}
	return s
}

func TestChartRender(t *testing.T) {
	start := testStart()
	a := sineSeries("a", 600, start, 100*time.Millisecond, 3, 20)
	b := sineSeries("b", 600, start, 100*time.Millisecond, 1, 7)
	end := start.Add(60 * time.Second).UnixNano()
	tests := []struct {
		name string
		w, h int
	}{
		{"axes", 60, 12},
		{"no axes when small", 18, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Renderer
			sp := Spec{
				W: tt.w, H: tt.h, T0: end - int64(30*time.Second), T1: end, Loc: time.UTC,
				Lines: []Line{{Series: a, Ink: testInk}, {Series: b, Ink: testInk + 1, Period: 2}},
			}
			lines, stats, _ := c.Render(&sp, plainInks())
			if len(lines) != tt.h {
				t.Fatalf("%d lines, want %d", len(lines), tt.h)
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w != tt.w {
					t.Errorf("line %d is %d wide, want %d", i, w, tt.w)
				}
			}
			if len(stats) != 2 || stats[0].N != 300 {
				t.Errorf("stats = %+v, want 300 points in the window per series", stats)
			}
			golden.RequireEqual(t, []byte(strings.Join(lines, "\n")+"\n"))
		})
	}
}

// TestChartContinuous checks that a steep, fast-changing line leaves no
// empty column between its first and last point: segments are joined.
func TestChartContinuous(t *testing.T) {
	s := sineSeries("s", 2048, testStart(), 10*time.Millisecond, 10, 3)
	end := s.At(s.Len() - 1).T
	for _, w := range []int{20, 57, 120} {
		var c Renderer
		sp := Spec{W: w, H: 8, T0: s.At(0).T, T1: end, Loc: time.UTC, Lines: []Line{{Series: s, Ink: testInk}}}
		c.Render(&sp, plainInks())
		pw, _ := c.r.pixels()
		for x := 0; x < pw; x++ {
			lit := false
			for y := 0; y < c.r.h && !lit; y++ {
				cell := c.r.dots[y*c.r.w+x/2]
				mask := uint8(0x47) // left dots
				if x%2 == 1 {
					mask = 0xb8 // right dots
				}
				lit = cell&mask != 0
			}
			if !lit {
				t.Errorf("width %d: pixel column %d of %d is empty", w, x, pw)
				break
			}
		}
	}
}

func TestChartEmpty(t *testing.T) {
	s := NewSeries("s", 10)
	s.Add(testStart().UnixNano(), 1)
	end := testStart().Add(time.Hour).UnixNano()
	var c Renderer
	sp := Spec{W: 30, H: 5, T0: end - int64(time.Minute), T1: end, Loc: time.UTC,
		Lines: []Line{{Series: s, Ink: testInk}}, Empty: "no data in the last 1m"}
	lines, _, _ := c.Render(&sp, plainInks())
	if len(lines) != 5 || !strings.Contains(lines[2], "no data in the last 1m") {
		t.Errorf("lines = %q, want the message on the middle line", lines)
	}
}

// TestTimeAxisTicksRegular checks, over many widths and window positions,
// that the x axis has a tick at every step (evenly spaced, none missing)
// and a label under every tick but perhaps the two at the plot's edges.
func TestTimeAxisTicksRegular(t *testing.T) {
	s := sineSeries("s", 4096, testStart(), 100*time.Millisecond, 3, 20)
	for w := 30; w <= 200; w += 7 {
		for off := time.Duration(0); off < 20*time.Second; off += 370 * time.Millisecond {
			t1 := testStart().Add(2*time.Minute + off).UnixNano()
			sp := Spec{W: w, H: 8, T0: t1 - int64(2*time.Minute), T1: t1, Loc: time.UTC,
				Lines: []Line{{Series: s, Ink: testInk}}}
			var c Renderer
			lines, _, _ := c.Render(&sp, plainInks())
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

// TestTimeAxisMarks: a mark is named under the time axis at its moment
// (its label starts at the mark's column, ┰ on the axis), tick labels that
// would touch it are left out (labels yield, marks stay), a mark whose
// label would touch the one before is left out, one at the right edge is
// moved inside, and marks outside the window are not drawn.
func TestTimeAxisMarks(t *testing.T) {
	s := sineSeries("s", 1200, testStart(), 100*time.Millisecond, 3, 20)
	t0 := testStart().UnixNano()
	t1 := t0 + int64(2*time.Minute)
	at := func(d time.Duration) int64 { return t0 + int64(d) }
	tests := []struct {
		name   string
		marks  []Mark
		want   []string // the mark labels drawn, in order
		yields string   // a tick label left out for a mark
	}{
		{"none", nil, nil, ""},
		{"one, on the minute's tick", []Mark{{at(61 * time.Second), "g3"}}, []string{"g3"}, "23:59:00"},
		{"two apart", []Mark{{at(20 * time.Second), "g3"}, {at(90 * time.Second), "g4"}}, []string{"g3", "g4"}, ""},
		{"two too close: the first stays", []Mark{{at(60 * time.Second), "g3"}, {at(60*time.Second + 500*time.Millisecond), "g4"}}, []string{"g3"}, ""},
		{"at the right edge", []Mark{{t1, "g12"}}, []string{"g12"}, "00:00:00"},
		{"outside the window", []Mark{{t0 - int64(time.Second), "g2"}, {t1 + int64(time.Second), "g9"}}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Renderer
			sp := Spec{W: 80, H: 8, T0: t0, T1: t1, Loc: time.UTC, Lines: []Line{{Series: s, Ink: testInk}}, Marks: tt.marks}
			lines, _, _ := c.Render(&sp, plainInks())
			axis, labels := []rune(lines[len(lines)-2]), []rune(lines[len(lines)-1])
			var got []string
			for _, f := range strings.Fields(string(labels)) {
				if strings.HasPrefix(f, "g") {
					got = append(got, f)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("marks %v, want %v:\n%s\n%s", got, tt.want, string(axis), string(labels))
			}
			if tt.yields != "" && strings.Contains(string(labels), tt.yields) {
				t.Errorf("tick label %s drawn over a mark:\n%s", tt.yields, string(labels))
			}
			if n := strings.Count(string(axis), "┰"); n != len(tt.want) {
				t.Errorf("%d marks on the axis, want %d:\n%s", n, len(tt.want), string(axis))
			}
			for i, r := range axis {
				if r != '┰' {
					continue
				}
				// The label starts at the mark (or ends at the plot's edge).
				if labels[i] != 'g' && !strings.HasSuffix(strings.TrimRight(string(labels), " "), "g12") {
					t.Errorf("mark at column %d, label row %q", i, string(labels))
				}
			}
			// Tick labels keep a space from the marks' labels.
			for _, f := range strings.Fields(string(labels)) {
				if strings.HasPrefix(f, "g") && len(f) > 4 {
					t.Errorf("a mark touches a tick label: %q", f)
				}
			}
		})
	}
}
