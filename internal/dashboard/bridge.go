package dashboard

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/extract"
	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui"
)

// maxPending bounds the events waiting to be sent; past it the consumer
// waits (backpressure) rather than dropping anything.
const maxPending = 16_384

// sendAt is the most events of one ui.EventsMsg: past it the events are
// queued and sent without waiting for the next interval, so that a
// consumer catching up hands the UI one slice of this size after another
// (reused, not grown) instead of ever larger ones once per interval.
const sendAt = 4_096

// maxGapFields bounds the fields for which a record without them gets gap
// events, so that a topic with very many fields costs no more per record.
const maxGapFields = 64

// WriterFunc returns the writer schema of an id (schema.Decoder.Writer).
type WriterFunc func(ctx context.Context, id int) (*schema.Writer, error)

// schemaSeen counts the records of one writer schema.
type schemaSeen struct {
	id      int
	label   string
	records int64
}

// Bridge turns consumed records into batched ui messages, at most one batch
// per frame interval, so the UI is never woken once per Kafka record, but
// at once for every sendAt events when records come faster. The extractor
// chooses what each record plots.
type Bridge struct {
	send    func(tea.Msg)
	wake    chan struct{} // data is waiting for run to send it
	full    chan struct{} // sendAt events are waiting: send them now
	ex      *extract.Extractor
	writers WriterFunc

	mu         sync.Mutex
	drained    *sync.Cond
	events     []ui.Event
	errs       []ui.DecodeError
	queue      []tea.Msg // histories and log resets, with the events before them, to send in order
	queued     int       // events in queue
	statuses   map[int]stream.Status
	unplotted  int      // records with nothing to plot
	skipped    []string // repeated and map fields of the schemas seen, never plotted
	changed    bool
	points     []extract.Point // scratch
	fields     []string        // fields plotted so far, in order of first appearance
	fieldSet   map[string]bool
	free       chan []ui.Event // events slices the UI has stored, to reuse
	history    bool            // a history's part is being converted
	schemas    map[int]*schemaSeen
	last       *schemaSeen
	source     extract.Source // where the last record's points came from
	plotDirty  bool
	recordSeen bool
	registry   string // what the registry's own check found wrong; "" when it answers
}

// NewBridge returns a Bridge sending to send, choosing points with ex and
// naming writer schemas through writers.
func NewBridge(send func(tea.Msg), ex *extract.Extractor, writers WriterFunc) *Bridge {
	b := &Bridge{send: send, ex: ex, writers: writers, statuses: map[int]stream.Status{},
		fieldSet: map[string]bool{}, schemas: map[int]*schemaSeen{}}
	b.drained = sync.NewCond(&b.mu)
	b.wake = make(chan struct{}, 1)
	b.full = make(chan struct{}, 1)
	// Room for every slice there can be: maxPending/sendAt queued, one
	// being filled, one the UI stores, one in a message on its way: a slice
	// once made goes round and round, none is made per message.
	b.free = make(chan []ui.Event, maxPending/sendAt+3)
	return b
}

// Records converts a consumed batch. It blocks while too much is pending.
func (b *Bridge) Records(ctx context.Context, batch []stream.Record) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.waitDrained(ctx)
	b.convert(ctx, batch)
	b.notify()
	if b.queued > 0 {
		select {
		case b.full <- struct{}{}:
		default:
		}
	}
	return nil
}

// waitDrained waits while too much is pending.
func (b *Bridge) waitDrained(ctx context.Context) {
	for len(b.events)+b.queued > maxPending && ctx.Err() == nil {
		b.drained.Wait()
	}
}

// History converts a part of a partition's history into a ui.HistoryMsg
// with its progress (joined to the message of the part before, when nothing
// came between and it has room), sent after the events converted before it
// and before those after it. It blocks while too much is pending.
func (b *Bridge) History(ctx context.Context, h stream.History) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.waitDrained(ctx)
	b.cut()
	// Parts that follow each other go to the UI as one message while it
	// holds fewer than sendAt events: a history of millions of records is
	// a few messages per frame, in slices the UI gives back.
	if n := len(b.queue); n > 0 {
		if last, ok := b.queue[n-1].(ui.HistoryMsg); ok && last.Partition == h.Partition && !last.Done && len(last.Events) < sendAt {
			b.queue, b.queued, b.events = b.queue[:n-1], b.queued-len(last.Events), last.Events
		}
	}
	b.history = true // a part's events stay together, past sendAt too
	b.convert(ctx, h.Records)
	b.history = false
	msg := ui.HistoryMsg{Partition: h.Partition, Events: b.events, Read: h.Read, Total: h.Total, Done: h.Done, Recycle: b.recycle}
	if !h.Slicing.Whole() {
		msg.Slices = h.Slicing.String()
	}
	b.queue = append(b.queue, msg)
	b.queued += len(b.events)
	b.events = nil
	b.notify()
	if len(msg.Events) >= sendAt {
		// A full message goes now, not at the next interval: a history
		// is read faster than maxPending events per interval.
		select {
		case b.full <- struct{}{}:
		default:
		}
	}
	return nil
}

// LogReset queues a partition's log reset, in order with its events.
func (b *Bridge) LogReset(r stream.LogReset) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cut()
	b.queue = append(b.queue, ui.LogResetMsg{Partition: r.Partition, From: r.From})
	b.notify()
}

// cut queues the events and errors converted so far, so that what is
// queued next is sent after them.
func (b *Bridge) cut() {
	if len(b.events) > 0 || len(b.errs) > 0 {
		b.queue = append(b.queue, ui.EventsMsg{Events: b.events, Errors: b.errs, Done: b.recycle})
		b.queued += len(b.events)
		b.events, b.errs = nil, nil
	}
}

// convert turns records into pending events and errors.
func (b *Bridge) convert(ctx context.Context, batch []stream.Record) {
	for i := range batch {
		r := &batch[i]
		var src extract.Source
		switch {
		case r.Err != nil:
			b.errs = append(b.errs, ui.DecodeError{Partition: r.Partition, Offset: r.Offset, Err: r.Err.Error()})
			continue
		case r.Plotted.Selection != nil:
			b.points, src = b.ex.Points(&r.Plotted, r.Key, r.Time, b.points[:0])
			b.count(ctx, r.SchemaID, r.Plotted.Writer)
		default: // decoded without the plotted fields' selection: nothing to draw, but counted
			b.points = b.points[:0]
		}
		if len(b.points) == 0 {
			b.unplotted++
			b.changed = true
			continue
		}
		if src != b.source {
			b.source, b.plotDirty = src, true
		}
		b.add(r, b.points)
	}
}

// add queues the events of one record's points, and a gap for every field
// plotted elsewhere that the record has no point for (a field missing in
// its schema version).
func (b *Bridge) add(r *stream.Record, pts []extract.Point) {
	if len(b.events) >= sendAt && !b.history {
		b.cut()
	}
	if b.events == nil {
		select {
		case b.events = <-b.free:
		default:
			b.events = make([]ui.Event, 0, sendAt+maxGapFields)
		}
	}
	for _, p := range pts {
		if !b.plotted(p.Field) {
			b.fieldSet[p.Field] = true
			b.fields = append(b.fields, p.Field)
		}
		b.events = append(b.events, ui.Event{
			Partition: r.Partition, Offset: r.Offset, Series: p.Series, Field: p.Field,
			Time: p.Time, Value: p.Value, Gap: p.Null,
		})
	}
	if len(b.fields) <= len(pts) || len(b.fields) > maxGapFields {
		return
	}
	for _, f := range b.fields {
		if !slices.ContainsFunc(pts, func(p extract.Point) bool { return p.Field == f }) {
			b.events = append(b.events, ui.Event{
				Partition: r.Partition, Offset: r.Offset, Series: pts[0].Series, Field: f, Time: pts[0].Time, Gap: true,
			})
		}
	}
}

// recycle keeps an events slice the UI has stored for the next events.
func (b *Bridge) recycle(events []ui.Event) {
	select {
	case b.free <- events[:0]:
	default:
	}
}

// plotted reports whether field has had a point: by comparing with the
// first few fields (the strings are usually the very ones compared, so
// equal at once), else in the set.
func (b *Bridge) plotted(field string) bool {
	for i, f := range b.fields {
		if i == 4 {
			return b.fieldSet[field]
		}
		if f == field {
			return true
		}
	}
	return false
}

// count adds a record to its writer schema's count.
func (b *Bridge) count(ctx context.Context, id int, w *schema.Writer) {
	b.recordSeen, b.plotDirty = true, true
	if b.last != nil && b.last.id == id {
		b.last.records++
		return
	}
	sc, ok := b.schemas[id]
	if !ok {
		if w == nil && b.writers != nil {
			w, _ = b.writers(ctx, id)
		}
		sc = &schemaSeen{id: id, label: schemaLabel(id, w)}
		b.schemas[id] = sc
		if w != nil {
			for _, path := range b.ex.Plan(w).Skipped {
				if !slices.Contains(b.skipped, path) {
					b.skipped = append(b.skipped, path)
					b.changed = true
				}
			}
		}
	}
	sc.records++
	b.last = sc
}

// schemaLabel names a writer schema in the header with its version and id:
// "sensor v2 #2", "com.example.click #7", "plain JSON".
func schemaLabel(id int, w *schema.Writer) string {
	if w == nil {
		return fmt.Sprintf("schema #%d", id)
	}
	label := w.Label()
	if id != 0 && !strings.Contains(label, "#") {
		label += fmt.Sprintf(" #%d", id)
	}
	return label
}

// Status records a partition's (or, with -1, the consumer's) condition.
func (b *Bridge) Status(st stream.Status) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if st.Text == "" {
		delete(b.statuses, st.Partition)
	} else {
		b.statuses[st.Partition] = st
	}
	b.changed = true
	b.notify()
}

// RegistryState sets what the registry's own check found wrong, "" when it
// answers; the header shows it unless a partition paused on the registry
// says more.
func (b *Bridge) RegistryState(problem string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.registry = problem
	b.changed = true
	b.notify()
}

// Run sends what accumulates, at most once per interval unless sendAt
// events wait, until ctx is done. It sleeps while nothing arrives: no ticker wakes an idle dashboard.
func (b *Bridge) Run(ctx context.Context, interval time.Duration) {
	pause := time.NewTimer(interval)
	defer pause.Stop()
	for {
		select {
		case <-ctx.Done():
			b.mu.Lock()
			b.drained.Broadcast()
			b.mu.Unlock()
			return
		case <-b.wake:
		}
		b.Flush()
		pause.Reset(interval)
		select {
		case <-ctx.Done():
		case <-pause.C:
		case <-b.full:
		}
	}
}

// notify wakes run; a wake-up already pending covers this one too.
func (b *Bridge) notify() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Flush sends what accumulated: the plot description, the queued
// histories and resets, the events and the status, in that order.
func (b *Bridge) Flush() {
	b.mu.Lock()
	queue, events, errs := b.queue, b.events, b.errs
	b.queue, b.events, b.errs, b.queued = nil, nil, nil, 0
	var status *ui.StatusMsg
	if b.changed {
		b.changed = false
		broker, registry := b.connState()
		status = &ui.StatusMsg{Broker: broker, Registry: registry, Text: b.statusText(), Panes: b.paneStatuses()}
	}
	var plot *ui.PlotMsg
	if b.plotDirty && b.recordSeen {
		b.plotDirty = false
		plot = b.plotMsg()
	}
	b.drained.Broadcast()
	b.mu.Unlock()
	if plot != nil {
		b.send(*plot)
	}
	for _, msg := range queue {
		b.send(msg)
	}
	if len(events) > 0 || len(errs) > 0 {
		b.send(ui.EventsMsg{Events: events, Errors: errs, Done: b.recycle})
	}
	if status != nil {
		b.send(*status)
	}
}

// plotMsg describes what is plotted: the last record's series and time, and
// the schemas seen by id (plain JSON last).
func (b *Bridge) plotMsg() *ui.PlotMsg {
	seen := make([]*schemaSeen, 0, len(b.schemas))
	for _, sc := range b.schemas {
		seen = append(seen, sc)
	}
	sort.Slice(seen, func(i, j int) bool {
		a, c := seen[i].id, seen[j].id
		if (a == 0) != (c == 0) {
			return c == 0
		}
		return a < c
	})
	msg := &ui.PlotMsg{SeriesBy: b.source.SeriesBy, TimeBy: b.source.TimeBy}
	for _, sc := range seen {
		msg.Schemas = append(msg.Schemas, ui.SchemaCount{Label: sc.label, Records: sc.records})
	}
	return msg
}

// connState returns what is wrong with the broker and with the registry,
// "" for healthy: the consumer's own condition, else the cause of the
// lowest partition's; a partition paused on the registry names the
// registry, else the registry's own check (RegistryState) does.
func (b *Bridge) connState() (broker, registry string) {
	if st, ok := b.statuses[-1]; ok {
		broker = st.Text
	}
	parts := make([]int, 0, len(b.statuses))
	for p := range b.statuses {
		parts = append(parts, p)
	}
	slices.Sort(parts)
	for _, p := range parts {
		st := b.statuses[p]
		cause := st.Text
		if st.Err != nil {
			cause = connect.RootCause(st.Err)
		}
		switch {
		case st.Registry && registry == "":
			registry = cause
		case !st.Registry && broker == "":
			broker = cause
		}
	}
	if registry == "" {
		registry = b.registry
	}
	return broker, registry
}

func (b *Bridge) statusText() string {
	var parts []string
	if b.unplotted > 0 {
		parts = append(parts, fmt.Sprintf("%d records without a numeric value to plot", b.unplotted))
	}
	if len(b.skipped) > 0 {
		parts = append(parts, "not plotted (repeated or map): "+strings.Join(b.skipped, ", "))
	}
	return strings.Join(parts, " · ")
}

// paneStatuses returns the conditions of single partitions, for their panes.
func (b *Bridge) paneStatuses() map[int]string {
	panes := map[int]string{}
	for p, st := range b.statuses {
		if p >= 0 {
			panes[p] = st.Text
		}
	}
	return panes
}

// groupMsg converts a consumer-group event for the UI.
func groupMsg(ev stream.GroupEvent) ui.GroupMsg {
	msg := ui.GroupMsg{Generation: ev.Generation, MemberID: ev.MemberID, Assignor: ev.Protocol, Owned: ev.Assigned}
	for _, m := range ev.Members {
		msg.Members = append(msg.Members, ui.Member{ClientID: m.ClientID, MemberID: m.MemberID, Host: m.Host, Partitions: m.Partitions})
	}
	return msg
}

// offsetsMsg converts partition offsets for the UI.
func offsetsMsg(stats []stream.PartitionOffsets) ui.OffsetsMsg {
	msg := ui.OffsetsMsg{Stats: make([]ui.PartitionStat, len(stats))}
	for i, s := range stats {
		msg.Stats[i] = ui.PartitionStat{Partition: s.Partition, Committed: s.Committed, High: s.High, Behind: s.Behind, BehindKnown: s.BehindKnown}
	}
	return msg
}
