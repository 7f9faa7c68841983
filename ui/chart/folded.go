package chart

import "sort"

// This file gives read access to what a series holds, for drawing it
// elsewhere than in the terminal (a picture): its folded buckets and the
// spacing its lines are broken at.

// FoldedBucket is one bucket of points folded by a series: the first,
// lowest, highest and last of them, with their times, and how many.
type FoldedBucket struct {
	First, Lo, Hi, Last Point
	N                   int64
}

// AppendBuckets appends to dst the buckets of s that hold points in
// [t0, t1] (Unix ns), oldest first; all are older than the points Len and
// At give.
func (s *Series) AppendBuckets(dst []FoldedBucket, t0, t1 int64) []FoldedBucket {
	i := sort.Search(len(s.buckets), func(i int) bool { return s.buckets[i].last.T >= t0 })
	for ; i < len(s.buckets) && s.buckets[i].first.T <= t1; i++ {
		b := &s.buckets[i]
		dst = append(dst, FoldedBucket{First: b.first, Lo: b.lo, Hi: b.hi, Last: b.last, N: b.n})
	}
	return dst
}

// JoinLimit returns the spacing (ns) above which two neighbouring points or
// buckets of s are not joined by its line, as the chart draws it.
func (s *Series) JoinLimit() int64 { return s.foldGap(s.gapLimit()) }

// SeriesColors returns the series' colours as hex RGB, in palette order:
// Palette.Assign gives a series the index of its colour in this list
// (modulo its length).
func SeriesColors() []string {
	return []string{
		"#4FC3F7", "#FFB74D", "#81C784", "#F06292", "#BA68C8",
		"#FFF176", "#4DB6AC", "#E57373", "#A1887F", "#90A4AE",
	}
}
