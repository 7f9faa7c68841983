package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui"
)

// maxPending bounds the events waiting for the next frame; past it the
// consumer waits (backpressure) rather than dropping anything.
const maxPending = 500_000

// bridge turns consumed records into batched ui messages, at most one batch
// per frame interval, so the UI is never woken once per Kafka record.
type bridge struct {
	send func(tea.Msg)

	mu       sync.Mutex
	drained  *sync.Cond
	events   []ui.Event
	errs     []ui.DecodeError
	statuses map[int]string
	other    int // records of other schemas, not plotted
	changed  bool
}

func newBridge(send func(tea.Msg)) *bridge {
	b := &bridge{send: send, statuses: map[int]string{}}
	b.drained = sync.NewCond(&b.mu)
	return b
}

// records converts a consumed batch. It blocks while too much is pending.
func (b *bridge) records(ctx context.Context, batch []stream.Record) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.events) > maxPending && ctx.Err() == nil {
		b.drained.Wait()
	}
	for _, r := range batch {
		switch {
		case r.Err != nil:
			b.errs = append(b.errs, ui.DecodeError{Partition: r.Partition, Offset: r.Offset, Err: r.Err.Error()})
		case r.IsSensor:
			b.events = append(b.events, ui.Event{
				Partition: r.Partition,
				Offset:    r.Offset,
				Series:    r.Sensor.ID,
				Time:      time.UnixMilli(r.Sensor.Timestamp),
				Value:     r.Sensor.Value,
			})
		default:
			b.other++
			b.changed = true
		}
	}
	return nil
}

// status records a partition's (or, with -1, the consumer's) condition.
func (b *bridge) status(st stream.Status) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if st.Text == "" {
		delete(b.statuses, st.Partition)
	} else {
		b.statuses[st.Partition] = st.Text
	}
	b.changed = true
}

// run sends what accumulated once per interval until ctx is done.
func (b *bridge) run(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			b.mu.Lock()
			b.drained.Broadcast()
			b.mu.Unlock()
			return
		case <-tick.C:
			b.flush()
		}
	}
}

func (b *bridge) flush() {
	b.mu.Lock()
	events, errs := b.events, b.errs
	b.events, b.errs = nil, nil
	var status *ui.StatusMsg
	if b.changed {
		b.changed = false
		status = &ui.StatusMsg{Text: b.statusText()}
	}
	b.drained.Broadcast()
	b.mu.Unlock()
	if len(events) > 0 || len(errs) > 0 {
		b.send(ui.EventsMsg{Events: events, Errors: errs})
	}
	if status != nil {
		b.send(*status)
	}
}

func (b *bridge) statusText() string {
	var parts []string
	if t, ok := b.statuses[-1]; ok {
		parts = append(parts, t)
	}
	keys := make([]int, 0, len(b.statuses))
	for p := range b.statuses {
		if p >= 0 {
			keys = append(keys, p)
		}
	}
	sort.Ints(keys)
	for _, p := range keys {
		parts = append(parts, fmt.Sprintf("p%d: %s", p, b.statuses[p]))
	}
	if b.other > 0 {
		parts = append(parts, fmt.Sprintf("%d records of other schemas not plotted", b.other))
	}
	return strings.Join(parts, " · ")
}

// groupMsg converts a consumer-group event for the UI.
func groupMsg(ev stream.GroupEvent) ui.GroupMsg {
	msg := ui.GroupMsg{Generation: ev.Generation, MemberID: ev.MemberID, Owned: ev.Assigned}
	for _, m := range ev.Members {
		msg.Members = append(msg.Members, ui.Member{ClientID: m.ClientID, MemberID: m.MemberID, Host: m.Host, Partitions: m.Partitions})
	}
	return msg
}

// offsetsMsg converts partition offsets for the UI.
func offsetsMsg(stats []stream.PartitionOffsets) ui.OffsetsMsg {
	msg := ui.OffsetsMsg{Stats: make([]ui.PartitionStat, len(stats))}
	for i, s := range stats {
		msg.Stats[i] = ui.PartitionStat{Partition: s.Partition, Committed: s.Committed, High: s.High}
	}
	return msg
}
