package chart

import (
	"fmt"
	"math"
	"runtime"
	"slices"
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
		{
			// Ten hours at 1/s: a 3 h window's buckets (27 s) are kept.
			name: "ten hours into 3 h", window: 3 * 3600 * sec, rate: 1, span: 36_000,
			value: func(i int64) float64 { return float64(i % 100) }, wantMin: 0, wantMax: 99, wantN: 10_800,
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

// TestFoldCountOverflow: a bucket counts up to 2^32-1 points; more go into
// another bucket of the same time after it, and every point is counted.
func TestFoldCountOverflow(t *testing.T) {
	const sec = int64(time.Second)
	s := NewSeries("s", 1)
	s.SetFold(Fold{Width: sec})
	s.foldN(Point{100, 1}, math.MaxUint32-1)
	s.foldN(Point{200, 7}, 5)
	s.foldN(Point{300, 3}, 1)
	if len(s.buckets) != 2 || s.buckets[0].num != s.buckets[1].num || s.buckets[1].n != 6 {
		t.Fatalf("buckets %+v, want two of the same number, the second holding 6", s.buckets)
	}
	want := int64(math.MaxUint32) + 5
	if s.Folded() != want {
		t.Errorf("folded %d, want %d", s.Folded(), want)
	}
	if _, st := decimate(nil, s, 0, sec, 100, 0); int64(st.N) != want || st.Min != 1 || st.Max != 7 || st.Last != 3 {
		t.Errorf("stats %+v, want %d points from 1 to 7, last 3", st, want)
	}
}

// TestFoldFarApart: bucket numbers are kept relative to a series' base,
// renumbered when a point comes more than 2^31 buckets after it; what is
// older than the kept span before the newest point goes.
func TestFoldFarApart(t *testing.T) {
	for _, keep := range []int64{0, 1000} {
		s := NewSeries("s", 1)
		s.SetFold(Fold{Width: 1, Keep: keep})
		s.fold(Point{0, 1})
		s.fold(Point{10, 2})
		far := int64(1) << 40
		s.fold(Point{far, 3})
		s.fold(Point{far - 5, 4})
		if s.fold(Point{far - maxSpan - 10, 5}) {
			t.Errorf("keep %d: a point older than the kept span was kept", keep)
		}
		var times []int64
		for i := range s.buckets {
			times = append(times, s.point(&s.buckets[i], bFirst).T)
		}
		if want := []int64{far - 5, far}; !slices.Equal(times, want) {
			t.Errorf("keep %d: buckets at %v, want %v", keep, times, want)
		}
	}
}

// TestBucketTimes: a bucket keeps its points' times in a power of ten
// nanoseconds, exact in whole units (milliseconds up to buckets of a
// minute), else rounded down to the unit; never outside the bucket.
func TestBucketTimes(t *testing.T) {
	const ms = int64(time.Millisecond)
	tests := []struct {
		name     string
		width    int64
		unit     int64
		t, wantT int64
	}{
		{name: "a 2 m window's bucket, ms time", width: 300 * ms, unit: 10_000, t: 1_700_000_000_123 * ms, wantT: 1_700_000_000_123 * ms},
		{name: "a 2 m window's bucket, ns time", width: 300 * ms, unit: 10_000, t: 1_700_000_000_123*ms + 12_345, wantT: 1_700_000_000_123*ms + 10_000},
		{name: "a minute's bucket, ms time", width: 60_000 * ms, unit: ms, t: 1_700_000_059_999 * ms, wantT: 1_700_000_059_999 * ms},
		{name: "an hour's bucket", width: 3_600_000 * ms, unit: 100 * ms, t: 1_700_000_059_999 * ms, wantT: 1_700_000_059_900 * ms},
		{name: "an odd width", width: 274_599_542, unit: 10_000, t: 1_700_000_000_001 * ms, wantT: 1_700_000_000_001 * ms},
		{name: "before 1970", width: 300 * ms, unit: 10_000, t: -1_234_567, wantT: -1_240_000},
		{name: "tiny buckets", width: 1000, unit: 1, t: 123_456_789, wantT: 123_456_789},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if u := unitOf(tt.width); u != tt.unit {
				t.Errorf("unit %d, want %d", u, tt.unit)
			}
			s := NewSeries("s", 1)
			s.SetFold(Fold{Width: tt.width})
			s.fold(Point{tt.t, 42})
			if got := s.point(&s.buckets[0], bFirst); got != (Point{tt.wantT, 42}) {
				t.Errorf("point %+v, want {%d 42}", got, tt.wantT)
			}
			if start := numOf(tt.t, tt.width) * tt.width; tt.wantT < start && start-tt.wantT >= tt.unit {
				t.Errorf("time %d more than a unit before its bucket's start %d", tt.wantT, start)
			}
		})
	}
}

func TestNumOf(t *testing.T) {
	for _, tt := range []struct{ t, w, want int64 }{
		{t: 25, w: 10, want: 2},
		{t: 20, w: 10, want: 2},
		{t: -5, w: 10, want: -1},
		{t: -10, w: 10, want: -1},
	} {
		if got := numOf(tt.t, tt.w); got != tt.want {
			t.Errorf("numOf(%d, %d) = %d, want %d", tt.t, tt.w, got, tt.want)
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
