package stream

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/internal/testsupport/kgomember"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkaplot/kafkaplot/schema"
)

func TestParseAssignors(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{in: DefaultAssignors, want: []string{"cooperative-sticky", "range", "roundrobin"}},
		{in: "range, roundrobin", want: []string{"range", "roundrobin"}},
		{in: " Cooperative-Sticky ", want: []string{"cooperative-sticky"}},
		{in: "", wantErr: "empty name"},
		{in: "range,,roundrobin", wantErr: "empty name"},
		{in: "range,range", wantErr: "range twice"},
		{in: "sticky", wantErr: `unknown assignor "sticky"`},
		{in: "RoundRobinAssigner", wantErr: `unknown assignor "roundrobinassigner"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAssignors(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseAssignors(%q) = %v, %v; want error with %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("ParseAssignors(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestAssignedPartitionsAnyVersion reads assignments as the clients of a
// group write them: every version, and a later one with fields appended.
func TestAssignedPartitionsAnyVersion(t *testing.T) {
	assignment := func(version int16) []byte {
		a := kmsg.NewConsumerMemberAssignment()
		a.Version = version
		for _, topic := range []string{"other", "temperature"} {
			tp := kmsg.NewConsumerMemberAssignmentTopic()
			tp.Topic, tp.Partitions = topic, []int32{3, 1}
			a.Topics = append(a.Topics, tp)
		}
		a.UserData = []byte("user data")
		return a.AppendTo(nil)
	}
	tests := []struct {
		name string
		in   []byte
		want []int
	}{
		{name: "v0", in: assignment(0), want: []int{1, 3}},
		{name: "v1", in: assignment(1), want: []int{1, 3}},
		{name: "v3", in: assignment(3), want: []int{1, 3}},
		{name: "v4 with a field appended", in: append(assignment(4), 0, 0, 0, 7, 1, 2), want: []int{1, 3}},
		{name: "empty: nothing assigned", in: nil, want: nil},
		{name: "truncated", in: assignment(0)[:9], want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := assignedPartitions(tt.in, "temperature"); !slices.Equal(got, tt.want) {
				t.Errorf("assignedPartitions = %v, want %v", got, tt.want)
			}
		})
	}
}

// groupCluster is a kfake broker for group tests, with short session timeouts.
func groupCluster(t *testing.T, partitions int32) []string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, "temperature"),
		kfake.GroupMinSessionTimeout(500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

func startKgo(t *testing.T, brokers []string, group string, balancers ...kgo.GroupBalancer) *kgomember.Member {
	t.Helper()
	return kgomember.Start(t, kgomember.Config{Brokers: brokers, Group: group, Topic: "temperature",
		Session: 2 * time.Second, Rebalance: 3 * time.Second, Balancers: balancers})
}

// ownedNow returns what k owns now.
func ownedNow(k *kgomember.Member) []int {
	owned, _ := k.Owned()
	return owned
}

// groupConfig is a Consumer's configuration for the group tests, reporting
// to c.
func groupConfig(brokers []string, group string, c *collector) ConsumerConfig {
	reg, _ := schema.NewClient("http://127.0.0.1:1") // never asked: the records are not Avro
	return ConsumerConfig{
		Conn:      Connection{Brokers: brokers, ClientID: "kafkaplot-" + group},
		Group:     group,
		Topic:     "temperature",
		Decoder:   sensorDecoder(reg),
		Heartbeat: 250 * time.Millisecond, Session: 2 * time.Second, Rebalance: 3 * time.Second,
		MaxWait: 100 * time.Millisecond,
		OnRecords: func(_ context.Context, batch []Record) error {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.records = append(c.records, kept(batch)...)
			return nil
		},
		OnGroup: func(ev GroupEvent) {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.groups = append(c.groups, ev)
		},
	}
}

// TestAssignorMismatchIsClear joins a group whose member offers only
// kafkajs's default protocol: the consumer stops at once with one error
// naming both sides' offers and the setting.
func TestAssignorMismatchIsClear(t *testing.T) {
	brokers := groupCluster(t, 2)
	k := startKgo(t, brokers, "js", kgomember.Renamed{GroupBalancer: kgo.RoundRobinBalancer(), Name: "RoundRobinAssigner"})
	waitFor(t, "the kafkajs-like member owns both partitions", 20*time.Second, func() bool { return len(ownedNow(k)) == 2 })

	var c collector
	cfg := groupConfig(brokers, "js", &c)
	cfg.AssignorSetting = "[kafka.consumer] partition_assignment_strategy"
	consumer, err := NewConsumer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = consumer.Run(ctx)
	if ctx.Err() != nil {
		t.Fatal("the consumer hung instead of failing")
	}
	var mismatch *AssignorMismatchError
	if !errors.As(err, &mismatch) {
		t.Fatalf("Run = %v, want an AssignorMismatchError", err)
	}
	for _, want := range []string{"join group js", "they use RoundRobinAssigner", "kafkaplot offers cooperative-sticky,range,roundrobin",
		"set [kafka.consumer] partition_assignment_strategy", "franz-go 127.0.0.1:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q is not one line", err)
	}
	if got := ownedNow(k); len(got) != 2 {
		t.Errorf("the other member owns %v after the refusal, want both partitions", got)
	}
}

// arrival is when a record was handed on.
type arrival struct {
	partition int
	offset    int64
	at        time.Time
}

// arrivalsOf wraps cfg.OnRecords to note when each record arrived.
func arrivalsOf(cfg *ConsumerConfig) func() []arrival {
	var mu sync.Mutex
	var got []arrival
	next := cfg.OnRecords
	cfg.OnRecords = func(ctx context.Context, batch []Record) error {
		mu.Lock()
		now := time.Now()
		for _, r := range batch {
			got = append(got, arrival{r.Partition, r.Offset, now})
		}
		mu.Unlock()
		return next(ctx, batch)
	}
	return func() []arrival {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(got)
	}
}

// events returns the group events so far.
func (c *collector) events() []GroupEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.groups)
}

// split reports whether two members own one partition each, not the same.
func split(a, b []int) bool { return len(a) == 1 && len(b) == 1 && a[0] != b[0] }

// TestSplitWithKgo shares a two-partition group with franz-go's consumer,
// with its default balancer (cooperative-sticky) and with range, in both
// join orders: the partitions split 1+1, and whoever stays owns both when
// the other leaves. With cooperative-sticky, the partition each member
// keeps through the rebalance is never revoked: its records keep arriving
// while the moved partition is handed on.
func TestSplitWithKgo(t *testing.T) {
	brokers := groupCluster(t, 2)
	testsupport.RawProducer(t, brokers, "temperature", 8, 10*time.Millisecond)
	tests := []struct {
		name        string
		balancers   []kgo.GroupBalancer
		cooperative bool
	}{
		{name: "default cooperative-sticky", cooperative: true},
		{name: "range", balancers: []kgo.GroupBalancer{kgo.RangeBalancer()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			group := strings.ReplaceAll(tt.name, " ", "-")
			mine := func(c *collector) []int {
				evs := c.events()
				if len(evs) == 0 {
					return nil
				}
				return evs[len(evs)-1].Assigned
			}

			// kafkaplot first (and leading), franz-go joins.
			var a collector
			cfg := groupConfig(brokers, group, &a)
			arrivals := arrivalsOf(&cfg)
			stopA := runConsumer(t, cfg)
			waitFor(t, "kafkaplot owns both partitions", 20*time.Second, func() bool { return len(mine(&a)) == 2 })
			before := len(a.events())
			joined := time.Now()
			k := startKgo(t, brokers, group, tt.balancers...)
			waitFor(t, "kafkaplot and franz-go split the partitions", 20*time.Second, func() bool { return split(mine(&a), ownedNow(k)) })
			settled := time.Now()
			evs := a.events()
			if want := map[bool]string{true: "cooperative-sticky", false: "range"}[tt.cooperative]; evs[len(evs)-1].Protocol != want {
				t.Errorf("group protocol %q, want %q", evs[len(evs)-1].Protocol, want)
			}
			if tt.cooperative {
				kept := mine(&a)[0]
				for _, ev := range evs[before:] {
					if !slices.Contains(ev.Assigned, kept) {
						t.Errorf("generation %d: kafkaplot owns %v: p%d was revoked", ev.Generation, ev.Assigned, kept)
					}
				}
				during, last := 0, int64(-1)
				for _, r := range arrivals() {
					if r.partition != kept {
						continue
					}
					if r.offset <= last {
						t.Errorf("p%d offset %d read again after %d: the partition was restarted", kept, r.offset, last)
					}
					last = r.offset
					if r.at.After(joined) && r.at.Before(settled) {
						during++
					}
				}
				t.Logf("rebalance took %s; %d records of kept p%d arrived during it", settled.Sub(joined), during, kept)
				if during == 0 {
					t.Errorf("no records of kept p%d arrived during the rebalance", kept)
				}
			}
			k.Close()
			waitFor(t, "kafkaplot owns both after franz-go left", 20*time.Second, func() bool { return len(mine(&a)) == 2 })
			stopA()

			// franz-go first (and leading), kafkaplot joins.
			k = startKgo(t, brokers, group, tt.balancers...)
			waitFor(t, "franz-go owns both partitions", 20*time.Second, func() bool { return len(ownedNow(k)) == 2 })
			var b collector
			stopB := runConsumer(t, groupConfig(brokers, group, &b))
			waitFor(t, "franz-go and kafkaplot split the partitions", 20*time.Second, func() bool { return split(mine(&b), ownedNow(k)) })
			if tt.cooperative {
				kept := ownedNow(k)[0]
				for _, r := range k.Revoked() {
					if slices.Contains(r, kept) {
						t.Errorf("franz-go had p%d revoked (%v) though it kept it", kept, r)
					}
				}
			}
			stopB()
			waitFor(t, "franz-go owns both after kafkaplot left", 20*time.Second, func() bool { return len(ownedNow(k)) == 2 })
		})
	}
}

func TestSkipTags(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		rest    []byte
		wantErr bool
	}{
		{name: "no tags", in: []byte{0, 9, 9}, rest: []byte{9, 9}},
		{name: "one tag", in: []byte{1, 5, 2, 7, 7, 9}, rest: []byte{9}},
		{name: "empty", in: nil, wantErr: true},
		{name: "tag longer than the rest", in: []byte{1, 5, 3, 7}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rest, err := skipTags(tt.in)
			if (err != nil) != tt.wantErr || !slices.Equal(rest, tt.rest) {
				t.Errorf("skipTags = %v, %v; want %v, error %v", rest, err, tt.rest, tt.wantErr)
			}
		})
	}
}

// TestHeartbeatErrorIsRead sends Heartbeat for a member the coordinator
// does not know: the error must come back (kafka-go v0.4.51's own Heartbeat
// reads the v1+ response in the wrong order and reports success).
func TestHeartbeatErrorIsRead(t *testing.T) {
	brokers := groupCluster(t, 2)
	k := startKgo(t, brokers, "hb") // makes the group exist
	waitFor(t, "the group to exist", 20*time.Second, func() bool { return len(ownedNow(k)) == 2 })
	client := Connection{Brokers: brokers}.Client()
	defer closeClient(client)
	req := kmsg.NewPtrHeartbeatRequest()
	req.Group, req.Generation, req.MemberID = "hb", 1, "nobody"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := groupRequest[*kmsg.HeartbeatResponse](ctx, client, "test", "hb", req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetVersion() < 1 {
		t.Errorf("heartbeat sent at v%d; want v1 or later, where kafka-go misreads the response", resp.GetVersion())
	}
	if got := kafka.Error(resp.ErrorCode); got != kafka.UnknownMemberId {
		t.Errorf("heartbeat of an unknown member: %v, want %v", got, kafka.UnknownMemberId)
	}
}
