package stream

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// fakeLog is a partition's records, one a second from t0, for lagClock's
// fetch; it counts the fetches.
type fakeLog struct {
	t0      time.Time
	mu      sync.Mutex
	fetches []int64
}

func (f *fakeLog) at(offset int64) time.Time { return f.t0.Add(time.Duration(offset) * time.Second) }

func (f *fakeLog) fetch(high *int64) func(context.Context, int, int64, func(stamp)) error {
	return func(_ context.Context, _ int, offset int64, each func(stamp)) error {
		f.mu.Lock()
		f.fetches = append(f.fetches, offset)
		f.mu.Unlock()
		for o := offset; o < min(offset+4, *high); o++ { // a fetch reads up to 4 records
			each(stamp{o, f.at(o)})
		}
		return nil
	}
}

// TestLagClockFill follows one partition through reads, commits and a
// stall: what Behind says and which offsets were fetched, with the clock
// and the fetch injected.
func TestLagClockFill(t *testing.T) {
	log := &fakeLog{t0: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	now := log.t0
	var high int64
	l := &lagClock{every: 2 * time.Second, now: func() time.Time { return now }, parts: map[int]*lagPart{}, fetch: log.fetch(&high)}
	steps := []struct {
		name        string
		advance     time.Duration
		read        []int64 // batches this consumer read: first and last offsets
		committed   int64
		high        int64
		wantBehind  time.Duration
		wantKnown   bool
		wantFetched []int64
	}{
		{name: "nothing committed: unknown", committed: -1, high: 5},
		{name: "no lag: 0 behind, no fetch", committed: 5, high: 5, wantKnown: true},
		{name: "lag of 3, read here: from the batches read", advance: time.Second, read: []int64{5, 6, 7, 7}, committed: 5, high: 8, wantBehind: 2 * time.Second, wantKnown: true},
		{name: "another member commits 12 of 14: one fetch reads both ends", advance: time.Second, committed: 12, high: 14, wantBehind: time.Second, wantKnown: true, wantFetched: []int64{12}},
		{name: "it stalls at 12, 20 written: no fetch within 2s, the last value stands", advance: time.Second, committed: 12, high: 20, wantBehind: time.Second, wantKnown: true},
		{name: "2s later: the newest is fetched", advance: time.Second, committed: 12, high: 20, wantBehind: 7 * time.Second, wantKnown: true, wantFetched: []int64{19}},
		{name: "newest known: no fetch", advance: 3 * time.Second, committed: 12, high: 20, wantBehind: 7 * time.Second, wantKnown: true},
		{name: "it commits 20: caught up", advance: time.Second, committed: 20, high: 20, wantKnown: true},
		{name: "behind again: fetched", advance: time.Second, committed: 20, high: 30, wantBehind: 3 * time.Second, wantKnown: true, wantFetched: []int64{20}},
		{name: "caught up at 30", advance: time.Second, committed: 30, high: 30, wantKnown: true},
		{name: "behind, not fetched yet: unknown, not the 0 of no lag", committed: 30, high: 35},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		high = s.high
		for i := 0; i < len(s.read); i += 2 {
			l.read(0, stamp{s.read[i], log.at(s.read[i])}, stamp{s.read[i+1], log.at(s.read[i+1])})
		}
		log.fetches = nil
		stats := []PartitionOffsets{{Partition: 0, Committed: s.committed, High: s.high}}
		l.fill(context.Background(), stats)
		if got := stats[0]; got.Behind != s.wantBehind || got.BehindKnown != s.wantKnown || !slices.Equal(log.fetches, s.wantFetched) {
			t.Errorf("%s: behind %s known %v fetched %v; want %s %v %v", s.name, got.Behind, got.BehindKnown, log.fetches, s.wantBehind, s.wantKnown, s.wantFetched)
		}
	}
}

// TestLagClockFetchesKafka measures the lag in time of a partition of a
// real broker: records a second apart, the group at offset 3 of 10.
func TestLagClockFetchesKafka(t *testing.T) {
	brokers := groupCluster(t, 1)
	t0 := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	p, err := NewProducer(context.Background(), ProducerConfig{Conn: Connection{Brokers: brokers}, Topic: "temperature"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var msgs []Message
	for i := range 10 {
		msgs = append(msgs, Message{Key: []byte("k"), Value: []byte("v"), Time: t0.Add(time.Duration(i) * time.Second)})
	}
	for _, d := range mustSend(t, p, msgs) {
		if d.Err != nil {
			t.Fatal(d.Err)
		}
	}
	client := Connection{Brokers: brokers}.Client()
	defer closeClient(client)
	l := newLagClock(client, "temperature")
	stats := []PartitionOffsets{{Partition: 0, Committed: 3, High: 10}}
	l.fill(context.Background(), stats)
	if s := stats[0]; !s.BehindKnown || s.Behind != 6*time.Second {
		t.Errorf("behind %s known %v, want 6s", s.Behind, s.BehindKnown)
	}
}

func mustSend(t *testing.T, p *Producer, msgs []Message) []Delivery {
	t.Helper()
	ds, err := p.Send(context.Background(), msgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestJoinedFrom reads the generation a member's subscription names, as
// each client writes it.
func TestJoinedFrom(t *testing.T) {
	meta := func(version int16, generation int32, userData []byte) []byte {
		m := kmsg.NewConsumerMemberMetadata()
		m.Version, m.Topics, m.Generation, m.UserData = version, []string{"temperature"}, generation, userData
		return m.AppendTo(nil)
	}
	sticky := func(generation int32) []byte {
		s := kmsg.NewStickyMemberMetadata()
		s.Generation = generation
		return s.AppendTo(nil)
	}
	tests := []struct {
		name     string
		metadata []byte
		protocol string
		want     int
	}{
		{"v3 (franz-go, kafkaplot)", meta(3, 7, nil), "range", 7},
		{"v3 of a new member", meta(3, -1, nil), "range", -1},
		{"v0 (librdkafka range)", meta(0, 0, nil), "range", -1},
		{"v1 cooperative-sticky user data (librdkafka)", meta(1, 0, sticky(4)), "cooperative-sticky", 4},
		{"sticky user data under range is not read", meta(1, 0, sticky(4)), "range", -1},
		{"garbage", []byte{0, 9, 1}, "range", -1},
		{"empty", nil, "range", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := joinedFrom(tt.metadata, tt.protocol); got != tt.want {
				t.Errorf("joinedFrom = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestGroupReaderMixedGroup reads a group of kafkaplot's consumer and
// franz-go from outside: its generation is the one the members were told,
// its members and their partitions are all there, and the lag is measured
// in time.
func TestGroupReaderMixedGroup(t *testing.T) {
	brokers := groupCluster(t, 2)
	testsupport.RawProducer(t, brokers, "temperature", 8, 20*time.Millisecond)
	var c collector
	runConsumer(t, groupConfig(brokers, "mixed", &c))
	waitFor(t, "kafkaplot owns both partitions", 20*time.Second, func() bool { got, ok := c.lastOwned(); return ok && len(got) == 2 })
	k := startKgo(t, brokers, "mixed", kgo.RangeBalancer())
	waitFor(t, "franz-go owns a partition", 20*time.Second, func() bool { return len(ownedNow(k)) == 1 })

	r := Connection{Brokers: brokers, ClientID: "reader"}.NewGroupReader("mixed", "temperature")
	defer r.Close()
	var snap GroupSnapshot
	var want GroupEvent
	waitFor(t, "the reader sees the members' generation, their partitions and the lag in time", 20*time.Second, func() bool {
		var err error
		if snap, err = r.Read(context.Background()); err != nil {
			t.Fatal(err)
		}
		c.mu.Lock()
		want = c.groups[len(c.groups)-1]
		c.mu.Unlock()
		owned := 0
		for _, m := range snap.Members {
			owned += len(m.Partitions)
		}
		known := 0
		for _, o := range snap.Offsets {
			if o.BehindKnown {
				known++
			}
		}
		return snap.State == "Stable" && snap.Generation == want.Generation && len(snap.Members) == 2 && owned == 2 && known == 2
	})
	clients := []string{snap.Members[0].ClientID, snap.Members[1].ClientID}
	slices.Sort(clients)
	if got := fmt.Sprintf("%v %s %s", clients, snap.Protocol, snap.ProtocolType); got != "[franz-go kafkaplot-mixed] range consumer" {
		t.Errorf("clients, protocol: %s", got)
	}
}
