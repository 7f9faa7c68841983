package chart

import (
	"math"
	"testing"
)

const sec = int64(1_000_000_000)

func TestRateMeter(t *testing.T) {
	type add struct {
		at int64
		n  int
	}
	steady := func(perSecond int, from, to int64) []add {
		var out []add
		step := sec / int64(perSecond)
		for ts := from; ts < to; ts += step {
			out = append(out, add{ts, 1})
		}
		return out
	}
	base := int64(1_700_000_000) * sec
	tests := []struct {
		name string
		adds []add
		now  int64
		want float64
	}{
		{name: "nothing", now: base, want: 0},
		{name: "first event is not a huge rate", adds: []add{{base, 1}}, now: base + sec/10, want: 1},
		{name: "steady 10/s after 10s", adds: steady(10, base, base+10*sec), now: base + 10*sec, want: 10},
		{name: "steady 100/s after 2s", adds: steady(100, base, base+2*sec), now: base + 2*sec, want: 100},
		{name: "batch of 30 each 0.3s", adds: []add{{base, 30}, {base + 3*sec/10, 30}, {base + 6*sec/10, 30}, {base + 9*sec/10, 30}}, now: base + 12*sec/10, want: 100},
		{name: "decays to zero", adds: steady(10, base, base+10*sec), now: base + 30*sec, want: 0},
		// The window at 12.5s covers buckets from 7.75s: 22 events over 4.75s.
		{name: "half decayed", adds: steady(10, base, base+10*sec), now: base + 10*sec + 5*sec/2, want: 22 / 4.75},
		{name: "clock going backwards counts", adds: []add{{base + sec, 5}, {base, 5}}, now: base + sec, want: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r RateMeter
			for _, a := range tt.adds {
				r.add(a.at, a.n)
			}
			got := r.Rate(tt.now)
			if math.Abs(got-tt.want) > 0.06*tt.want+1e-9 {
				t.Errorf("rate = %.3f, want %.3f", got, tt.want)
			}
		})
	}
}

func BenchmarkRateAdd(b *testing.B) {
	var r RateMeter
	now := int64(1_700_000_000) * sec
	for b.Loop() {
		now += 10_000
		r.add(now, 1)
	}
}
