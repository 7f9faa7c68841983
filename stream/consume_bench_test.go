package stream

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
)

// benchRecords is how many sensor records BenchmarkConsume reads per op.
const benchRecords = 200_000

// benchCluster starts an in-process cluster (kfake and srfake) holding
// records sensor events over two partitions, written 512 steps per produce
// request like "kafkaplot produce -d 0".
func benchCluster(tb testing.TB, records int) *testCluster {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	emb := startCluster(tb, 2)
	p, enc := sensorProducer(tb, []string{emb.BrokerAddr()}, emb.RegistryURL(), emb.Topic(), false)
	ids := make([][]byte, 8)
	for i := range ids {
		ids[i] = fmt.Appendf(nil, "sensor%d", i)
	}
	const perSend = 512 * 8
	msgs := make([]Message, 0, perSend)
	var (
		deliveries []Delivery
		err        error
	)
	for n := 0; n < records; {
		msgs = msgs[:0]
		for ; n < records && len(msgs) < perSend; n++ {
			s := schema.Sensor{Timestamp: 1_700_000_000_000 + int64(n/8)*10, ID: string(ids[n%8]), Value: float64(n)}
			v, err := enc.AppendSensor(nil, s)
			if err != nil {
				tb.Fatal(err)
			}
			msgs = append(msgs, Message{Key: ids[n%8], Value: v, Time: time.UnixMilli(s.Timestamp)})
		}
		if deliveries, err = p.Send(ctx, msgs, deliveries); err != nil {
			tb.Fatal(err)
		}
	}
	return emb
}

// consumeAll reads the whole topic with a new group and returns how long
// it took.
func consumeAll(tb testing.TB, emb *testCluster, group string, highs []int64, want int) time.Duration {
	tb.Helper()
	reg, err := schema.NewClient(emb.RegistryURL())
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		count    atomic.Int64
		sum      atomic.Int64
		mu       sync.Mutex
		pos      = map[int]int64{}
		finished = make(chan struct{})
		once     sync.Once
	)
	start := time.Now()
	c, err := NewConsumer(ConsumerConfig{
		Conn:      Connection{Brokers: []string{emb.BrokerAddr()}},
		Group:     group,
		Topic:     emb.Topic(),
		Decoder:   sensorDecoder(reg),
		Heartbeat: testHeartbeat, Session: testSession, Rebalance: testRebalance,
		OnRecords: func(_ context.Context, batch []Record) error {
			var s int64
			for i := range batch {
				if isSensor(&batch[i]) {
					s += int64(sensorIn(&batch[i]).Value)
				}
			}
			count.Add(int64(len(batch)))
			sum.Add(s)
			return nil
		},
		OnPosition: func(p int, next int64) {
			mu.Lock()
			defer mu.Unlock()
			pos[p] = next
			for i, h := range highs {
				if pos[i] < h {
					return
				}
			}
			once.Do(func() { close(finished) })
		},
	})
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	select {
	case <-finished:
	case err := <-done:
		tb.Fatalf("consumer stopped early: %v", err)
	case <-time.After(2 * time.Minute):
		tb.Fatalf("consumer read %d of %d records in 2 minutes", count.Load(), want)
	}
	total := time.Since(start)
	cancel()
	if err := <-done; err != nil && err != context.Canceled {
		tb.Fatal(err)
	}
	if n := count.Load(); n != int64(want) {
		tb.Fatalf("read %d records, want %d", n, want)
	}
	if s, w := sum.Load(), int64(want)*int64(want-1)/2; s != w {
		tb.Fatalf("sum of values %d, want %d", s, w)
	}
	return total
}

// BenchmarkConsume reads 200,000 sensor records from an in-process kfake
// broker with a new consumer group per op, through the whole consumer
// path: group join, fetch, decode, hand-on. It reports the rate and the
// per-record cost; time and allocations include the in-process broker's.
func BenchmarkConsume(b *testing.B) {
	emb := benchCluster(b, benchRecords)
	highs, err := Connection{Brokers: []string{emb.BrokerAddr()}}.HighWatermarks(context.Background(), emb.Topic())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var total time.Duration
	i := 0
	for b.Loop() {
		total += consumeAll(b, emb, fmt.Sprintf("bench-%d", i), highs, benchRecords)
		i++
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(i*benchRecords), "ns/record")
	b.ReportMetric(float64(i*benchRecords)/total.Seconds(), "records/s")
}
