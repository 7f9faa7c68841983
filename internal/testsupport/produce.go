package testsupport

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// RawProducer writes batches of keys records ("key0" … with the value
// "raw", not Avro, so that no registry is needed) to topic every interval
// until stopped, with franz-go's producer (not kafkaplot's code under
// test). stop returns, per partition, one past the highest offset
// acknowledged; it is called when the test ends if the test did not.
func RawProducer(tb testing.TB, brokers []string, topic string, keys int, interval time.Duration) (stop func() map[int]int64) {
	tb.Helper()
	client, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic(topic), kgo.ProducerLinger(0))
	if err != nil {
		tb.Fatalf("start raw producer: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan map[int]int64, 1)
	go func() {
		produced := map[int]int64{}
		defer func() { done <- produced }()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			records := make([]*kgo.Record, keys)
			for i := range records {
				records[i] = &kgo.Record{Key: fmt.Appendf(nil, "key%d", i), Value: []byte("raw")}
			}
			for _, r := range client.ProduceSync(ctx, records...) {
				switch {
				case r.Err == nil:
					produced[int(r.Record.Partition)] = max(produced[int(r.Record.Partition)], r.Record.Offset+1)
				case ctx.Err() == nil:
					tb.Errorf("raw producer: %v", r.Err)
					return
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	var once sync.Once
	var produced map[int]int64
	stop = func() map[int]int64 {
		once.Do(func() {
			cancel()
			produced = <-done
			client.Close()
		})
		return produced
	}
	tb.Cleanup(func() { stop() })
	return stop
}

// Group is a consumer group as the broker describes it.
type Group struct {
	State    string // Stable, PreparingRebalance, CompletingRebalance, Empty, Dead
	Protocol string // the assignor the group chose: range, cooperative-sticky, …
	Members  []string
}

// DescribeGroup asks the broker for a group's state, protocol and members'
// client ids, with franz-go's request types (not kafkaplot's code).
func DescribeGroup(tb testing.TB, brokers []string, group string) Group {
	tb.Helper()
	client, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		tb.Fatalf("describe group %s: %v", group, err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req := kmsg.NewPtrDescribeGroupsRequest()
	req.Groups = []string{group}
	resp, err := req.RequestWith(ctx, client)
	if err != nil {
		tb.Fatalf("describe group %s: %v", group, err)
	}
	if len(resp.Groups) != 1 {
		tb.Fatalf("describe group %s: %d groups in the answer", group, len(resp.Groups))
	}
	g := resp.Groups[0]
	if err := kerr.ErrorForCode(g.ErrorCode); err != nil {
		tb.Fatalf("describe group %s: %v", group, err)
	}
	out := Group{State: g.State, Protocol: g.Protocol}
	for _, m := range g.Members {
		out.Members = append(out.Members, m.ClientID)
	}
	return out
}

// WaitGroupProtocol waits until the group is stable with the protocol
// want, failing the test with the last description after within.
func WaitGroupProtocol(tb testing.TB, brokers []string, group, want string, within time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for {
		g := DescribeGroup(tb, brokers, group)
		if g.State == "Stable" && g.Protocol == want {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("group %s: %s with protocol %q and members %v after %s, want Stable with %q", group, g.State, g.Protocol, g.Members, within, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
