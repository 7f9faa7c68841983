package chart

import (
	"math"
	"slices"
	"testing"
)

func TestDecimate(t *testing.T) {
	type pt = Point
	tests := []struct {
		name      string
		pts       []pt
		t0, t1    int64
		cols      int
		want      []pt
		wantStats Stats
	}{
		{
			name: "keeps min and max of a column in time order",
			pts:  []pt{{0, 1}, {1, 5}, {2, -3}, {3, 2}},
			t0:   0, t1: 10, cols: 1,
			want:      []pt{{1, 5}, {2, -3}},
			wantStats: Stats{N: 4, Min: -3, Max: 5, Last: 2},
		},
		{
			name: "one point per column stays",
			pts:  []pt{{0, 1}, {5, 2}, {10, 3}},
			t0:   0, t1: 10, cols: 3,
			want:      []pt{{0, 1}, {5, 2}, {10, 3}},
			wantStats: Stats{N: 3, Min: 1, Max: 3, Last: 3},
		},
		{
			name: "spike survives",
			pts:  []pt{{0, 0}, {1, 0}, {2, 100}, {3, 0}, {4, 0}, {5, 0}, {6, 0}, {7, 0}},
			t0:   0, t1: 8, cols: 2,
			want:      []pt{{0, 0}, {2, 100}, {4, 0}},
			wantStats: Stats{N: 8, Min: 0, Max: 100, Last: 0},
		},
		{
			name: "neighbours outside the window are kept for the edges",
			pts:  []pt{{-5, 9}, {1, 1}, {2, 2}, {20, 7}},
			t0:   0, t1: 10, cols: 10,
			want:      []pt{{-5, 9}, {1, 1}, {2, 2}, {20, 7}},
			wantStats: Stats{N: 2, Min: 1, Max: 2, Last: 2},
		},
		{
			name: "nothing inside but a segment crosses",
			pts:  []pt{{-5, 1}, {20, 2}},
			t0:   0, t1: 10, cols: 10,
			want:      []pt{{-5, 1}, {20, 2}},
			wantStats: Stats{},
		},
		{
			name: "all before the window",
			pts:  []pt{{-5, 1}, {-4, 2}},
			t0:   0, t1: 10, cols: 10,
			want:      nil,
			wantStats: Stats{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSeries("s", 100)
			for _, p := range tt.pts {
				s.Add(p.T, p.V)
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
	s := NewSeries("s", 4096)
	for i := 0; i < 4096; i++ {
		s.Add(int64(i), math.Sin(float64(i)/7))
	}
	for _, cols := range []int{1, 10, 100, 1000} {
		got, st := decimate(nil, s, 0, 4095, cols, 0)
		if len(got) > 2*cols {
			t.Errorf("cols %d: %d points, want at most %d", cols, len(got), 2*cols)
		}
		if st.N != 4096 {
			t.Errorf("cols %d: stats count %d, want 4096", cols, st.N)
		}
		if !slices.IsSortedFunc(got, func(a, b Point) int { return int(a.T - b.T) }) {
			t.Errorf("cols %d: output not in time order", cols)
		}
	}
}

func TestWindowStatsMerge(t *testing.T) {
	tests := []struct {
		name string
		a, b Stats
		want Stats
	}{
		{name: "into empty", b: Stats{N: 1, Min: 2, Max: 2, Last: 2}, want: Stats{N: 1, Min: 2, Max: 2, Last: 2}},
		{name: "empty into", a: Stats{N: 1, Min: 2, Max: 2, Last: 2}, want: Stats{N: 1, Min: 2, Max: 2, Last: 2}},
		{name: "both", a: Stats{N: 2, Min: 1, Max: 3, Last: 3}, b: Stats{N: 1, Min: -1, Max: -1, Last: -1}, want: Stats{N: 3, Min: -1, Max: 3, Last: -1}},
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
	s := NewSeries("s", 2048)
	for i := 0; i < 3000; i++ {
		s.Add(int64(i)*58_000_000, math.Sin(float64(i)/30))
	}
	t1 := s.At(s.Len() - 1).T
	t0 := t1 - 120_000_000_000
	dst := make([]Point, 0, 1024)
	for b.Loop() {
		dst, _ = decimate(dst[:0], s, t0, t1, 260, 0)
	}
}
