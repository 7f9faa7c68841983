package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
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

// TestMixedGroupOwnershipAndDelivery runs a group of four members — the
// kafkaplot binary (consume), kafkaplot's consumer in the test's process,
// the tutorial's library (librdkafka) and franz-go (cooperative-sticky and
// range, as Java's default offers) — on a six-partition topic while a
// producer writes: after every join and leave each partition has exactly
// one owner, and every record produced is read (some twice after a revoke,
// none lost). The group's protocol is range while librdkafka (range,
// roundrobin) is in, and cooperative-sticky among kafkaplots and franz-go.
func TestMixedGroupOwnershipAndDelivery(t *testing.T) {
	endToEnd(t)
	needPythonKafka(t)
	const partitions = 6
	c := startCluster(t, "--partitions", fmt.Sprint(partitions))
	broker := c.broker
	const group = "mixed"
	stopProducing := testsupport.RawProducer(t, []string{broker}, "temperature", 24, 50*time.Millisecond)

	members := map[string]groupMember{}
	var left []groupMember // members that left, whose records count too
	settle := func(step, protocol string) {
		t.Helper()
		start := time.Now()
		testsupport.WaitUntil(t, step+": every partition owned by exactly one member", 60*time.Second, func() bool {
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
		testsupport.WaitGroupProtocol(t, []string{broker}, group, protocol, 10*time.Second)
		t.Logf("%s: settled in %s on %s: %s", step, time.Since(start).Round(time.Millisecond), protocol, strings.Join(owners, ", "))
	}
	join := func(name string, m groupMember, protocol string) {
		t.Helper()
		members[name] = m
		settle(name+" joined", protocol)
	}
	leave := func(name, protocol string) {
		t.Helper()
		members[name].stop()
		left = append(left, members[name])
		delete(members, name)
		settle(name+" left", protocol)
	}

	const librdkafkaIn, librdkafkaOut = "range", "cooperative-sticky"
	join("kafkaplot-1", startStreamMember(t, broker, group, "kafkaplot-1"), librdkafkaOut)
	join("rdkafka", startPython(t, broker, group), librdkafkaIn)
	join("franz-go", startKgo(t, broker, group, kgo.CooperativeStickyBalancer(), kgo.RangeBalancer()), librdkafkaIn)
	join("kafkaplot-binary", startConsume(t, c, group), librdkafkaIn)
	leave("rdkafka", librdkafkaOut)
	leave("kafkaplot-1", librdkafkaOut)
	join("rdkafka-again", startPython(t, broker, group), librdkafkaIn)
	leave("franz-go", librdkafkaIn)

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
		case *consumeMember:
			return m.read()
		}
		t.Fatalf("unknown member %T", m)
		return nil
	}
	var total, unique, highest int64
	testsupport.WaitUntil(t, "every produced record read", 60*time.Second, func() bool {
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
