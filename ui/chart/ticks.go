package chart

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// This file chooses axis ticks and formats numbers and times.

// niceStep returns a "nice" step (1, 2 or 5 times a power of ten) at least raw.
func niceStep(raw float64) float64 {
	if !(raw > 0) || math.IsInf(raw, 0) {
		return 1
	}
	exp := math.Floor(math.Log10(raw))
	base := math.Pow(10, exp)
	for _, m := range []float64{1, 2, 5, 10} {
		if s := m * base; s >= raw*(1-1e-9) {
			return s
		}
	}
	return 10 * base
}

// decimalsFor returns the decimals needed to tell values step apart (0..6).
func decimalsFor(step float64) int {
	if !(step > 0) || math.IsInf(step, 0) {
		return 0
	}
	d := int(math.Ceil(-math.Log10(step) - 1e-9))
	if d < 0 {
		d = 0
	}
	if d > 6 {
		d = 6
	}
	return d
}

// FormatValue formats v with d decimals, or in short exponent form when it is
// too large or small for fixed notation to stay short.
func FormatValue(v float64, d int) string {
	a := math.Abs(v)
	if a >= 1e7 || (a != 0 && a < 1e-6) {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	s := strconv.FormatFloat(v, 'f', d, 64)
	if s == "-0" || (len(s) > 1 && s[0] == '-' && isZeroDigits(s[1:])) {
		s = s[1:]
	}
	return s
}

// isZeroDigits reports whether s (digits and at most one dot) is all zeros.
func isZeroDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' && s[i] != '.' {
			return false
		}
	}
	return true
}

// valueRange returns the y range to show for data in [lo, hi]: widened by 5 %
// on each side, or by a unit around a flat line. Halves are used so that the
// arithmetic stays finite for any finite input.
func valueRange(lo, hi float64) (float64, float64) {
	half := hi/2 - lo/2
	pad := half * 0.1
	if half == 0 {
		pad = math.Max(math.Abs(lo)*0.05, 0.5)
	}
	nlo, nhi := lo-pad, hi+pad
	if math.IsInf(nlo, 0) {
		nlo = -math.MaxFloat64
	}
	if math.IsInf(nhi, 0) {
		nhi = math.MaxFloat64
	}
	return nlo, nhi
}

// valueTicks returns nice tick values inside [lo, hi], aiming for about want
// of them, and the step between them.
func valueTicks(lo, hi float64, want int) ([]float64, float64) {
	if want < 1 {
		want = 1
	}
	span := (hi/2 - lo/2) * 2
	if math.IsInf(span, 0) {
		return []float64{lo, hi}, span
	}
	step := niceStep(span / float64(want))
	if count := math.Floor(hi/step) - math.Ceil(lo/step) + 1; count < 0.6*float64(want) {
		step = smallerNiceStep(step)
	}
	first := math.Ceil(lo/step) * step
	var out []float64
	for v := first; v <= hi+step*1e-9 && len(out) <= want*3; v += step {
		out = append(out, v)
	}
	return out, step
}

// smallerNiceStep returns the nice step below step (5 → 2 → 1 → 0.5).
func smallerNiceStep(step float64) float64 {
	base := math.Pow(10, math.Floor(math.Log10(step)))
	switch m := math.Round(step / base); m {
	case 5:
		return 2 * base
	case 2:
		return base
	default:
		return base / 2
	}
}

// timeLayout returns the label layout for ticks step apart.
func timeLayout(step time.Duration) string {
	if step < time.Second {
		return "15:04:05.0"
	}
	return "15:04:05"
}

// timeTick is one labelled time on the x axis.
type timeTick struct {
	t     int64 // Unix nanoseconds
	label string
}

// timeTicks returns ticks for the window [t0, t1] drawn over cells columns,
// spaced so that labels (plus a gap of two) do not collide. Ticks fall on
// multiples of the step in loc's wall-clock time.
func timeTicks(t0, t1 int64, cells int, loc *time.Location) []timeTick {
	if t1 <= t0 || cells <= 0 {
		return nil
	}
	perCell := float64(t1-t0) / float64(cells)
	steps := [...]time.Duration{
		100 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond,
		time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
		time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
		time.Hour, 2 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
	}
	var step time.Duration
	for _, s := range steps {
		if float64(s)/perCell >= float64(len(timeLayout(s))+2) {
			step = s
			break
		}
	}
	if step == 0 {
		return nil
	}
	layout := timeLayout(step)
	_, off := time.Unix(0, t0).In(loc).Zone()
	offNs := int64(off) * int64(time.Second)
	st := int64(step)
	first := floorDiv(t0+offNs+st-1, st)*st - offNs
	var out []timeTick
	for t := first; t <= t1; t += st {
		out = append(out, timeTick{t: t, label: time.Unix(0, t).In(loc).Format(layout)})
	}
	return out
}

// floorDiv divides rounding towards negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// GroupDigits formats n with thousands separators.
func GroupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := false
	if n < 0 {
		neg, s = true, s[1:]
	}
	if len(s) <= 3 {
		if neg {
			return "-" + s
		}
		return s
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	pre := len(s) % 3
	if pre > 0 {
		out = append(out, s[:pre]...)
	}
	for i := pre; i < len(s); i += 3 {
		if len(out) > 0 && !(neg && len(out) == 1) {
			out = append(out, ',')
		}
		out = append(out, s[i:i+3]...)
	}
	return string(out)
}

// FormatRate formats a per-second rate compactly.
func FormatRate(r float64) string {
	switch {
	case r >= 1000:
		return GroupDigits(int64(math.Round(r))) + "/s"
	case r >= 100:
		return strconv.FormatFloat(r, 'f', 0, 64) + "/s"
	case r >= 10:
		return strconv.FormatFloat(r, 'f', 1, 64) + "/s"
	default:
		return strconv.FormatFloat(r, 'f', 2, 64) + "/s"
	}
}

// FormatAge formats how long ago something happened.
func FormatAge(d time.Duration) string {
	switch {
	case d < 0:
		return "0.0s"
	case d < 10*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m" + strconv.Itoa(int(d%time.Minute/time.Second)) + "s"
	default:
		return strconv.Itoa(int(d/time.Hour)) + "h" + strconv.Itoa(int(d%time.Hour/time.Minute)) + "m"
	}
}

// FormatWindow formats a window length as 30s, 2m, 1h30m.
func FormatWindow(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d%time.Second == 0:
		return strconv.Itoa(int(d/time.Second)) + "s"
	default:
		return d.String()
	}
}

// ShortCount formats a count in at most four figures: 950, 12.3k, 3.1M, 10M.
func ShortCount(n int64) string {
	f := float64(n)
	switch {
	case n < 0:
		return "-" + ShortCount(-n)
	case n < 1000:
		return strconv.FormatInt(n, 10)
	case n < 999_950:
		return trimZero(strconv.FormatFloat(f/1e3, 'f', 1, 64)) + "k"
	case n < 999_950_000:
		return trimZero(strconv.FormatFloat(f/1e6, 'f', 1, 64)) + "M"
	}
	return trimZero(strconv.FormatFloat(f/1e9, 'f', 1, 64)) + "G"
}

// trimZero drops a fraction of ".0".
func trimZero(s string) string {
	s, _ = strings.CutSuffix(s, ".0")
	return s
}
