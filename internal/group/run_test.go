package group

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/internal/testsupport/kgomember"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
)

// startKafkaplot runs kafkaplot's consumer in the group until the test
// ends or stop is called.
func startKafkaplot(t *testing.T, brokers []string, group string) (stop func()) {
	t.Helper()
	reg, err := schema.NewClient("http://127.0.0.1:1") // never asked: the records are not Avro
	if err != nil {
		t.Fatal(err)
	}
	c, err := stream.NewConsumer(stream.ConsumerConfig{
		Conn: stream.Connection{Brokers: brokers, ClientID: "kafkaplot"}, Group: group, Topic: "temperature",
		Decoder: schema.NewDecoder(reg), Assignors: []string{"range"},
		Heartbeat: 250 * time.Millisecond, Session: 2 * time.Second, Rebalance: 3 * time.Second, MaxWait: 100 * time.Millisecond,
		OnRecords: func(context.Context, []stream.Record) error { return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return stop
}

// connOptions are the flags --brokers, --topic (if not nil) and a
// --registry never asked.
func connOptions(broker, topic *string) connect.Options {
	registry := "http://127.0.0.1:1"
	return connect.Options{Brokers: broker, Topic: topic, Registry: &registry}
}

// TestRunWatch describes a group of kafkaplot and franz-go members, then
// watches franz-go leave: the member leaves and its partition moves.
func TestRunWatch(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "temperature"), kfake.GroupMinSessionTimeout(500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	brokers := cluster.ListenAddrs()
	testsupport.RawProducer(t, brokers, "temperature", 8, 20*time.Millisecond)
	startKafkaplot(t, brokers, "watched")
	k := kgomember.Start(t, kgomember.Config{Brokers: brokers, Group: "watched", Topic: "temperature",
		Session: 2 * time.Second, Rebalance: 3 * time.Second, Balancers: []kgo.GroupBalancer{kgo.RangeBalancer()}})
	testsupport.WaitUntil(t, "franz-go owns a partition", 20*time.Second, func() bool { owned, _ := k.Owned(); return len(owned) == 1 })
	testsupport.WaitGroupProtocol(t, brokers, "watched", "range", 20*time.Second)

	var out testsupport.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	broker, topic := strings.Join(brokers, ","), "temperature"
	go func() {
		done <- Run(ctx, Options{Conn: connOptions(&broker, &topic), Group: "watched", Watch: true, Interval: 200 * time.Millisecond}, &out)
	}()
	testsupport.WaitUntil(t, "the description", 20*time.Second, func() bool {
		select {
		case err := <-done:
			t.Fatalf("Run = %v before the description", err)
		default:
		}
		return strings.Contains(out.String(), "OWNER")
	})
	head := out.String()
	for _, want := range []string{"group watched · topic temperature · Stable · range · generation ", "· 2 members", "franz-go", "kafkaplot"} {
		if !strings.Contains(head, want) {
			t.Errorf("description lacks %q:\n%s", want, head)
		}
	}
	owned, _ := k.Owned()
	moved := "p" + string(rune('0'+owned[0])) + " moved: franz-go → kafkaplot"
	k.Close()
	testsupport.WaitUntil(t, "franz-go's leaving", 20*time.Second, func() bool {
		s := out.String()
		return strings.Contains(s, "member left: franz-go") && strings.Contains(s, moved)
	})
	cancel()
	if err := <-done; !errors.Is(err, connect.ErrInterrupted) {
		t.Errorf("Run = %v, want interrupted", err)
	}
}

// TestRunNoSuchGroup: describing a group the cluster does not know is an
// error that says what to check.
func TestRunNoSuchGroup(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "temperature"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	broker := cluster.ListenAddrs()[0]
	var out testsupport.Buffer
	err = Run(context.Background(), Options{Conn: connOptions(&broker, nil), Group: "nosuch"}, &out)
	if err == nil || !strings.Contains(err.Error(), "group nosuch: no such group") || !strings.Contains(err.Error(), "check -g") {
		t.Errorf("Run = %v", err)
	}
	if out.String() != "" {
		t.Errorf("printed %q", out.String())
	}
}
