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

	"github.com/kafkaplot/kafkaplot/schema"
)

func TestSampleOffsets(t *testing.T) {
	tests := []struct {
		name     string
		from, to int64
		budget   int
		wantAll  bool
	}{
		{name: "fewer than the budget: all of them", from: 10, to: 20, budget: 16, wantAll: true},
		{name: "exactly the budget: all of them", from: 0, to: 16, budget: 16, wantAll: true},
		{name: "twice the budget", from: 100, to: 132, budget: 16},
		{name: "12,000 into 2048", from: 0, to: 12_000, budget: 2048},
		{name: "a million into 2048", from: 5, to: 1_000_005, budget: 2048},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sampleOffsets(tt.from, tt.to, tt.budget)
			if tt.wantAll {
				if got != nil {
					t.Fatalf("sampled %d offsets, want all", len(got))
				}
				return
			}
			if len(got) > tt.budget || len(got) < tt.budget/2 {
				t.Fatalf("%d offsets, want between half the budget and the budget %d", len(got), tt.budget)
			}
			if got[0] < tt.from || got[len(got)-1] != tt.to-1 {
				t.Errorf("offsets from %d to %d, want within [%d, %d) ending with the newest", got[0], got[len(got)-1], tt.from, tt.to)
			}
			stride := got[1] - got[0]
			for i := 1; i < len(got); i++ {
				if got[i]-got[i-1] != stride {
					t.Fatalf("stride %d at %d, want %d throughout", got[i]-got[i-1], i, stride)
				}
			}
			// Series taking turns in the log are each sampled at an even
			// spacing, whatever their number (below the stride).
			for _, period := range []int64{2, 3, 4, 8, 500} {
				if period >= stride {
					continue
				}
				last := map[int64]int64{}
				spacing := map[int64]int64{}
				for _, o := range got {
					series := o % period
					if prev, ok := last[series]; ok {
						if d := o - prev; spacing[series] == 0 {
							spacing[series] = d
						} else if d != spacing[series] {
							t.Fatalf("period %d: series %d spaced %d then %d", period, series, spacing[series], d)
						}
					}
					last[series] = o
				}
				if int64(len(last)) != period {
					t.Errorf("period %d: %d of the series sampled", period, len(last))
				}
			}
		})
	}
}

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

// histories gathers the histories and resets a consumer reports.
type histories struct {
	mu     sync.Mutex
	got    []History
	resets []LogReset
}

func (h *histories) attach(cfg *ConsumerConfig, window time.Duration, budget int) {
	cfg.History, cfg.HistoryBudget = window, budget
	cfg.OnHistory = func(_ context.Context, got History) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		got.Records = slices.Clone(got.Records)
		h.got = append(h.got, got)
		return nil
	}
	cfg.OnReset = func(r LogReset) {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.resets = append(h.resets, r)
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
		name        string
		budget      int
		wantSampled bool
	}{
		{name: "all of the window", budget: 0},
		{name: "over the budget: sampled", budget: 64, wantSampled: true},
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
			for p := range 2 {
				got := h.of(p)[0]
				span := highs[p] - old[p]
				if got.From != old[p] || got.To != highs[p] || got.Sampled != tt.wantSampled || got.Err != nil {
					t.Errorf("p%d history [%d, %d) sampled %v err %v, want [%d, %d) sampled %v", p, got.From, got.To, got.Sampled, got.Err, old[p], highs[p], tt.wantSampled)
				}
				if !tt.wantSampled && len(got.Records) != int(span) {
					t.Errorf("p%d: %d records of history, want all %d", p, len(got.Records), span)
				}
				if tt.wantSampled && (len(got.Records) > tt.budget || len(got.Records) < tt.budget/2) {
					t.Errorf("p%d: %d records of a sampled history, want at most the budget %d, at least half", p, len(got.Records), tt.budget)
				}
				keys := map[string]bool{}
				for i, r := range got.Records {
					if r.Err != nil || !r.IsSensor || r.Partition != p || r.Offset < got.From || r.Offset >= got.To {
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
	if got.From != 40 || got.To != highs[owned] || len(got.Records) != int(highs[owned]-40) || got.Sampled {
		t.Errorf("history of p%d taken back: [%d, %d) with %d records, sampled %v; want [40, %d) whole", owned, got.From, got.To, len(got.Records), got.Sampled, highs[owned])
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
	addr := freeAddr(t)
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
