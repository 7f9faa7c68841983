package chart

import (
	"math"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"time"
	"unsafe"
)

// This file holds the dashboard's data: counts, per-partition series and the
// consumer group's state.

// maxPartitions bounds the partition numbers accepted; records of higher
// partitions are counted as decode errors instead of growing the pane table.
const maxPartitions = 4096

// futureSlack is how far past the wall clock an event's time may lie and
// still be drawn: one record stamped years ahead must not drag the sliding
// window away from every other one. Such events are counted instead.
const futureSlack = 10 * time.Minute

// Earliest and latest event times accepted, in Unix seconds: the range in
// which UnixNano is defined (years 1678 to 2262).
const (
	minEventUnix = -9_223_372_035
	maxEventUnix = 9_223_372_035
)

// Pane is everything known about one partition. Its exported fields are
// for reading; the Store changes them.
type Pane struct {
	Partition int
	Series    map[string]*Series   // by name (series or series.field)
	Order     []*Series            // natural order of names: the legend's and drawing order
	slots     *[lineSlots]lineSlot // lines by their names' strings, to skip the map lookup

	Events    int64      // records received, not re-delivered (one per offset, whatever its events)
	NonFinite int64      // NaN/±Inf values counted, not drawn
	Future    int64      // events timestamped past futureSlack, counted, not drawn
	OverLines int64      // events of lines past MaxLines, counted, not drawn
	Dups      int64      // records re-delivered (offset below one already seen), counted, not drawn
	seen      offsetRuns // offsets received
	liveMax   int64      // highest offset received live, -1 before any
	dupOffset int64      // the last re-delivered record's offset, in ingest call dupBatch
	dupBatch  int64      // the ingest call of dupOffset
	Meter     RateMeter  // live records per second (histories not counted)

	history   int64       // records filled in from the partition's history
	History   HistoryPart // the last part of the partition's history received
	ResetFrom int64       // the offset reading went on from after the last log reset, -1 if none

	Stat    PartitionStat // committed offset and high watermark, if HasStat
	HasStat bool
}

// Lag returns the partition's lag and whether it is known.
func (p *Pane) Lag() (int64, bool) {
	if !p.HasStat {
		return 0, false
	}
	if p.Stat.Committed < 0 {
		return p.Stat.High, true
	}
	return max(p.Stat.High-p.Stat.Committed, 0), true
}

// Store is the dashboard's data: per-partition panes of series, counts and
// the consumer group's state. Its exported fields are for reading; it
// changes only through its methods. It is not safe for concurrent use.
type Store struct {
	capacity int     // points kept as they came per line while lines are few
	ringCap  int     // points kept as they came per line now (ringCapacity)
	fold     Fold    // how series fold the points that leave their ring
	Panes    []*Pane // by partition; nil until the partition is seen
	count    int     // partition count reported by SetPartitions
	lines    int     // lines over all panes, at most MaxLines

	Newest    int64 // newest event time seen on the topic (Unix ns)
	hasNewest bool

	Events    int64 // records received, as Pane.Events, over all panes
	NonFinite int64 // as Pane.NonFinite, over all panes
	Future    int64 // as Pane.Future, over all panes
	OverLines int64 // as Pane.OverLines, over all panes
	Dups      int64 // as Pane.Dups, over all panes
	batches   int64 // ingest calls so far
	Gaps      int64 // Gap events: nulls and missing fields
	// Meter is live records per second, as Pane.Meter, over all panes.
	Meter     RateMeter
	Errors    int64  // decode errors
	LastError string // the last decode error, e.g. "p0@12: bad magic byte"

	Fields []string        // non-empty event fields, in order of first appearance
	field  map[string]bool // the same as a set
	name   []byte          // scratch: a line's name, to look it up without allocating

	Group    GroupState // the consumer group as last reported
	Timeline Timeline   // the group's history as this instance saw it
}

// NewStore returns an empty store keeping capacity points per series as
// they came (fewer when its lines are many: storePoints); older points are
// dropped until SetFold says how to fold them.
func NewStore(capacity int) *Store {
	s := &Store{capacity: capacity, field: make(map[string]bool)}
	s.ringCap = s.ringCapacity()
	return s
}

// storePoints bounds the points a store keeps as they came over all its
// lines (16 bytes each), unless its capacity for one line is more: with
// many lines each keeps fewer. What leaves a ring is folded into the
// buckets the rest of the window is drawn from (fold.go): each bucket's
// extremes are still drawn and the legend's statistics stay those of
// every point.
const storePoints = 256 << 10

// ringCapacity returns the points each line keeps as they came: the store's
// capacity while the lines' rings fit in storePoints, else the largest
// power of two that fits (at least 256 with MaxLines), so that the rings
// shrink only a few times as lines come.
func (s *Store) ringCapacity() int {
	lines := max(s.lines, 1)
	budget := max(storePoints, s.capacity)
	if s.capacity <= budget/lines {
		return s.capacity
	}
	return 1 << (bits.Len(uint(budget/lines)) - 1)
}

// seriesName returns the key of the line of series and field in a pane.
func seriesName(series, field string) string {
	if field == "" {
		return series
	}
	return series + "." + field
}

// lineName is seriesName in the store's scratch buffer, valid until the
// next call: indexing a map with string(s.lineName(…)) allocates nothing.
func (s *Store) lineName(series, field string) []byte {
	s.name = append(s.name[:0], series...)
	if field != "" {
		s.name = append(append(s.name, '.'), field...)
	}
	return s.name
}

// pane returns the data of partition p (0 <= p < maxPartitions), creating it.
func (s *Store) pane(p int) *Pane {
	if p >= len(s.Panes) {
		s.Panes = append(s.Panes, make([]*Pane, p+1-len(s.Panes))...)
	}
	d := s.Panes[p]
	if d == nil {
		d = &Pane{Partition: p, Series: make(map[string]*Series), seen: newOffsetRuns(), liveMax: -1, ResetFrom: -1}
		s.Panes[p] = d
	}
	return d
}

// PaneIfAny returns the data of partition p or nil.
func (s *Store) PaneIfAny(p int) *Pane {
	if p < 0 || p >= len(s.Panes) {
		return nil
	}
	return s.Panes[p]
}

// validPartition reports whether p can have a pane.
func validPartition(p int) bool { return p >= 0 && p < maxPartitions }

// Partitions returns the number of panes to show.
func (s *Store) Partitions() int {
	return max(s.count, len(s.Panes))
}

// MaxLines is how many lines (series × field) a Store keeps over all its
// panes. A topic whose series key is unique per record (a click id) would
// otherwise grow without bound; events of further lines are counted in
// OverLines and shown, never drawn.
const MaxLines = 1024

// lineSlots is the size of a pane's cache of lines by the identity of their
// names' strings: events name their line with the very strings of the
// events before (the dashboard's extractor keeps one string per series), and
// a line found by them needs no hashing of its name.
const lineSlots = 1024

// lineSlot is a line and the strings that last named it.
type lineSlot struct {
	series, field string
	sr            *Series
}

// line is lookup through the pane's slots.
func (s *Store) line(d *Pane, series, field string) *Series {
	if d.slots == nil {
		d.slots = new([lineSlots]lineSlot)
	}
	h := uintptr(unsafe.Pointer(unsafe.StringData(series)))>>4 ^ uintptr(unsafe.Pointer(unsafe.StringData(field)))>>3
	slot := &d.slots[h%lineSlots]
	if slot.sr != nil && sameString(slot.series, series) && sameString(slot.field, field) {
		return slot.sr
	}
	sr := s.lookup(d, series, field)
	if sr != nil {
		*slot = lineSlot{series: series, field: field, sr: sr}
	}
	return sr
}

// sameString reports whether a and b are the same string in memory (so
// equal; equal strings elsewhere in memory are not the same).
func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// lookup returns the line of series base and field in pane d, creating it,
// or nil when it is new and the store holds MaxLines already.
func (s *Store) lookup(d *Pane, base, field string) *Series {
	if sr := d.Series[string(s.lineName(base, field))]; sr != nil {
		return sr
	}
	if s.lines >= MaxLines {
		return nil
	}
	s.lines++
	if c := s.ringCapacity(); c != s.ringCap {
		s.ringCap = c
		s.eachSeries(func(sr *Series) { sr.setCapacity(c) })
	}
	name := seriesName(base, field)
	sr := NewSeries(name, s.ringCap)
	sr.Base, sr.Field = base, field
	sr.SetFold(s.fold)
	d.Series[name] = sr
	i := sort.Search(len(d.Order), func(i int) bool { return naturalLess(name, d.Order[i].Name) })
	d.Order = slices.Insert(d.Order, i, sr)
	return sr
}

// SetFold sets how every series folds the points that leave its ring of
// recent points (see FoldFor), re-folding what they hold.
func (s *Store) SetFold(f Fold) {
	if f == s.fold {
		return
	}
	s.fold = f
	s.eachSeries(func(sr *Series) { sr.SetFold(f) })
}

// eachSeries calls fn for every line of every pane.
func (s *Store) eachSeries(fn func(*Series)) {
	for _, d := range s.Panes {
		if d == nil {
			continue
		}
		for _, sr := range d.Order {
			fn(sr)
		}
	}
}

// addError counts a decode error.
func (s *Store) addError(partition int, offset int64, msg string) {
	s.Errors++
	s.LastError = "p" + strconv.Itoa(partition) + "@" + strconv.FormatInt(offset, 10) + ": " + msg
}

// Ingest adds a batch of events and decode errors received at now (Unix ns).
func (s *Store) Ingest(events []Event, errs []DecodeError, now int64) {
	s.batches++
	records := 0
	for i := range events {
		if s.add(&events[i], now, false) {
			records++
		}
	}
	s.Meter.add(now, records)
	for _, de := range errs {
		if validPartition(de.Partition) {
			s.pane(de.Partition)
		}
		s.addError(de.Partition, de.Offset, de.Err)
	}
}

// HistoryPart says how far the reading of a partition's history got.
type HistoryPart struct {
	// Read is how many records of the history are read so far, of Total.
	Read, Total int64
	// Done says the history is read.
	Done bool
	// Slices says which part of a history too long to read whole was
	// read ("1 minute in 12"); "" when read whole.
	Slices string
}

// Reading reports whether the history is being read.
func (h HistoryPart) Reading() bool { return !h.Done && h.Total > 0 }

// IngestHistory adds a part of a partition's history received at now (Unix
// ns), before, after or between live events and other parts. Its events at offsets already seen are
// what this instance read itself: they are skipped, not counted as
// re-delivered; the rest is drawn like live events but not counted in the
// rates.
func (s *Store) IngestHistory(partition int, events []Event, part HistoryPart, now int64) {
	s.batches++
	if !validPartition(partition) {
		return
	}
	d := s.pane(partition)
	for i := range events {
		e := &events[i]
		if e.Partition != partition {
			continue
		}
		if s.add(e, now, true) {
			d.history++
		}
	}
	d.History = part
}

// IngestOlder adds events of the partitions keep accepts, read from the
// log outside the live stream for a window longer than the partitions'
// histories, received at now (Unix ns), as parts of their histories:
// records already received are skipped, the rest drawn but not counted in
// the rates; each pane keep accepts says how far the reading got (part).
func (s *Store) IngestOlder(events []Event, keep func(partition int) bool, part HistoryPart, now int64) {
	s.batches++
	for i := range events {
		e := &events[i]
		if validPartition(e.Partition) && keep(e.Partition) && s.add(e, now, true) {
			s.Panes[e.Partition].history++
		}
	}
	for p := range s.Partitions() {
		if validPartition(p) && keep(p) {
			s.pane(p).History = part
		}
	}
}

// IngestRead adds events read from the log outside the live stream (a
// range of the past) received at now (Unix ns): drawn like live events but
// counted neither in the rates nor as re-delivered.
func (s *Store) IngestRead(events []Event, now int64) {
	s.batches++
	for i := range events {
		s.add(&events[i], now, true)
	}
}

// LogReset records that a partition's log was reset: its offsets start
// again at from, so offsets below those seen before are new records, not
// re-deliveries.
func (s *Store) LogReset(partition int, from int64) {
	if !validPartition(partition) {
		return
	}
	d := s.pane(partition)
	d.seen, d.liveMax = newOffsetRuns(), -1
	d.ResetFrom = from
}

// add adds one event received at now (Unix ns) and reports whether it is
// the first of a new record. A record's events (one per plotted field)
// share its offset and arrive together, in one batch; the record is counted
// once. At-least-once delivery repeats records after a rebalance or an
// outage: those are counted as re-delivered, unless they come from a
// history (this instance read them itself before).
func (s *Store) add(e *Event, now int64, history bool) bool {
	if !validPartition(e.Partition) {
		s.addError(e.Partition, e.Offset, "partition out of range")
		return false
	}
	d := s.pane(e.Partition)
	// Live records come in offset order: one below the highest live
	// offset is re-delivered. A history may come in any order, also after
	// live records: only what was received is skipped.
	ok, first := false, false
	if history || e.Offset >= d.liveMax {
		ok, first = d.seen.add(e.Offset, s.batches)
	}
	if !ok {
		if !history && (e.Offset != d.dupOffset || d.dupBatch != s.batches) {
			d.Dups++
			s.Dups++
		}
		d.dupOffset, d.dupBatch = e.Offset, s.batches
		return false
	}
	if !history {
		d.liveMax = e.Offset
	}
	if first {
		d.Events++
		s.Events++
		if !history {
			d.Meter.add(now, 1)
		}
	}
	s.put(d, e, now)
	return first
}

// put draws or counts one event, received at now (Unix ns), of a record
// that is not re-delivered.
func (s *Store) put(d *Pane, e *Event, now int64) {
	if e.Gap {
		s.gap(d, e)
		return
	}
	if e.Field != "" && !s.field[e.Field] {
		s.field[e.Field] = true
		s.Fields = append(s.Fields, e.Field)
	}
	if math.IsNaN(e.Value) || math.IsInf(e.Value, 0) {
		d.NonFinite++
		s.NonFinite++
		return
	}
	if u := e.Time.Unix(); u < minEventUnix || u > maxEventUnix {
		s.addError(e.Partition, e.Offset, "event time out of range: "+e.Time.UTC().Format(time.RFC3339))
		return
	}
	if e.Time.UnixNano() > now+int64(futureSlack) {
		d.Future++
		s.Future++
		return
	}
	sr := s.line(d, e.Series, e.Field)
	if sr == nil {
		d.OverLines++
		s.OverLines++
		return
	}
	t := e.Time.UnixNano()
	sr.Add(t, e.Value)
	if !s.hasNewest || t > s.Newest {
		s.Newest, s.hasNewest = t, true
	}
}

// gap counts a Gap event and breaks its line, if the line exists.
func (s *Store) gap(d *Pane, e *Event) {
	s.Gaps++
	if u := e.Time.Unix(); u < minEventUnix || u > maxEventUnix {
		return
	}
	if sr := d.Series[string(s.lineName(e.Series, e.Field))]; sr != nil {
		sr.Add(e.Time.UnixNano(), math.NaN())
	}
}

// SetOffsets records committed offsets and high watermarks.
func (s *Store) SetOffsets(stats []PartitionStat) (changed bool) {
	for _, st := range stats {
		if !validPartition(st.Partition) {
			continue
		}
		d := s.pane(st.Partition)
		changed = changed || !d.HasStat || d.Stat != st
		d.Stat, d.HasStat = st, true
	}
	return changed
}

// SetPartitions records the topic's partition count.
func (s *Store) SetPartitions(n int) {
	s.count = min(max(n, 0), maxPartitions)
}
