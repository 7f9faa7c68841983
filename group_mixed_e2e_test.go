package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
)

// streamMember is kafkaplot's consumer (what consume and the dashboard run)
// in the test's process.
type streamMember struct {
	stopRun func()
	done    chan error

	mu      sync.Mutex
	owned   []int
	said    bool
	records map[int][]int64
}

func startStreamMember(t *testing.T, broker, group, name string) *streamMember {
	t.Helper()
	reg, err := schema.NewClient("http://127.0.0.1:1") // never asked: the records are not Avro
	if err != nil {
		t.Fatal(err)
	}
	m := &streamMember{done: make(chan error, 1), records: map[int][]int64{}}
	consumer, err := stream.NewConsumer(stream.ConsumerConfig{
		Conn:    stream.Connection{Brokers: []string{broker}, ClientID: name},
		Group:   group,
		Topic:   "temperature",
		Decoder: schema.NewDecoder(reg),
		// The embedded cluster's timings.
		Heartbeat: 250 * time.Millisecond, Session: 2 * time.Second, Rebalance: 3 * time.Second,
		MaxWait: 100 * time.Millisecond,
		OnRecords: func(_ context.Context, batch []stream.Record) error {
			m.mu.Lock()
			defer m.mu.Unlock()
			for _, r := range batch {
				m.records[r.Partition] = append(m.records[r.Partition], r.Offset)
			}
			return nil
		},
		OnGroup: func(ev stream.GroupEvent) {
			m.mu.Lock()
			defer m.mu.Unlock()
			m.owned, m.said = slices.Clone(ev.Assigned), true
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { m.done <- consumer.Run(ctx) }()
	var once sync.Once
	m.stopRun = func() {
		once.Do(func() {
			cancel()
			if err := <-m.done; err != nil && err != context.Canceled {
				t.Errorf("%s: %v", name, err)
			}
			m.mu.Lock()
			m.owned = nil
			m.mu.Unlock()
		})
	}
	t.Cleanup(m.stopRun)
	return m
}

func (m *streamMember) owns() (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return joinInts(m.owned), m.said
}

func (m *streamMember) stop() { m.stopRun() }

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

// rawProducer writes records with keys spread over every partition until
// stopped, and returns how many each partition got.
func rawProducer(t *testing.T, broker string) (stop func() map[int]int64) {
	t.Helper()
	p, err := stream.NewProducer(context.Background(), stream.ProducerConfig{Conn: stream.Connection{Brokers: []string{broker}}, Topic: "temperature"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan map[int]int64, 1)
	go func() {
		produced := map[int]int64{}
		defer func() { done <- produced }()
		var msgs []stream.Message
		for i := range 24 {
			msgs = append(msgs, stream.Message{Key: fmt.Appendf(nil, "sensor%d", i), Value: []byte("raw")})
		}
		for ctx.Err() == nil {
			ds, err := p.Send(ctx, msgs, nil)
			for _, d := range ds {
				if d.Err == nil {
					produced[d.Partition] = max(produced[d.Partition], d.Offset+1)
				}
			}
			if err != nil && ctx.Err() == nil {
				t.Errorf("produce: %v", err)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	var once sync.Once
	var produced map[int]int64
	stop = func() map[int]int64 {
		once.Do(func() {
			cancel()
			produced = <-done
			p.Close()
		})
		return produced
	}
	t.Cleanup(func() { stop() })
	return stop
}

// TestMixedGroupOwnershipAndDelivery runs a group of four members — two
// kafkaplot consumers, the tutorial's library (librdkafka) and franz-go
// (cooperative-sticky and range, as Java's default offers) — on a
// six-partition topic while a producer writes: after every join and leave
// each partition has exactly one owner, and every record produced is read
// (some twice after a revoke, none lost). The group's protocol moves
// between range (while librdkafka is in) and cooperative-sticky.
func TestMixedGroupOwnershipAndDelivery(t *testing.T) {
	endToEnd(t)
	needPythonKafka(t)
	const partitions = 6
	kc, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, "temperature"), kfake.GroupMinSessionTimeout(500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	broker := kc.ListenAddrs()[0]
	const group = "mixed"
	stopProducing := rawProducer(t, broker)

	members := map[string]groupMember{}
	var left []groupMember // members that left, whose records count too
	settle := func(step string) {
		t.Helper()
		start := time.Now()
		waitUntil(t, step+": every partition owned by exactly one member", 60*time.Second, func() bool {
			count := map[string]int{}
			total := 0
			for _, m := range members {
				got, ok := m.owns()
				if !ok || got == "" {
					return false // with no more members than partitions, everyone owns some
				}
				for _, p := range strings.Split(got, ",") {
					if p != "" {
						count[p]++
						total++
					}
				}
			}
			return len(count) == partitions && total == partitions
		})
		var owners []string
		for name, m := range members {
			got, _ := m.owns()
			owners = append(owners, fmt.Sprintf("%s [%s]", name, got))
		}
		slices.Sort(owners)
		t.Logf("%s: settled in %s: %s", step, time.Since(start).Round(time.Millisecond), strings.Join(owners, ", "))
	}
	join := func(name string, m groupMember) {
		t.Helper()
		members[name] = m
		settle(name + " joined")
	}
	leave := func(name string) {
		t.Helper()
		members[name].stop()
		left = append(left, members[name])
		delete(members, name)
		settle(name + " left")
	}

	join("kafkaplot-1", startStreamMember(t, broker, group, "kafkaplot-1"))
	join("rdkafka", startPython(t, broker, group))
	join("franz-go", startKgo(t, broker, group, kgo.CooperativeStickyBalancer(), kgo.RangeBalancer()))
	join("kafkaplot-2", startStreamMember(t, broker, group, "kafkaplot-2"))
	leave("rdkafka")
	leave("kafkaplot-1")
	join("rdkafka-again", startPython(t, broker, group))
	leave("franz-go")

	produced := stopProducing()
	if len(produced) != partitions {
		t.Fatalf("the producer wrote to %d partitions, want %d", len(produced), partitions)
	}
	readBy := func(m groupMember) map[int][]int64 {
		switch m := m.(type) {
		case *streamMember:
			m.mu.Lock()
			defer m.mu.Unlock()
			return cloneRecords(m.records)
		case *pyMember:
			m.mu.Lock()
			defer m.mu.Unlock()
			return cloneRecords(m.records)
		case kgoMember:
			return m.Records()
		}
		t.Fatalf("unknown member %T", m)
		return nil
	}
	var total, unique, highest int64
	waitUntil(t, "every produced record read", 60*time.Second, func() bool {
		seen := make([]map[int64]bool, partitions)
		for p := range seen {
			seen[p] = map[int64]bool{}
		}
		total, unique = 0, 0
		for _, m := range append(slices.Collect(mapsValues(members)), left...) {
			for p, offsets := range readBy(m) {
				for _, o := range offsets {
					total++
					if !seen[p][o] {
						seen[p][o] = true
						unique++
					}
				}
			}
		}
		highest = 0
		for p, n := range produced {
			highest += n
			for o := range n {
				if !seen[p][o] {
					return false
				}
			}
		}
		return true
	})
	t.Logf("%d records produced, all read; %d read twice after a revoke", highest, total-unique)
	for name := range members {
		leave := members[name]
		leave.stop() // before the broker stops
	}
}

func cloneRecords(r map[int][]int64) map[int][]int64 {
	out := make(map[int][]int64, len(r))
	for p, o := range r {
		out[p] = slices.Clone(o)
	}
	return out
}

func mapsValues(m map[string]groupMember) func(func(groupMember) bool) {
	return func(yield func(groupMember) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}
