// Package kgomember runs franz-go's consumer as a member of a consumer
// group inside a test's process, so that tests can share a group between
// kafkaplot and another Kafka client and see what that client owns, what
// was revoked from it and which offsets it read. Only tests import it.
package kgomember

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// ClientID is the client id the member gives the broker.
const ClientID = "franz-go"

// Config says where the member joins. Zero durations take the defaults
// stated on each field.
type Config struct {
	Brokers []string
	Group   string
	Topic   string
	// Session is the session timeout. Default: 6s.
	Session time.Duration
	// Rebalance is the rebalance timeout. Default: franz-go's (60s).
	Rebalance time.Duration
	// Balancers are the assignors offered, in order of preference.
	// Default: franz-go's (cooperative-sticky).
	Balancers []kgo.GroupBalancer
}

// Member is a running franz-go group member.
type Member struct {
	client *kgo.Client
	topic  string
	done   chan struct{}

	mu       sync.Mutex
	owned    []int
	assigned bool    // an assignment was received
	revoked  [][]int // each revocation, in order
	records  map[int][]int64
}

// Start joins the group; the member leaves when the test ends.
func Start(t testing.TB, cfg Config) *Member {
	t.Helper()
	if cfg.Session <= 0 {
		cfg.Session = 6 * time.Second
	}
	m := &Member{topic: cfg.Topic, done: make(chan struct{}), records: map[int][]int64{}}
	opts := []kgo.Opt{
		kgo.SeedBrokers(cfg.Brokers...), kgo.ConsumerGroup(cfg.Group), kgo.ConsumeTopics(cfg.Topic),
		kgo.ClientID(ClientID),
		kgo.HeartbeatInterval(250 * time.Millisecond), kgo.SessionTimeout(cfg.Session),
		kgo.FetchMaxWait(100 * time.Millisecond),
		kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, a map[string][]int32) { m.change(a, true, false) }),
		kgo.OnPartitionsRevoked(func(ctx context.Context, cl *kgo.Client, r map[string][]int32) {
			cl.CommitUncommittedOffsets(ctx)
			m.change(r, false, true)
		}),
		kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, l map[string][]int32) { m.change(l, false, false) }),
	}
	if cfg.Rebalance > 0 {
		opts = append(opts, kgo.RebalanceTimeout(cfg.Rebalance))
	}
	if len(cfg.Balancers) > 0 {
		opts = append(opts, kgo.Balancers(cfg.Balancers...))
	}
	client, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatalf("start franz-go member: %v", err)
	}
	m.client = client
	go m.poll()
	t.Cleanup(m.Close)
	return m
}

func (m *Member) poll() {
	defer close(m.done)
	for {
		fetches := m.client.PollFetches(context.Background())
		if fetches.IsClientClosed() {
			return
		}
		fetches.EachRecord(func(r *kgo.Record) {
			m.mu.Lock()
			m.records[int(r.Partition)] = append(m.records[int(r.Partition)], r.Offset)
			m.mu.Unlock()
		})
	}
}

// change applies an assignment (add) or a revocation or loss of partitions.
func (m *Member) change(parts map[string][]int32, add, revoked bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var changed []int
	for _, p := range parts[m.topic] {
		changed = append(changed, int(p))
	}
	m.owned = slices.DeleteFunc(m.owned, func(p int) bool { return slices.Contains(changed, p) })
	if add {
		m.owned = append(m.owned, changed...)
		m.assigned = true
	}
	slices.Sort(m.owned)
	if revoked {
		m.revoked = append(m.revoked, changed)
	}
}

// Owned returns the partitions the member owns now, sorted, and whether it
// was assigned anything yet.
func (m *Member) Owned() ([]int, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.owned), m.assigned
}

// Revoked returns the partitions of each revocation, in order.
func (m *Member) Revoked() [][]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.revoked)
}

// Records returns the offsets read, by partition, in the order read.
func (m *Member) Records() map[int][]int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[int][]int64, len(m.records))
	for p, offs := range m.records {
		out[p] = slices.Clone(offs)
	}
	return out
}

// Close commits, leaves the group and stops the client; it may be called
// more than once.
func (m *Member) Close() {
	select {
	case <-m.done:
		return
	default:
	}
	m.client.Close()
	<-m.done
}

// Renamed offers a balancer under another protocol name, such as kafkajs's
// "RoundRobinAssigner", to stand for a client kafkaplot shares no assignor
// with.
type Renamed struct {
	kgo.GroupBalancer
	Name string
}

// ProtocolName is the renamed protocol.
func (b Renamed) ProtocolName() string { return b.Name }
