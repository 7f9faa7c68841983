package dashboard

import (
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/stream"
)

// TestGroupWatchStall: another member's partition whose committed offset
// stands while its lag grows is stalled since its last commit, until the
// partition moves; this instance's partition committing is not; the lag in
// time reaches the ui.
func TestGroupWatchStall(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := t0
	w := newGroupWatch(func() time.Time { return now })
	w.group(stream.GroupEvent{Generation: 3, MemberID: "me", Assigned: []int{0},
		Members: []stream.Member{{MemberID: "me", Partitions: []int{0}}, {MemberID: "rdkafka-1", ClientID: "rdkafka", Partitions: []int{1}}}})
	look := func(at time.Duration, c0, c1, high int64) (stalled0, stalled1 time.Time, behind1 time.Duration) {
		now = t0.Add(at)
		msg := w.offsets([]stream.PartitionOffsets{{Partition: 0, Committed: c0, High: high}, {Partition: 1, Committed: c1, High: high, Behind: 3 * time.Second, BehindKnown: true}})
		return msg.Stats[0].NoCommitSince, msg.Stats[1].NoCommitSince, msg.Stats[1].Behind
	}
	look(0, 10, 10, 10)
	for _, step := range []struct {
		at           time.Duration
		c0, c1, high int64
		want1Set     bool
	}{
		{time.Second, 12, 10, 12, false},
		{5 * time.Second, 20, 10, 20, false},
		{6 * time.Second, 21, 10, 21, true},
		{8 * time.Second, 22, 10, 22, true},
	} {
		s0, s1, behind := look(step.at, step.c0, step.c1, step.high)
		if !s0.IsZero() {
			t.Errorf("at %s: p0, committing, stalled since %s", step.at, s0)
		}
		if got := !s1.IsZero(); got != step.want1Set || (got && !s1.Equal(t0)) {
			t.Errorf("at %s: p1 stalled since %s, want stalled %v since the start", step.at, s1, step.want1Set)
		}
		if behind != 3*time.Second {
			t.Errorf("at %s: p1 behind %s", step.at, behind)
		}
	}
	// p1 comes to this instance: no longer stalled.
	w.group(stream.GroupEvent{Generation: 4, MemberID: "me", Assigned: []int{0, 1}})
	if _, s1, _ := look(9*time.Second, 23, 10, 23); !s1.IsZero() {
		t.Errorf("p1 moved here, still stalled since %s", s1)
	}
}
