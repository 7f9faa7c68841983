package ui

import (
	"math"
	"slices"
	"testing"
)

func TestDecimate(t *testing.T) {
	type pt = point
	tests := []struct {
		name      string
		pts       []pt
		t0, t1    int64
		cols      int
		want      []pt
		wantStats windowStats
	}{
		{
			name: "keeps min and max of a column in time order",
			pts:  []pt{{0, 1}, {1, 5}, {2, -3}, {3, 2}},
			t0:   0, t1: 10, cols: 1,
			want:      []pt{{1, 5}, {2, -3}},
			wantStats: windowStats{n: 4, min: -3, max: 5, last: 2},
		},
		{
			name: "one point per column stays",
			pts:  []pt{{0, 1}, {5, 2}, {10, 3}},
			t0:   0, t1: 10, cols: 3,
			want:      []pt{{0, 1}, {5, 2}, {10, 3}},
			wantStats: windowStats{n: 3, min: 1, max: 3, last: 3},
		},
		{
			name: "spike survives",
			pts:  []pt{{0, 0}, {1, 0}, {2, 100}, {3, 0}, {4, 0}, {5, 0}, {6, 0}, {7, 0}},
			t0:   0, t1: 8, cols: 2,
			want:      []pt{{0, 0}, {2, 100}, {4, 0}},
			wantStats: windowStats{n: 8, min: 0, max: 100, last: 0},
		},
		{
			name: "neighbours outside the window are kept for the edges",
			pts:  []pt{{-5, 9}, {1, 1}, {2, 2}, {20, 7}},
			t0:   0, t1: 10, cols: 10,
			want:      []pt{{-5, 9}, {1, 1}, {2, 2}, {20, 7}},
			wantStats: windowStats{n: 2, min: 1, max: 2, last: 2},
		},
		{
			name: "nothing inside but a segment crosses",
			pts:  []pt{{-5, 1}, {20, 2}},
			t0:   0, t1: 10, cols: 10,
			want:      []pt{{-5, 1}, {20, 2}},
			wantStats: windowStats{},
		},
		{
			name: "all before the window",
			pts:  []pt{{-5, 1}, {-4, 2}},
			t0:   0, t1: 10, cols: 10,
			want:      nil,
			wantStats: windowStats{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSeries("s", 100)
			for _, p := range tt.pts {
				s.add(p.t, p.v)
			}
			got, st := decimate(nil, s, tt.t0, tt.t1, tt.cols, 0)
			if !slices.Equal(got, tt.want) {
				t.Errorf("points = %v, want %v", got, tt.want)
			}
			if st != tt.wantStats {
				t.Errorf("stats = %+v, want %+v", st, tt.wantStats)
			}
		})
	}
}

func TestDecimateBoundsOutput(t *testing.T) {
	s := newSeries("s", 4096)
	for i := 0; i < 4096; i++ {
		s.add(int64(i), math.Sin(float64(i)/7))
	}
	for _, cols := range []int{1, 10, 100, 1000} {
		got, st := decimate(nil, s, 0, 4095, cols, 0)
		if len(got) > 2*cols {
			t.Errorf("cols %d: %d points, want at most %d", cols, len(got), 2*cols)
		}
		if st.n != 4096 {
			t.Errorf("cols %d: stats count %d, want 4096", cols, st.n)
		}
		if !slices.IsSortedFunc(got, func(a, b point) int { return int(a.t - b.t) }) {
			t.Errorf("cols %d: output not in time order", cols)
		}
	}
}

func TestWindowStatsMerge(t *testing.T) {
	tests := []struct {
		name string
		a, b windowStats
		want windowStats
	}{
		{name: "into empty", b: windowStats{n: 1, min: 2, max: 2, last: 2}, want: windowStats{n: 1, min: 2, max: 2, last: 2}},
		{name: "empty into", a: windowStats{n: 1, min: 2, max: 2, last: 2}, want: windowStats{n: 1, min: 2, max: 2, last: 2}},
		{name: "both", a: windowStats{n: 2, min: 1, max: 3, last: 3}, b: windowStats{n: 1, min: -1, max: -1, last: -1}, want: windowStats{n: 3, min: -1, max: 3, last: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.a
			got.merge(tt.b)
			if got != tt.want {
				t.Errorf("merge = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func BenchmarkDecimate(b *testing.B) {
	s := newSeries("s", 2048)
	for i := 0; i < 3000; i++ {
		s.add(int64(i)*58_000_000, math.Sin(float64(i)/30))
	}
	t1 := s.at(s.len() - 1).t
	t0 := t1 - 120_000_000_000
	dst := make([]point, 0, 1024)
	for b.Loop() {
		dst, _ = decimate(dst[:0], s, t0, t1, 260, 0)
	}
}
