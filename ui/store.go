package ui

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// This file holds the dashboard's data: counts, per-partition series and the
// consumer group's state. It must not import bubbletea so that ingest can be
// tested and benchmarked alone.

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

// paneData is everything known about one partition.
type paneData struct {
	partition int
	series    map[string]*series
	order     []*series // natural order of names: the legend's and drawing order
	last      *series   // series of the previous event, to skip the map lookup

	events    int64 // events received (non-finite ones included)
	nonFinite int64 // NaN/±Inf values counted, not drawn
	future    int64 // events timestamped past futureSlack, counted, not drawn
	dups      int64 // events re-delivered (offset below one already seen), counted, not drawn
	maxOffset int64 // highest offset seen, -1 before any
	openBatch int64 // the ingest call whose record holds maxOffset
	rate      rateMeter

	history      int64  // events filled in from the partition's history
	sampledUntil int64  // newest event time of a sampled history (Unix ns), 0 if none
	reset        string // the last log reset, e.g. "log reset: reading from offset 0"

	stat    PartitionStat
	hasStat bool
}

// lag returns the partition's lag and whether it is known.
func (p *paneData) lag() (int64, bool) {
	if !p.hasStat {
		return 0, false
	}
	if p.stat.Committed < 0 {
		return p.stat.High, true
	}
	return max(p.stat.High-p.stat.Committed, 0), true
}

// rebalance records what moved in a new generation: what this instance
// gained and lost, and which partitions went to other members.
type rebalance struct {
	generation   int
	gained, lost []int
	moved        map[int]string // partition → label of the other member it went to
	at           time.Time
}

// groupState is the consumer group as last reported.
type groupState struct {
	known      bool
	generation int
	memberID   string
	assignor   string // the group's assignor; "" if unknown
	owned      []int  // sorted
	members    []Member
	owner      map[int]string // partition → label of the member that owns it
	ownerID    map[int]string // partition → member id of its owner, when members are known
	last       rebalance
}

// owns reports whether this instance owns partition p.
func (g *groupState) owns(p int) bool {
	_, ok := slices.BinarySearch(g.owned, p)
	return ok
}

// memberLabel names a member by client id, else member id, else host.
func memberLabel(m Member) string {
	switch {
	case m.ClientID != "":
		return m.ClientID
	case m.MemberID != "":
		return m.MemberID
	case m.Host != "":
		return m.Host
	default:
		return "?"
	}
}

// store is the dashboard's data.
type store struct {
	capacity int
	panes    []*paneData // by partition; nil until the partition is seen
	count    int         // partition count reported by PartitionsMsg

	newest    int64 // newest event time seen on the topic (Unix ns)
	hasNewest bool

	events    int64
	nonFinite int64
	future    int64
	dups      int64
	batches   int64 // ingest calls so far
	gaps      int64 // Gap events: nulls and missing fields
	rate      rateMeter
	errors    int64
	lastError string

	fields []string        // non-empty event fields, in order of first appearance
	field  map[string]bool // the same as a set

	group groupState
}

// newStore returns an empty store keeping capacity points per series.
func newStore(capacity int) *store {
	return &store{capacity: capacity, field: make(map[string]bool)}
}

// seriesName returns the key of the line of series and field in a pane.
func seriesName(series, field string) string {
	if field == "" {
		return series
	}
	return series + "." + field
}

// pane returns the data of partition p (0 <= p < maxPartitions), creating it.
func (s *store) pane(p int) *paneData {
	if p >= len(s.panes) {
		s.panes = append(s.panes, make([]*paneData, p+1-len(s.panes))...)
	}
	d := s.panes[p]
	if d == nil {
		d = &paneData{partition: p, series: make(map[string]*series), maxOffset: -1}
		s.panes[p] = d
	}
	return d
}

// paneIfAny returns the data of partition p or nil.
func (s *store) paneIfAny(p int) *paneData {
	if p < 0 || p >= len(s.panes) {
		return nil
	}
	return s.panes[p]
}

// validPartition reports whether p can have a pane.
func validPartition(p int) bool { return p >= 0 && p < maxPartitions }

// partitions returns the number of panes to show.
func (s *store) partitions() int {
	return max(s.count, len(s.panes))
}

// lookup returns the line of series base and field in pane d, creating it.
func (s *store) lookup(d *paneData, base, field string) *series {
	name := seriesName(base, field)
	sr := d.series[name]
	if sr != nil {
		return sr
	}
	sr = newSeries(name, s.capacity)
	sr.base, sr.field = base, field
	d.series[name] = sr
	i := sort.Search(len(d.order), func(i int) bool { return naturalLess(name, d.order[i].name) })
	d.order = slices.Insert(d.order, i, sr)
	return sr
}

// addError counts a decode error.
func (s *store) addError(partition int, offset int64, msg string) {
	s.errors++
	s.lastError = "p" + strconv.Itoa(partition) + "@" + strconv.FormatInt(offset, 10) + ": " + msg
}

// ingest adds a batch of events and decode errors received at now (Unix ns).
func (s *store) ingest(events []Event, errs []DecodeError, now int64) {
	s.batches++
	for i := range events {
		s.add(&events[i], now, false)
	}
	s.rate.add(now, len(events))
	for _, de := range errs {
		if validPartition(de.Partition) {
			s.pane(de.Partition)
		}
		s.addError(de.Partition, de.Offset, de.Err)
	}
}

// ingestHistory adds a partition's history received at now (Unix ns). Its
// events at offsets already seen are what this instance read itself: they
// are skipped, not counted as re-delivered; the rest is drawn like live
// events but not counted in the rates.
func (s *store) ingestHistory(msg HistoryMsg, now int64) {
	s.batches++
	if !validPartition(msg.Partition) {
		return
	}
	d := s.pane(msg.Partition)
	newest := int64(0)
	for i := range msg.Events {
		e := &msg.Events[i]
		if e.Partition != msg.Partition {
			continue
		}
		if s.add(e, now, true) {
			d.history++
			newest = max(newest, e.Time.UnixNano())
		}
	}
	if msg.Sampled && newest > 0 {
		d.sampledUntil = max(d.sampledUntil, newest)
	}
}

// logReset records that a partition's log was reset: its offsets start
// again at from, so offsets below those seen before are new records, not
// re-deliveries.
func (s *store) logReset(msg LogResetMsg) {
	if !validPartition(msg.Partition) {
		return
	}
	d := s.pane(msg.Partition)
	d.maxOffset, d.openBatch = -1, 0
	d.reset = "log reset: reading from offset " + strconv.FormatInt(msg.From, 10)
}

// sampled reports whether the pane shows points of a sampled history in a
// window starting at from (Unix ns).
func (d *paneData) sampled(from int64) bool {
	return d.sampledUntil != 0 && d.sampledUntil >= from
}

// add adds one event received at now (Unix ns) and reports whether it was
// new. At-least-once delivery repeats records after a rebalance or an
// outage: those are counted as re-delivered, unless they come from a
// history (this instance read them itself before).
func (s *store) add(e *Event, now int64, history bool) bool {
	if !validPartition(e.Partition) {
		s.addError(e.Partition, e.Offset, "partition out of range")
		return false
	}
	d := s.pane(e.Partition)
	// The several events of one record (one per plotted field) share its
	// offset and arrive together, in one batch.
	if e.Offset < d.maxOffset || e.Offset == d.maxOffset && d.openBatch != s.batches {
		if !history {
			d.dups++
			s.dups++
		}
		return false
	}
	d.maxOffset, d.openBatch = e.Offset, s.batches
	if e.Gap {
		s.gap(d, e)
		return true
	}
	d.events++
	if !history {
		d.rate.add(now, 1)
	}
	s.events++
	if e.Field != "" && !s.field[e.Field] {
		s.field[e.Field] = true
		s.fields = append(s.fields, e.Field)
	}
	if math.IsNaN(e.Value) || math.IsInf(e.Value, 0) {
		d.nonFinite++
		s.nonFinite++
		return true
	}
	if u := e.Time.Unix(); u < minEventUnix || u > maxEventUnix {
		s.addError(e.Partition, e.Offset, "event time out of range: "+e.Time.UTC().Format(time.RFC3339))
		return true
	}
	if e.Time.UnixNano() > now+int64(futureSlack) {
		d.future++
		s.future++
		return true
	}
	sr := d.last
	if sr == nil || sr.base != e.Series || sr.field != e.Field {
		sr = s.lookup(d, e.Series, e.Field)
		d.last = sr
	}
	t := e.Time.UnixNano()
	sr.add(t, e.Value)
	if !s.hasNewest || t > s.newest {
		s.newest, s.hasNewest = t, true
	}
	return true
}

// gap counts a Gap event and breaks its line, if the line exists.
func (s *store) gap(d *paneData, e *Event) {
	s.gaps++
	if u := e.Time.Unix(); u < minEventUnix || u > maxEventUnix {
		return
	}
	if sr := d.series[seriesName(e.Series, e.Field)]; sr != nil {
		sr.add(e.Time.UnixNano(), math.NaN())
	}
}

// setOffsets records committed offsets and high watermarks.
func (s *store) setOffsets(stats []PartitionStat) (changed bool) {
	for _, st := range stats {
		if !validPartition(st.Partition) {
			continue
		}
		d := s.pane(st.Partition)
		changed = changed || !d.hasStat || d.stat != st
		d.stat, d.hasStat = st, true
	}
	return changed
}

// setPartitions records the topic's partition count.
func (s *store) setPartitions(n int) {
	s.count = min(max(n, 0), maxPartitions)
}

// setGroup records a generation of the consumer group at time now.
func (s *store) setGroup(msg GroupMsg, now time.Time) {
	g := &s.group
	prevKnown, prevGen, prevOwned := g.known, g.generation, g.owned

	owned := make([]int, 0, len(msg.Owned))
	for _, p := range msg.Owned {
		if validPartition(p) {
			owned = append(owned, p)
			s.pane(p)
		}
	}
	slices.Sort(owned)
	owned = slices.Compact(owned)

	members := make([]Member, len(msg.Members))
	owner := make(map[int]string)
	// Members described (even with nothing assigned, as in the middle of a
	// rebalance) say who owns what, so the next report can tell what moved.
	var ownerID map[int]string
	if len(msg.Members) > 0 {
		ownerID = make(map[int]string)
	}
	for i, m := range msg.Members {
		m.Partitions = slices.Clone(m.Partitions)
		slices.Sort(m.Partitions)
		members[i] = m
		for _, p := range m.Partitions {
			if validPartition(p) {
				s.pane(p)
				owner[p] = memberLabel(m)
				ownerID[p] = m.MemberID
			}
		}
	}
	// Partitions that went to another member since the last report (only
	// when both reports name the members).
	var moved map[int]string
	if prevKnown && g.ownerID != nil && ownerID != nil {
		for p, id := range ownerID {
			if id != msg.MemberID && g.ownerID[p] != id {
				if moved == nil {
					moved = make(map[int]string)
				}
				moved[p] = owner[p]
			}
		}
	}
	g.known, g.generation, g.memberID, g.assignor = true, msg.Generation, msg.MemberID, msg.Assignor
	g.owned, g.members, g.owner, g.ownerID = owned, members, owner, ownerID

	if !prevKnown || msg.Generation != prevGen {
		g.last = rebalance{
			generation: msg.Generation,
			gained:     diffSorted(owned, prevOwned),
			lost:       diffSorted(prevOwned, owned),
			moved:      moved,
			at:         now,
		}
		return
	}
	// The members of this generation described later: what moved.
	for p, label := range moved {
		if g.last.moved == nil {
			g.last.moved = make(map[int]string)
		}
		g.last.moved[p] = label
	}
}

// diffSorted returns the elements of sorted a that are not in sorted b.
func diffSorted(a, b []int) []int {
	var out []int
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); !ok {
			out = append(out, x)
		}
	}
	return out
}

// ownerOf returns who owns partition p as this instance sees it: owned is true
// when this instance owns it (or no group state is known yet); otherwise label
// names the owning member, or is "" when nobody owns it.
func (s *store) ownerOf(p int) (owned bool, label string) {
	g := &s.group
	if !g.known || g.owns(p) {
		return true, ""
	}
	return false, g.owner[p]
}

// formatPartitions formats partitions as [0,1,2].
func formatPartitions(ps []int) string {
	b := make([]byte, 0, 2+4*len(ps))
	b = append(b, '[')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(p), 10)
	}
	return string(append(b, ']'))
}

// formatRebalance formats the last rebalance as "gen 3: +p1, p0 → rdkafka":
// what this instance gained, then every partition that went to another
// member (or −p2 when this instance gave one up that nobody owns yet).
func formatRebalance(r rebalance) string {
	var own, parts []string
	for _, p := range r.gained {
		own = append(own, "+p"+strconv.Itoa(p))
	}
	for _, p := range r.lost {
		if _, ok := r.moved[p]; !ok {
			own = append(own, "−p"+strconv.Itoa(p))
		}
	}
	if len(own) > 0 {
		parts = append(parts, strings.Join(own, " "))
	}
	for _, p := range slices.Sorted(maps.Keys(r.moved)) {
		parts = append(parts, fmt.Sprintf("p%d → %s", p, r.moved[p]))
	}
	if len(parts) == 0 {
		parts = append(parts, "no change")
	}
	return fmt.Sprintf("gen %d: %s", r.generation, strings.Join(parts, ", "))
}
