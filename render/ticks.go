package render

import (
	"math"
	"time"

	"gonum.org/v1/plot"
)

// tickSteps returns the time axis' steps, finest first.
func tickSteps() []time.Duration {
	return []time.Duration{
		time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond,
		10 * time.Millisecond, 20 * time.Millisecond, 50 * time.Millisecond,
		100 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond,
		time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
		time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
		time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
		24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour,
	}
}

// timeTicks marks a time axis whose values are seconds since from at
// whole steps of the wall clock in loc (every 15 minutes at 00, 15, 30,
// 45), at most most of them.
type timeTicks struct {
	from time.Time
	loc  *time.Location
	most int
}

// step returns the finest step that gives at most most ticks over span.
func (tt timeTicks) step(span time.Duration) time.Duration {
	steps := tickSteps()
	for _, s := range steps {
		if span/s < time.Duration(max(tt.most, 2)) {
			return s
		}
	}
	return steps[len(steps)-1]
}

// layout returns how ticks of step are labelled over a span.
func layout(step, span time.Duration) string {
	switch {
	case step >= 24*time.Hour:
		return "Jan 2"
	case span > 24*time.Hour:
		return "Jan 2 15:04"
	case step >= time.Minute:
		return "15:04"
	case step >= time.Second:
		return "15:04:05"
	default:
		return "15:04:05.000"
	}
}

// Ticks implements plot.Ticker.
func (tt timeTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return nil
	}
	start := tt.from.Add(seconds(lo)).In(tt.loc)
	end := tt.from.Add(seconds(hi)).In(tt.loc)
	span := end.Sub(start)
	step := tt.step(span)
	form := layout(step, span)
	// Steps of a day or more count from local midnight, shorter ones
	// from the start of the local day so that they fall on whole hours.
	y, m, d := start.Date()
	t := time.Date(y, m, d, 0, 0, 0, 0, tt.loc)
	if k := start.Sub(t) / step; k > 0 {
		t = t.Add(k * step)
	}
	var ticks []plot.Tick
	for ; !t.After(end); t = t.Add(step) {
		if t.Before(start) {
			continue
		}
		ticks = append(ticks, plot.Tick{Value: t.Sub(tt.from).Seconds(), Label: t.Format(form)})
	}
	return ticks
}

// seconds converts seconds to a duration, rounded to the nanosecond.
func seconds(s float64) time.Duration { return time.Duration(math.Round(s * float64(time.Second))) }
