package stream

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/schema"
)

// produceSpread writes steps × 8 sensor events whose timestamps are spread
// evenly over [from, to), and returns the high watermark of each partition.
func produceSpread(t testing.TB, emb *testCluster, steps int, from, to time.Time) map[int]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, enc := sensorProducer(t, []string{emb.BrokerAddr()}, emb.RegistryURL(), emb.Topic(), false)
	highs := map[int]int64{}
	var msgs []Message
	for step := range steps {
		at := from.Add(time.Duration(step) * to.Sub(from) / time.Duration(steps))
		for i := range 8 {
			s := schema.Sensor{Timestamp: at.UnixMilli(), ID: fmt.Sprintf("sensor%d", i), Value: float64(step)}
			v, err := enc.AppendSensor(nil, s)
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, Message{Key: []byte(s.ID), Value: v, Time: at})
		}
		if len(msgs) >= 4096 || step == steps-1 {
			ds, err := p.Send(ctx, msgs, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				highs[d.Partition] = max(highs[d.Partition], d.Offset+1)
			}
			msgs = msgs[:0]
		}
	}
	return highs
}

// histories gathers the histories and resets a consumer reports, each
// history's parts put together.
type histories struct {
	mu      sync.Mutex
	got     []History
	partial map[int]*History
	errs    []string // parts out of order or with wrong progress
	resets  []LogReset
}

func (h *histories) attach(cfg *ConsumerConfig, window time.Duration, budget int) {
	cfg.History, cfg.HistoryBudget = window, budget
	cfg.OnHistory = func(_ context.Context, part History) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.partial == nil {
			h.partial = map[int]*History{}
		}
		whole := h.partial[part.Partition]
		if whole == nil {
			whole = &History{Partition: part.Partition, From: part.From, To: part.To, Slicing: part.Slicing, Total: part.Total}
			h.partial[part.Partition] = whole
		}
		if part.Read < whole.Read || part.Read > part.Total || part.Total != whole.Total || part.From != whole.From || part.To != whole.To {
			h.errs = append(h.errs, fmt.Sprintf("p%d part read %d of %d [%d, %d) after %d of %d [%d, %d)",
				part.Partition, part.Read, part.Total, part.From, part.To, whole.Read, whole.Total, whole.From, whole.To))
		}
		whole.Read = part.Read
		whole.Records = append(whole.Records, part.Records...)
		if part.Done {
			whole.Done, whole.Err = true, part.Err
			h.got = append(h.got, *whole)
			delete(h.partial, part.Partition)
		}
		return nil
	}
	cfg.OnReset = func(r LogReset) {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.resets = append(h.resets, r)
	}
}

// check fails t for parts that came out of order.
func (h *histories) check(t *testing.T) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range h.errs {
		t.Error(e)
	}
}

func (h *histories) of(partition int) []History {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []History
	for _, x := range h.got {
		if x.Partition == partition {
			out = append(out, x)
		}
	}
	return out
}

// TestHistoryOnAssignment: a group whose committed offsets are at the end
// of the log gets the records of the window as history, from the offset of
// now − window up to its position, decoded, and the group's offsets stay
// where they were.
func TestHistoryOnAssignment(t *testing.T) {
	emb := startCluster(t, 2)
	now := time.Now()
	old := produceSpread(t, emb, 20, now.Add(-10*time.Minute), now.Add(-5*time.Minute)) // before the window
	highs := produceSpread(t, emb, 120, now.Add(-2*time.Minute), now)

	// A first run commits everything.
	var first collector
	stop := runConsumer(t, first.config(emb, "history"))
	waitFor(t, "the whole topic read", 20*time.Second, func() bool {
		first.mu.Lock()
		defer first.mu.Unlock()
		return first.pos[0] == highs[0] && first.pos[1] == highs[1]
	})
	stop()
	conn := Connection{Brokers: []string{emb.BrokerAddr()}}
	client := conn.Client()
	defer closeClient(client)
	before, err := groupOffsets(context.Background(), client, "history", emb.Topic())
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		budget int
		// slicing is the time slices read, zero for the whole span.
		slicing Slicing
	}{
		{name: "all of the window", budget: 0},
		// 480 records of each partition over 2 of the 3 minutes: one slice
		// of a second in every 8 (480/64 rounded up) of the 3 minutes.
		{name: "over the budget: time slices read whole", budget: 64, slicing: Slicing{Slice: time.Second, Every: 8 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c collector
			var h histories
			cfg := c.config(emb, "history")
			h.attach(&cfg, 3*time.Minute, tt.budget)
			stop := runConsumer(t, cfg)
			waitFor(t, "both histories", 20*time.Second, func() bool { return len(h.of(0)) == 1 && len(h.of(1)) == 1 })
			stop()
			h.check(t)
			for p := range 2 {
				got := h.of(p)[0]
				span := highs[p] - old[p]
				if got.From != old[p] || got.To != highs[p] || got.Slicing != tt.slicing || got.Err != nil || got.Read != got.Total {
					t.Errorf("p%d history [%d, %d) read %d of %d in %v, err %v; want [%d, %d) all read in %v", p, got.From, got.To, got.Read, got.Total, got.Slicing, got.Err, old[p], highs[p], tt.slicing)
				}
				if tt.slicing.Whole() && (len(got.Records) != int(span) || got.Total != span) {
					t.Errorf("p%d: %d records of history (total %d), want all %d", p, len(got.Records), got.Total, span)
				}
				if !tt.slicing.Whole() {
					// Each slice is read whole: every step in it has all
					// 4 sensors of the partition, and the steps read are
					// spread over the window, a slice every 8 s.
					steps := map[int64]int{}
					for _, r := range got.Records {
						steps[r.Time.UnixMilli()]++
					}
					for at, n := range steps {
						if n != 4 {
							t.Errorf("p%d: step at %d read %d of its 4 records", p, at, n)
						}
					}
					if len(got.Records) > 2*tt.budget || len(steps) < 10 || len(got.Records) != int(got.Total) {
						t.Errorf("p%d: %d records in %d steps (total %d), want about the budget %d over at least 10 slices", p, len(got.Records), len(steps), got.Total, tt.budget)
					}
				}
				keys := map[string]bool{}
				for i, r := range got.Records {
					if r.Err != nil || !isSensor(&r) || r.Partition != p || r.Offset < got.From || r.Offset >= got.To {
						t.Fatalf("p%d record %d: %+v", p, i, r)
					}
					if i > 0 && r.Offset <= got.Records[i-1].Offset {
						t.Fatalf("p%d: offsets not increasing at %d", p, i)
					}
					keys[string(r.Key)] = true
				}
				if len(keys) != 4 {
					t.Errorf("p%d: history holds %d sensors, want all 4 of the partition", p, len(keys))
				}
			}
			c.mu.Lock()
			live := len(c.records)
			c.mu.Unlock()
			if live != 0 {
				t.Errorf("%d records handed on as live, want none (the group was at the end)", live)
			}
			after, err := groupOffsets(context.Background(), client, "history", emb.Topic())
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(before, after) {
				t.Errorf("committed offsets changed by the history: %v, then %v", before, after)
			}
		})
	}
}

// TestHistoryFillsTakenBackSpan: a consumer that takes a partition back
// gets as history exactly the records another member read meanwhile.
func TestHistoryFillsTakenBackSpan(t *testing.T) {
	emb := startCluster(t, 2)
	now := time.Now()
	produceSpread(t, emb, 10, now.Add(-30*time.Second), now.Add(-20*time.Second))

	var a collector
	var h histories
	cfgA := a.config(emb, "takeback")
	h.attach(&cfgA, time.Minute, 0)
	runConsumer(t, cfgA)
	waitFor(t, "a reads both partitions", 20*time.Second, func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.pos[0] == 40 && a.pos[1] == 40
	})

	var b collector
	stopB := runConsumer(t, b.config(emb, "takeback"))
	waitFor(t, "b owns a partition", 20*time.Second, func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return len(b.groups) > 0 && len(b.groups[len(b.groups)-1].Assigned) == 1
	})
	highs := produceSpread(t, emb, 10, now.Add(-20*time.Second), now.Add(-10*time.Second))
	waitFor(t, "b reads its partition", 20*time.Second, func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		for p, next := range b.pos {
			if next == highs[p] {
				return true
			}
		}
		return false
	})
	b.mu.Lock()
	owned := b.groups[len(b.groups)-1].Assigned[0]
	b.mu.Unlock()
	stopB()
	// At start a had nothing to fill in (the group began at offset 0).
	waitFor(t, "the history of the partition taken back", 20*time.Second, func() bool { return len(h.of(owned)) == 1 })
	got := h.of(owned)[0]
	if got.From != 40 || got.To != highs[owned] || len(got.Records) != int(highs[owned]-40) || !got.Slicing.Whole() || got.Read != got.Total {
		t.Errorf("history of p%d taken back: [%d, %d) with %d records, read %d of %d in %v; want [40, %d) whole", owned, got.From, got.To, len(got.Records), got.Read, got.Total, got.Slicing, highs[owned])
	}
	// Live reading goes on from the group's position: nothing of the span
	// is handed on again.
	more := produceSpread(t, emb, 2, now.Add(-10*time.Second), now)
	waitFor(t, "a reads on", 20*time.Second, func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.pos[owned] == more[owned]
	})
	a.mu.Lock()
	seen := map[int64]bool{}
	for _, r := range a.records {
		if r.Partition != owned {
			continue
		}
		if seen[r.Offset] {
			t.Errorf("p%d offset %d handed on twice", owned, r.Offset)
		}
		seen[r.Offset] = true
	}
	a.mu.Unlock()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.resets) != 0 {
		t.Errorf("resets %v on a takeback, want none", h.resets)
	}
}

// TestLogReset: a broker restarted empty under a running consumer (the
// embedded cluster restarted) is a log reset, reported before the new log's
// records, which are all handed on.
func TestLogReset(t *testing.T) {
	addr := testsupport.FreeAddr(t)
	broker := startBroker(t, addr, t.TempDir())
	reg := newFlakyRegistry(t)
	brokers := []string{addr}
	sendSensors(t, brokers, reg.URL, 0, 5) // 20 records per partition

	var seen offsetsSeen
	var h histories
	cfg := seen.config(brokers, reg.URL, "reset")
	h.attach(&cfg, time.Minute, 0)
	runConsumer(t, cfg)
	waitFor(t, "40 records before the restart", 20*time.Second, func() bool { return seen.distinct() == 40 })

	broker.Close()
	time.Sleep(300 * time.Millisecond)
	broker = startBroker(t, addr, t.TempDir()) // a new, empty log
	defer broker.Close()
	sendSensors(t, brokers, reg.URL, 100, 2) // 8 records per partition
	waitFor(t, "a reset of each partition", 30*time.Second, func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		ps := map[int]bool{}
		for _, r := range h.resets {
			ps[r.Partition] = true
		}
		return len(ps) == 2
	})
	waitFor(t, "the new log's records", 30*time.Second, func() bool {
		seen.mu.Lock()
		defer seen.mu.Unlock()
		for p := range int64(2) {
			for off := range int64(8) {
				if seen.seen[[2]int64{p, off}] < 2 {
					return false
				}
			}
		}
		return true
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.resets {
		if r.From != 0 || r.Cause == "" {
			t.Errorf("reset %+v, want from 0 with a cause", r)
		}
	}
}

// TestLogChanged checks how a log is told to be the one a position was read
// from: its end, and the timestamp of the record before the position.
func TestLogChanged(t *testing.T) {
	emb := startCluster(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn := Connection{Brokers: []string{emb.BrokerAddr()}}
	now := time.Now()
	old := produceSpread(t, emb, 10, now.Add(-time.Minute), now.Add(-50*time.Second)) // 40 records per partition
	dial := func() *kafka.Conn {
		t.Helper()
		c, err := conn.Dialer().DialLeader(ctx, "tcp", emb.BrokerAddr(), emb.Topic(), 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	// The last record of the old log.
	c := dial()
	if _, err := c.Seek(old[0]-1, kafka.SeekAbsolute); err != nil {
		t.Fatal(err)
	}
	last, err := c.ReadMessage(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	prev := handedOn{next: last.Offset + 1, time: last.Time}

	if got := logChanged(c, prev); got != "" {
		t.Errorf("the same log: %q, want no change", got)
	}
	if got := logChanged(c, handedOn{next: old[0] + 5, time: last.Time}); !strings.Contains(got, "end of log") {
		t.Errorf("a position past the end: %q, want the end of log named", got)
	}

	// The topic deleted and created again, and written past the position.
	client := conn.Client()
	defer closeClient(client)
	if _, err := client.DeleteTopics(ctx, &kafka.DeleteTopicsRequest{Topics: []string{emb.Topic()}}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{{Topic: emb.Topic(), NumPartitions: 2, ReplicationFactor: 1}}}); err != nil {
		t.Fatal(err)
	}
	produceSpread(t, emb, 20, now.Add(-10*time.Second), now)
	if got := logChanged(dial(), prev); !strings.Contains(got, fmt.Sprintf("record at offset %d changed", prev.next-1)) {
		t.Errorf("a recreated log that grew past the position: %q, want the changed record named", got)
	}
}

// TestLogResetDeletedRecords: records deleted past the group's position
// (the log's start moved past it) are a log reset; reading goes on from the
// new start, and only records that exist are handed on.
func TestLogResetDeletedRecords(t *testing.T) {
	emb := startCluster(t, 2)
	now := time.Now()
	produceSpread(t, emb, 10, now.Add(-time.Minute), now.Add(-50*time.Second)) // offsets 0..39 of each partition

	var first collector
	stop := runConsumer(t, first.config(emb, "truncated"))
	waitFor(t, "the first run to read everything", 20*time.Second, func() bool {
		first.mu.Lock()
		defer first.mu.Unlock()
		return first.pos[0] == 40 && first.pos[1] == 40
	})
	stop()
	highs := produceSpread(t, emb, 10, now.Add(-40*time.Second), now) // offsets 40..79

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(emb.BrokerAddr()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	req := kmsg.NewPtrDeleteRecordsRequest()
	topic := kmsg.NewDeleteRecordsRequestTopic()
	topic.Topic = emb.Topic()
	for p := range int32(2) {
		part := kmsg.NewDeleteRecordsRequestTopicPartition()
		part.Partition, part.Offset = p, 60
		topic.Partitions = append(topic.Partitions, part)
	}
	req.Topics = append(req.Topics, topic)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range resp.Topics {
		for _, p := range tp.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				t.Fatalf("delete records of p%d: %v", p.Partition, err)
			}
		}
	}

	var second collector
	var h histories
	cfg := second.config(emb, "truncated")
	h.attach(&cfg, time.Minute, 0)
	runConsumer(t, cfg)
	waitFor(t, "the second run to read on", 20*time.Second, func() bool {
		second.mu.Lock()
		defer second.mu.Unlock()
		return second.pos[0] == highs[0] && second.pos[1] == highs[1]
	})
	h.mu.Lock()
	resets := slices.Clone(h.resets)
	h.mu.Unlock()
	slices.SortFunc(resets, func(a, b LogReset) int { return a.Partition - b.Partition })
	if len(resets) != 2 || resets[0].From != 60 || resets[1].From != 60 {
		t.Errorf("resets %+v, want both partitions from 60", resets)
	}
	second.mu.Lock()
	defer second.mu.Unlock()
	if len(second.records) != 40 {
		t.Errorf("%d records handed on, want the 40 that are left", len(second.records))
	}
	for _, r := range second.records {
		if r.Offset < 60 {
			t.Fatalf("p%d offset %d handed on: it was deleted", r.Partition, r.Offset)
		}
	}
}
