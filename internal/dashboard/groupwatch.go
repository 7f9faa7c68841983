package dashboard

import (
	"sync"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/stall"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui"
)

// groupWatch turns the consumer's group events and offsets into the ui's
// messages, telling a stalled partition (package stall) by the owners the
// last group event named. The consumer calls it from two goroutines.
type groupWatch struct {
	now func() time.Time

	mu     sync.Mutex
	owners map[int]string // partition → its owner's member id
	stalls *stall.Detector
}

func newGroupWatch(now func() time.Time) *groupWatch {
	return &groupWatch{now: now, owners: map[int]string{}, stalls: stall.New(stall.DefaultAfter)}
}

// group notes the owners a group event names and converts it for the ui.
func (w *groupWatch) group(ev stream.GroupEvent) ui.GroupMsg {
	owners := map[int]string{}
	for _, m := range ev.Members {
		for _, p := range m.Partitions {
			owners[p] = m.MemberID
		}
	}
	for _, p := range ev.Assigned {
		owners[p] = ev.MemberID
	}
	w.mu.Lock()
	w.owners = owners
	w.mu.Unlock()
	return groupMsg(ev)
}

// offsets converts partition offsets for the ui, with the stalls they tell.
func (w *groupWatch) offsets(stats []stream.PartitionOffsets) ui.OffsetsMsg {
	w.mu.Lock()
	defer w.mu.Unlock()
	ps := make([]stall.Partition, len(stats))
	for i, s := range stats {
		ps[i] = stall.Partition{Partition: s.Partition, Owner: w.owners[s.Partition], Committed: s.Committed, End: s.High}
	}
	w.stalls.Look(w.now(), ps)
	msg := offsetsMsg(stats)
	for i := range msg.Stats {
		if since, ok := w.stalls.Stalled(msg.Stats[i].Partition); ok {
			msg.Stats[i].NoCommitSince = since
		}
	}
	return msg
}
