package chart

// This file gives read access to what a series holds, for drawing it
// elsewhere than in the terminal (a picture): its folded buckets and the
// spacing its lines are broken at.

// FoldedBucket is one bucket of points folded by a series: the first,
// lowest, highest and last of them, with their times (exact in whole
// units of the bucket's times, else rounded down to one), and how many.
type FoldedBucket struct {
	First, Lo, Hi, Last Point
	N                   int64
}

// AppendBuckets appends to dst the buckets of s that hold points in
// [t0, t1] (Unix ns), oldest first; all are older than the points Len and
// At give.
func (s *Series) AppendBuckets(dst []FoldedBucket, t0, t1 int64) []FoldedBucket {
	for i := s.searchBuckets(t0); i < len(s.buckets); i++ {
		b := &s.buckets[i]
		if int64(b.at[bFirst]) > s.atOf(b, t1) {
			break
		}
		dst = append(dst, FoldedBucket{First: s.point(b, bFirst), Lo: s.point(b, bLo), Hi: s.point(b, bHi),
			Last: s.point(b, bLast), N: int64(b.n)})
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
