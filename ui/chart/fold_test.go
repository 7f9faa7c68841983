package chart

import (
	"fmt"
	"math"
	"runtime"
	"testing"
	"time"
)

// TestFoldKeepsTheWindow: a window holds its whole time range at any rate:
// points that leave the ring are folded into buckets whose extremes and
// counts are those of every point, within a memory bounded by the buckets.
func TestFoldKeepsTheWindow(t *testing.T) {
	const sec = int64(time.Second)
	tests := []struct {
		name    string
		window  int64
		rate    int64 // points per second
		span    int64 // seconds of points, ending at the window's end
		value   func(i int64) float64
		wantMin float64
		wantMax float64
		wantN   int
	}{
		{
			// The ramp: 200 steps/s for 40 s into a 1 m window.
			name: "ramp of 40 s at 200/s in 1 m", window: 60 * sec, rate: 200, span: 40,
			value: func(i int64) float64 { return float64(i) }, wantMin: 0, wantMax: 7999, wantN: 8000,
		},
		{
			// One needle of 5,000 among 1,000,000 values of 10..30 in 5 m.
			name: "needle among a million in 5 m", window: 300 * sec, rate: 3400, span: 294,
			value: func(i int64) float64 {
				if i == 500_000 {
					return 5000
				}
				return 10 + float64(i%21)
			},
			wantMin: 10, wantMax: 5000, wantN: 999_600,
		},
		{
			// Ten minutes at 1,000/s: only the window (and a tenth) is kept.
			name: "ten minutes into 1 m", window: 60 * sec, rate: 1000, span: 600,
			value: func(i int64) float64 { return float64(i % 1000) }, wantMin: 0, wantMax: 999, wantN: 60_000,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const columns = 400
			end := int64(1_700_000_000) * sec
			s := NewSeries("s", 1024)
			s.SetFold(FoldFor(tt.window, columns))
			n := tt.span * tt.rate
			for i := range n {
				at := end - tt.span*sec + i*sec/tt.rate
				if !s.Add(at, tt.value(i)) && at >= end-tt.window {
					t.Fatalf("point %d at %d in the window dropped", i, at)
				}
			}
			pts, st := decimate(nil, s, end-tt.window, end, columns, s.gapLimit())
			// The bucket at the window's start counts all of its points.
			edge := int(tt.rate * s.folding.Width / sec)
			if st.Min != tt.wantMin || st.Max != tt.wantMax || st.N < tt.wantN || st.N > tt.wantN+edge {
				t.Errorf("window min %v max %v of %d points, want %v, %v of %d (+%d)", st.Min, st.Max, st.N, tt.wantMin, tt.wantMax, tt.wantN, edge)
			}
			if len(pts) > 2*columns+4 {
				t.Errorf("%d points drawn, want at most two per column", len(pts))
			}
			for _, p := range pts {
				if math.IsNaN(p.V) {
					t.Errorf("the line is broken at %d: folded points are joined", p.T)
					break
				}
			}
			// Buckets of the window and a tenth, plus the ring.
			if limit := columns*11/10 + 2; len(s.buckets) > limit {
				t.Errorf("%d buckets, want at most %d", len(s.buckets), limit)
			}
		})
	}
}

// TestFoldOutOfOrder: points older than a full ring (a history read after
// live records) are folded at once, and a coarser fold keeps every
// extreme and count.
func TestFoldOutOfOrder(t *testing.T) {
	const sec = int64(time.Second)
	s := NewSeries("s", 8)
	s.SetFold(Fold{Width: sec})
	for i := range int64(8) {
		s.Add(100*sec+i, 1) // live: a full ring at 100 s
	}
	for i := range int64(50) {
		s.Add(40*sec+i*sec, float64(i)) // history: 40..89 s
	}
	if s.Len() != 8 || s.Folded() != 50 || len(s.buckets) != 50 {
		t.Fatalf("ring %d, folded %d in %d buckets; want 8, 50 in 50", s.Len(), s.Folded(), len(s.buckets))
	}
	s.SetFold(Fold{Width: 10 * sec})
	if s.Folded() != 50 || len(s.buckets) != 5 {
		t.Fatalf("after a coarser fold: %d folded in %d buckets, want 50 in 5", s.Folded(), len(s.buckets))
	}
	_, st := decimate(nil, s, 0, 200*sec, 100, 0)
	if st.Min != 0 || st.Max != 49 || st.N != 58 || st.Last != 1 {
		t.Errorf("stats %+v, want min 0, max 49 of 58 points, last 1", st)
	}
	s.SetFold(Fold{})
	if s.Folded() != 0 || s.Add(1, 1) {
		t.Errorf("without a fold: %d folded, a point older than a full ring kept", s.Folded())
	}
}

// TestFoldBeforeFewLive: a history read while live records come (a ring
// far from full) folds its points, all older than the live ones, at once
// instead of shifting them into the ring; without a fold they are kept in
// the ring.
func TestFoldBeforeFewLive(t *testing.T) {
	const sec = int64(time.Second)
	for _, tt := range []struct {
		name             string
		fold             Fold
		wantRing, folded int64
	}{
		{name: "folding", fold: Fold{Width: sec}, wantRing: 3, folded: 50},
		{name: "no fold", fold: Fold{}, wantRing: 53, folded: 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSeries("s", 1024)
			s.SetFold(tt.fold)
			for i := range int64(3) {
				s.Add(100*sec+i, 1) // live
			}
			for i := range int64(50) {
				s.Add(40*sec+i*sec, float64(i)) // history: 40..89 s
			}
			if int64(s.Len()) != tt.wantRing || s.Folded() != tt.folded {
				t.Fatalf("ring %d, folded %d; want %d, %d", s.Len(), s.Folded(), tt.wantRing, tt.folded)
			}
			_, st := decimate(nil, s, 0, 200*sec, 100, 0)
			if st.Min != 0 || st.Max != 49 || st.N != 53 {
				t.Errorf("stats %+v, want min 0, max 49 of 53 points", st)
			}
		})
	}
}

func TestBucketStart(t *testing.T) {
	for _, tt := range []struct{ t, w, want int64 }{
		{t: 25, w: 10, want: 20},
		{t: 20, w: 10, want: 20},
		{t: -5, w: 10, want: -10},
		{t: -10, w: 10, want: -10},
	} {
		if got := bucketStart(tt.t, tt.w); got != tt.want {
			t.Errorf("bucketStart(%d, %d) = %d, want %d", tt.t, tt.w, got, tt.want)
		}
	}
}

// BenchmarkFoldMemory feeds a store 1,000 series at 10,000 events/s in all
// (event time) for 30 minutes, with the fold of a 15 m window at 400 pixel
// columns, and reports the heap it holds once the window is full and at
// the end: memory bounded by series × buckets, flat once the window is
// full, whatever the rate.
func BenchmarkFoldMemory(b *testing.B) {
	const (
		series = 1000
		rate   = 10_000 // events per second, all series
		window = 15 * time.Minute
	)
	heap := func() float64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapAlloc) / (1 << 20)
	}
	for b.Loop() {
		base := heap()
		s := NewStore(1024)
		s.SetFold(FoldFor(int64(window), 400))
		start := time.Unix(1_700_000_000, 0)
		names := make([]string, series)
		for i := range names {
			names[i] = fmt.Sprintf("sensor%d", i)
		}
		batch := make([]Event, rate/10)
		var full, end float64
		for tick := range int64(2 * window / (100 * time.Millisecond)) {
			at := start.Add(time.Duration(tick) * 100 * time.Millisecond)
			for i := range batch {
				n := int(tick)*len(batch) + i
				batch[i] = Event{Partition: n % 2, Offset: int64(n / 2), Series: names[n%series],
					Time: at.Add(time.Duration(i) * 100 * time.Millisecond / time.Duration(len(batch))), Value: float64(n % 97)}
			}
			s.Ingest(batch, nil, at.Add(time.Second).UnixNano())
			if tick == int64(window/(100*time.Millisecond)) {
				full = heap() - base
			}
		}
		end = heap() - base
		b.ReportMetric(full, "MiB-at-15m")
		b.ReportMetric(end, "MiB-at-30m")
		runtime.KeepAlive(s)
	}
}

// TestFoldBucketsArray: a series' buckets grow by a quarter at a time, so
// that at most a fifth of their array is unused, and never past what its
// fold keeps.
func TestFoldBucketsArray(t *testing.T) {
	const sec = int64(time.Second)
	tests := []struct {
		name    string
		fold    Fold
		buckets int64 // one point per bucket width
		wantLen int
		maxCap  int
	}{
		{name: "few", fold: Fold{Width: sec}, buckets: 10, wantLen: 10, maxCap: minBuckets},
		{name: "growing", fold: Fold{Width: sec}, buckets: 600, wantLen: 600, maxCap: 750},
		{name: "kept window", fold: Fold{Width: sec, Keep: 40 * sec}, buckets: 1000, wantLen: 41, maxCap: 43},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSeries("s", 1)
			s.SetFold(tt.fold)
			for i := range tt.buckets + 1 {
				s.Add(i*sec, float64(i)) // the ring of one folds the point before
			}
			if len(s.buckets) != tt.wantLen || cap(s.buckets) > tt.maxCap {
				t.Errorf("%d buckets in an array of %d, want %d in at most %d", len(s.buckets), cap(s.buckets), tt.wantLen, tt.maxCap)
			}
		})
	}
}
