package chart

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// times returns the times held by s, oldest first.
func times(s *Series) []int64 {
	out := make([]int64, 0, s.Len())
	for i := 0; i < s.Len(); i++ {
		out = append(out, s.At(i).T)
	}
	return out
}

func TestSeriesAdd(t *testing.T) {
	tests := []struct {
		name     string
		capacity int
		add      []int64
		want     []int64
		dropped  int
	}{
		{name: "in order", capacity: 8, add: []int64{1, 2, 3}, want: []int64{1, 2, 3}},
		{name: "out of order is inserted sorted", capacity: 8, add: []int64{10, 30, 20, 5, 25}, want: []int64{5, 10, 20, 25, 30}},
		{name: "equal times keep arrival order", capacity: 8, add: []int64{1, 2, 2, 3}, want: []int64{1, 2, 2, 3}},
		{name: "full evicts oldest", capacity: 3, add: []int64{1, 2, 3, 4, 5}, want: []int64{3, 4, 5}},
		{name: "full drops a point older than all", capacity: 3, add: []int64{10, 20, 30, 5}, want: []int64{10, 20, 30}, dropped: 1},
		{name: "full inserts a late point and evicts oldest", capacity: 3, add: []int64{10, 20, 30, 15}, want: []int64{15, 20, 30}},
		{name: "capacity below one holds one", capacity: 0, add: []int64{1, 2}, want: []int64{2}},
		{name: "wrapped ring insert", capacity: 4, add: []int64{1, 2, 3, 4, 5, 6, 7, 3}, want: []int64{4, 5, 6, 7}, dropped: 1},
		{name: "wrapped ring insert in the middle", capacity: 4, add: []int64{1, 2, 3, 4, 5, 6, 8, 7}, want: []int64{5, 6, 7, 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSeries("s", tt.capacity)
			dropped := 0
			for _, ts := range tt.add {
				if !s.Add(ts, float64(ts)) {
					dropped++
				}
			}
			if got := times(s); !slices.Equal(got, tt.want) {
				t.Errorf("times = %v, want %v", got, tt.want)
			}
			if dropped != tt.dropped {
				t.Errorf("dropped = %d, want %d", dropped, tt.dropped)
			}
			for i := 0; i < s.Len(); i++ {
				if p := s.At(i); p.V != float64(p.T) {
					t.Errorf("point %d = %+v: value does not belong to its time", i, p)
				}
			}
		})
	}
}

func TestSeriesRandomMatchesSortedTail(t *testing.T) {
	for _, capacity := range []int{1, 7, 64, 100, 300} {
		t.Run(fmt.Sprintf("capacity %d", capacity), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(capacity)))
			s := NewSeries("s", capacity)
			var all []int64
			for i := 0; i < 2000; i++ {
				ts := int64(i*10) - int64(rng.IntN(300))
				s.Add(ts, 0)
				all = append(all, ts)
				slices.Sort(all)
				if len(all) > capacity {
					all = all[len(all)-capacity:]
				}
			}
			if got := times(s); !slices.Equal(got, all) {
				t.Errorf("series holds %d points that differ from the newest %d sorted", len(got), len(all))
			}
		})
	}
}

func TestSeriesSearchAndSlices(t *testing.T) {
	s := NewSeries("s", 5)
	for _, ts := range []int64{1, 2, 3, 4, 5, 6, 7} { // wraps: holds 3..7
		s.Add(ts, 0)
	}
	tests := []struct {
		name       string
		from, to   int64 // window [from, to]
		wantTimes  []int64
		wantSearch int
	}{
		{name: "all", from: 0, to: 100, wantTimes: []int64{3, 4, 5, 6, 7}, wantSearch: 0},
		{name: "middle", from: 4, to: 6, wantTimes: []int64{4, 5, 6}, wantSearch: 1},
		{name: "between points", from: 5, to: 5, wantTimes: []int64{5}, wantSearch: 2},
		{name: "after all", from: 8, to: 9, wantTimes: nil, wantSearch: 5},
		{name: "before all", from: 0, to: 2, wantTimes: nil, wantSearch: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i0 := s.search(tt.from)
			if i0 != tt.wantSearch {
				t.Errorf("search(%d) = %d, want %d", tt.from, i0, tt.wantSearch)
			}
			a, b := s.slices(i0, s.searchAfter(tt.to))
			var got []int64
			for _, p := range append(slices.Clone(a), b...) {
				got = append(got, p.T)
			}
			if !slices.Equal(got, tt.wantTimes) {
				t.Errorf("window [%d,%d] = %v, want %v", tt.from, tt.to, got, tt.wantTimes)
			}
		})
	}
}

func TestNaturalLess(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"sensor2", "sensor10", true},
		{"sensor10", "sensor2", false},
		{"sensor1", "sensor1", false},
		{"a", "b", true},
		{"a", "a1", true},
		{"1", "01", true},
		{"01", "1", false},
		{"x9y", "x10a", true},
		{"", "a", true},
	}
	for _, tt := range tests {
		t.Run(tt.a+" < "+tt.b, func(t *testing.T) {
			if got := naturalLess(tt.a, tt.b); got != tt.want {
				t.Errorf("naturalLess(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func BenchmarkSeriesAdd(b *testing.B) {
	b.Run("in order", func(b *testing.B) {
		s := NewSeries("s", 2048)
		for i := 0; b.Loop(); i++ {
			s.Add(int64(i), 1)
		}
	})
	b.Run("late by 10", func(b *testing.B) {
		s := NewSeries("s", 2048)
		for i := 0; b.Loop(); i++ {
			t := int64(i)
			if i%4 == 0 {
				t -= 10
			}
			s.Add(t, 1)
		}
	})
}

// TestSeriesSetCapacity: a ring given a smaller capacity folds its oldest
// points (drops them without a fold) and keeps the rest in order; a larger
// one keeps every point.
func TestSeriesSetCapacity(t *testing.T) {
	tests := []struct {
		name     string
		fold     Fold
		add      int64 // points 1..add, in order, into a ring of 8
		capacity int
		want     []int64
		folded   int64
	}{
		{name: "shrink folds the oldest", fold: Fold{Width: 2}, add: 8, capacity: 3, want: []int64{6, 7, 8}, folded: 5},
		{name: "shrink a wrapped ring", fold: Fold{Width: 2}, add: 13, capacity: 2, want: []int64{12, 13}, folded: 11},
		{name: "shrink without a fold drops", add: 8, capacity: 3, want: []int64{6, 7, 8}},
		{name: "shrink above what is held", fold: Fold{Width: 2}, add: 4, capacity: 6, want: []int64{1, 2, 3, 4}},
		{name: "grow keeps every point", fold: Fold{Width: 2}, add: 8, capacity: 16, want: []int64{1, 2, 3, 4, 5, 6, 7, 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSeries("s", 8)
			s.SetFold(tt.fold)
			for ts := int64(1); ts <= tt.add; ts++ {
				s.Add(ts, float64(ts))
			}
			before := int64(s.Len()) + s.Folded()
			s.setCapacity(tt.capacity)
			if got := times(s); !slices.Equal(got, tt.want) {
				t.Errorf("times = %v, want %v", got, tt.want)
			}
			if s.Folded() != tt.folded {
				t.Errorf("folded = %d, want %d", s.Folded(), tt.folded)
			}
			if tt.fold.Width > 0 && int64(s.Len())+s.Folded() != before {
				t.Errorf("%d points held and folded, want %d as before", int64(s.Len())+s.Folded(), before)
			}
			if len(s.buf) > tt.capacity {
				t.Errorf("ring of %d points kept for a capacity of %d", len(s.buf), tt.capacity)
			}
			for ts := tt.add + 1; ts <= tt.add+20; ts++ {
				s.Add(ts, float64(ts))
			}
			if s.Len() != tt.capacity {
				t.Errorf("after more points the ring holds %d, want its capacity %d", s.Len(), tt.capacity)
			}
		})
	}
}
