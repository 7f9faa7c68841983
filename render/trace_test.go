package render

import (
	"math"
	"reflect"
	"testing"
	"time"

	"gonum.org/v1/plot/vg"
)

func TestTrace(t *testing.T) {
	at := func(s float64) time.Time { return epoch.Add(seconds(s)) }
	pts := func(vs ...float64) []Point { // one a second from epoch
		out := make([]Point, len(vs))
		for i, v := range vs {
			out[i] = Point{T: at(float64(i)), V: v}
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		s        Series
		from, to float64 // seconds since epoch
		lines    [][]xy
		st       stats
	}{
		{
			name: "points in range are one line",
			s:    Series{Points: pts(1, 3, 2)},
			from: 0, to: 2,
			lines: [][]xy{{{0, 1}, {1, 3}, {2, 2}}},
			st:    stats{n: 3, last: 2, min: 1, max: 3},
		},
		{
			name: "the neighbours outside the range are joined, not counted",
			s:    Series{Points: pts(9, 1, 3, 2, 7)},
			from: 1, to: 3,
			lines: [][]xy{{{-1, 9}, {0, 1}, {1, 3}, {2, 2}, {3, 7}}},
			st:    stats{n: 3, last: 2, min: 1, max: 3},
		},
		{
			name: "only the nearest neighbour on each side",
			s:    Series{Points: pts(100, 9, 1, 7, 100)},
			from: 2, to: 2,
			lines: [][]xy{{{-1, 9}, {0, 1}, {1, 7}}},
			st:    stats{n: 1, last: 1, min: 1, max: 1},
		},
		{
			name: "neighbours further apart than the join break the line",
			s: Series{Join: 1500 * time.Millisecond, Points: []Point{
				{T: at(0), V: 1}, {T: at(1), V: 2}, {T: at(3), V: 3}, {T: at(4), V: 4}}},
			from: 0, to: 4,
			lines: [][]xy{{{0, 1}, {1, 2}}, {{3, 3}, {4, 4}}},
			st:    stats{n: 4, last: 4, min: 1, max: 4},
		},
		{
			name: "a gap breaks the line",
			s: Series{Points: []Point{
				{T: at(0), V: 1}, {T: at(1), V: 2}, {T: at(2), Gap: true}, {T: at(3), V: 3}}},
			from: 0, to: 3,
			lines: [][]xy{{{0, 1}, {1, 2}}, {{3, 3}}},
			st:    stats{n: 3, last: 3, min: 1, max: 3},
		},
		{
			name: "non-finite values are counted and skipped, the line goes on",
			s:    Series{Points: pts(1, math.NaN(), math.Inf(1), 2, math.Inf(-1))},
			from: 0, to: 3,
			lines: [][]xy{{{0, 1}, {3, 2}}},
			st:    stats{n: 2, last: 2, min: 1, max: 2, nonFinite: 2},
		},
		{
			name: "a bucket enters at first, covers min and max at its middle, leaves at last",
			s: Series{Buckets: []Bucket{
				{From: at(0), To: at(10), First: 5, Min: 1, Max: 5000, Last: 4},
				{From: at(10), To: at(20), First: 4, Min: -3, Max: 6, Last: 6}}},
			from: 0, to: 20,
			// 5 → 5000 → 1 → 4 is shorter than 5 → 1 → 5000 → 4; 4 → -3 → 6 → 6 likewise.
			lines: [][]xy{{{0, 5}, {5, 5000}, {5, 1}, {10, 4}, {10, 4}, {15, -3}, {15, 6}, {20, 6}}},
			st:    stats{n: 2, last: 6, min: -3, max: 5000},
		},
		{
			name: "extremes with their times are drawn at them, in time order",
			s: Series{Buckets: []Bucket{
				{From: at(0), To: at(10), First: 5, Min: 1, Max: 5000, Last: 4, MinAt: at(2), MaxAt: at(7)},
				{From: at(10), To: at(20), First: 4, Min: -3, Max: 6, Last: 6, MinAt: at(18), MaxAt: at(12)}}},
			from: 0, to: 20,
			lines: [][]xy{{{0, 5}, {2, 1}, {7, 5000}, {10, 4}, {10, 4}, {12, 6}, {18, -3}, {20, 6}}},
			st:    stats{n: 2, last: 6, min: -3, max: 5000},
		},
		{
			name: "buckets then points, in time order",
			s: Series{
				Buckets: []Bucket{{From: at(0), To: at(1), First: 1, Min: 1, Max: 2, Last: 2}},
				Points:  []Point{{T: at(2), V: 3}},
			},
			from: 0, to: 2,
			lines: [][]xy{{{0, 1}, {0.5, 1}, {0.5, 2}, {1, 2}, {2, 3}}},
			st:    stats{n: 2, last: 3, min: 1, max: 3},
		},
		{
			name: "a bucket with a non-finite figure is counted, not drawn",
			s: Series{Buckets: []Bucket{
				{From: at(0), To: at(1), First: 1, Min: 1, Max: math.Inf(1), Last: 2}}},
			from: 0, to: 1,
			st: stats{nonFinite: 1},
		},
		{
			name: "nothing in or near the range",
			s:    Series{},
			from: 0, to: 10,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines, st := trace(&tc.s, at(tc.from), at(tc.to))
			if !reflect.DeepEqual(lines, tc.lines) {
				t.Errorf("lines %v, want %v", lines, tc.lines)
			}
			if st != tc.st {
				t.Errorf("stats %+v, want %+v", st, tc.st)
			}
		})
	}
}

func TestM4(t *testing.T) {
	// x in points: a pixel column is 0.75 points wide.
	p := func(x, y vg.Length) vg.Point { return vg.Point{X: x, Y: y} }
	for _, tc := range []struct {
		name string
		in   []vg.Point
		want []vg.Point
	}{
		{"one vertex a column stays", []vg.Point{p(0, 1), p(1, 2), p(2, 0)}, []vg.Point{p(0, 1), p(1, 2), p(2, 0)}},
		{"a column keeps first, extremes in order, last",
			[]vg.Point{p(0, 5), p(0.125, 9), p(0.25, 6), p(0.375, 1), p(0.5, 4), p(1, 3)},
			[]vg.Point{p(0, 5), p(0.125, 9), p(0.375, 1), p(0.5, 4), p(1, 3)}},
		{"the low before the high",
			[]vg.Point{p(0, 5), p(0.125, 1), p(0.25, 9), p(0.375, 4)},
			[]vg.Point{p(0, 5), p(0.125, 1), p(0.25, 9), p(0.375, 4)}},
		{"an extreme at either end is not repeated",
			[]vg.Point{p(0, 9), p(0.125, 5), p(0.25, 1)},
			[]vg.Point{p(0, 9), p(0.25, 1)}},
		{"a flat column is its ends", []vg.Point{p(0, 2), p(0.25, 2), p(0.5, 2)}, []vg.Point{p(0, 2), p(0.5, 2)}},
		{"negative columns", []vg.Point{p(-0.5, 1), p(-0.25, 3), p(-0.125, 2), p(0.25, 0)}, []vg.Point{p(-0.5, 1), p(-0.25, 3), p(-0.125, 2), p(0.25, 0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m m4
			var got []vg.Point
			for _, v := range tc.in {
				got = m.add(got, v)
			}
			got = m.flush(got)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
