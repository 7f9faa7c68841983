package chart

// This file counts events per second.

// Rate meter geometry: rateBuckets buckets of rateBucketNanos each, so rates
// are averaged over the last five seconds.
const (
	rateBuckets     = 20
	rateBucketNanos = int64(250_000_000)
	rateWindowNanos = rateBuckets * rateBucketNanos
	minRateSpan     = int64(1_000_000_000)
)

// RateMeter measures events per second over a sliding window of a few seconds
// on a clock given by the caller (Unix nanoseconds). The zero value is ready to
// use.
type RateMeter struct {
	counts  [rateBuckets]int64
	cur     int64 // bucket number (time / rateBucketNanos) of the newest bucket
	start   int64 // time of the first add
	started bool
}

// bucketOf returns the bucket number of time now (floor division).
func bucketOf(now int64) int64 {
	b := now / rateBucketNanos
	if now < 0 && now%rateBucketNanos != 0 {
		b--
	}
	return b
}

// slot returns the index in counts of bucket number b.
func slot(b int64) int {
	i := int(b % rateBuckets)
	if i < 0 {
		i += rateBuckets
	}
	return i
}

// add counts n events at time now. A clock that goes backwards counts into the
// newest bucket.
func (r *RateMeter) add(now int64, n int) {
	if n <= 0 {
		return
	}
	b := bucketOf(now)
	if !r.started {
		r.started, r.start, r.cur = true, now, b
	}
	if b > r.cur {
		gap := b - r.cur
		if gap > rateBuckets {
			gap = rateBuckets
		}
		for k := int64(1); k <= gap; k++ {
			r.counts[slot(r.cur+k)] = 0
		}
		r.cur = b
	}
	r.counts[slot(r.cur)] += int64(n)
}

// Rate returns the events per second over the window ending at now. The span
// divided by is the time covered by the window's buckets, cut to the time
// since the first event but never below one second, so a first burst does not
// read as a huge rate.
func (r *RateMeter) Rate(now int64) float64 {
	if !r.started {
		return 0
	}
	b := bucketOf(now)
	if b < r.cur {
		b = r.cur
	}
	lo := b - rateBuckets + 1
	from := lo
	if c := r.cur - rateBuckets + 1; c > from {
		from = c
	}
	var sum int64
	for k := from; k <= r.cur; k++ {
		sum += r.counts[slot(k)]
	}
	if sum == 0 {
		return 0
	}
	windowStart := lo * rateBucketNanos
	if r.start > windowStart {
		windowStart = r.start
	}
	span := now - windowStart
	if span < minRateSpan {
		span = minRateSpan
	}
	return float64(sum) * 1e9 / float64(span)
}
