package chart

import "sort"

// This file remembers which offsets of a partition were received, so that
// a record re-delivered is told from a new one whatever order the records
// come in: a history read in pieces at once, and live records while it is
// read.

// maxRuns bounds the runs an offsetRuns keeps; past it the two runs
// closest to each other are joined (the offsets between them, which held
// no record received, such as a transaction's control records, then count
// as received).
const maxRuns = 64

// offsetRun is the offsets [lo, hi], all received.
type offsetRun struct{ lo, hi int64 }

// offsetRuns is the offsets of a partition received, as runs of
// consecutive offsets, and the last one received with the ingest call it
// came in (the several events of one record share its offset and come in
// one call).
type offsetRuns struct {
	runs      []offsetRun // sorted, disjoint, not adjacent
	cur       int         // index of the run the last offset went into
	last      int64       // the last offset received, -1 before any
	lastBatch int64       // the ingest call it came in
}

func newOffsetRuns() offsetRuns { return offsetRuns{last: -1} }

// add records offset, received in ingest call batch, and reports whether
// it is new (not received before, or another event of the record received
// last in the same call) and whether it is the record's first event.
func (o *offsetRuns) add(offset, batch int64) (isNew, first bool) {
	if offset == o.last && batch == o.lastBatch {
		return true, false
	}
	if o.cur < len(o.runs) && o.runs[o.cur].hi+1 == offset && (o.cur+1 == len(o.runs) || o.runs[o.cur+1].lo > offset+1) {
		o.runs[o.cur].hi = offset // the common case: the next offset
		o.last, o.lastBatch = offset, batch
		return true, true
	}
	i := sort.Search(len(o.runs), func(i int) bool { return o.runs[i].lo > offset })
	switch {
	case i > 0 && o.runs[i-1].hi >= offset:
		return false, false
	case i > 0 && o.runs[i-1].hi+1 == offset:
		o.runs[i-1].hi = offset
		if i < len(o.runs) && o.runs[i].lo == offset+1 {
			o.runs[i-1].hi = o.runs[i].hi
			o.runs = append(o.runs[:i], o.runs[i+1:]...)
		}
		o.cur = i - 1
	case i < len(o.runs) && o.runs[i].lo == offset+1:
		o.runs[i].lo = offset
		o.cur = i
	default:
		o.runs = append(o.runs, offsetRun{})
		copy(o.runs[i+1:], o.runs[i:])
		o.runs[i] = offsetRun{lo: offset, hi: offset}
		o.cur = i
		if len(o.runs) > maxRuns {
			o.joinClosest()
		}
	}
	o.last, o.lastBatch = offset, batch
	return true, true
}

// joinClosest joins the two neighbouring runs with the fewest offsets
// between them.
func (o *offsetRuns) joinClosest() {
	best := 1
	for i := 2; i < len(o.runs); i++ {
		if o.runs[i].lo-o.runs[i-1].hi < o.runs[best].lo-o.runs[best-1].hi {
			best = i
		}
	}
	o.runs[best-1].hi = o.runs[best].hi
	o.runs = append(o.runs[:best], o.runs[best+1:]...)
	if o.cur >= best {
		o.cur--
	}
}
