package stream

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
)

// sensorProducer returns a producer to the topic and an encoder for the
// latest schema of subject "sensor" (registered first when register is set).
// The producer is closed when the test ends.
func sensorProducer(tb testing.TB, brokers []string, registryURL, topic string, register bool) (*Producer, *schema.Encoder) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	reg, err := schema.NewClient(registryURL)
	if err != nil {
		tb.Fatal(err)
	}
	enc, err := reg.SensorEncoder(ctx, "sensor", register)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := NewProducer(ctx, ProducerConfig{Conn: Connection{Brokers: brokers}, Topic: topic})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { p.Close() })
	return p, enc
}

// produceSensors writes steps × 8 sensor events and returns them in order.
func produceSensors(t *testing.T, emb *testCluster, steps int) []schema.Sensor {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p, enc := sensorProducer(t, []string{emb.BrokerAddr()}, emb.RegistryURL(), emb.Topic(), false)
	var sent []schema.Sensor
	next := map[int]int64{}
	for step := range steps {
		var msgs []Message
		var sensors []schema.Sensor
		for i := range 8 {
			s := schema.Sensor{Timestamp: int64(1_700_000_000_000 + step*500), ID: fmt.Sprintf("sensor%d", i), Value: float64(step*10 + i)}
			v, err := enc.AppendSensor(nil, s)
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, Message{Key: []byte(s.ID), Value: v, Time: time.UnixMilli(s.Timestamp)})
			sensors = append(sensors, s)
		}
		ds, err := p.Send(ctx, msgs, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range ds {
			if want := PartitionFor(msgs[i].Key, p.Partitions()); d.Partition != want {
				t.Fatalf("%s went to partition %d, want %d", msgs[i].Key, d.Partition, want)
			}
			if d.Offset != next[d.Partition] {
				t.Fatalf("%s at offset %d, want %d", msgs[i].Key, d.Offset, next[d.Partition])
			}
			next[d.Partition]++
		}
		sent = append(sent, sensors...)
	}
	return sent
}

// collector gathers what a consumer reports.
type collector struct {
	mu      sync.Mutex
	records []Record
	groups  []GroupEvent
	pos     map[int]int64
}

func (c *collector) config(emb *testCluster, group string) ConsumerConfig {
	reg, _ := schema.NewClient(emb.RegistryURL())
	return ConsumerConfig{
		Conn:      Connection{Brokers: []string{emb.BrokerAddr()}},
		Group:     group,
		Topic:     emb.Topic(),
		Decoder:   sensorDecoder(reg),
		Heartbeat: testHeartbeat, Session: testSession, Rebalance: testRebalance,
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
		OnPosition: func(p int, next int64) {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.pos == nil {
				c.pos = map[int]int64{}
			}
			c.pos[p] = next
		},
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runConsumer starts a consumer and returns a function that stops it and
// waits for it to leave the group.
func runConsumer(t *testing.T, cfg ConsumerConfig) (stop func()) {
	t.Helper()
	c, err := NewConsumer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil && ctx.Err() == nil {
					t.Errorf("consumer: %v", err)
				}
			case <-time.After(15 * time.Second):
				t.Error("consumer did not stop")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func TestProduceConsumeCommitResume(t *testing.T) {
	emb := startCluster(t, 2)
	sent := produceSensors(t, emb, 5)

	var first collector
	stop := runConsumer(t, first.config(emb, "g1"))
	waitFor(t, "40 records", 20*time.Second, func() bool {
		first.mu.Lock()
		defer first.mu.Unlock()
		return len(first.records) >= 40
	})
	stop()

	got := map[string][]schema.Sensor{}
	for _, r := range first.records {
		if r.Err != nil || !isSensor(&r) {
			t.Fatalf("record %d/%d: err %v sensor %v", r.Partition, r.Offset, r.Err, isSensor(&r))
		}
		if want := PartitionFor(r.Key, 2); r.Partition != want {
			t.Errorf("%s read from partition %d, want %d", r.Key, r.Partition, want)
		}
		got[sensorIn(&r).ID] = append(got[sensorIn(&r).ID], sensorIn(&r))
	}
	for _, s := range sent {
		series := got[s.ID]
		if len(series) == 0 || series[0] != s {
			t.Fatalf("sensor %s: got %v first, want %v", s.ID, series, s)
		}
		got[s.ID] = series[1:]
	}

	// Same group again: everything was committed, nothing new to read.
	var again collector
	stop = runConsumer(t, again.config(emb, "g1"))
	waitFor(t, "positions at the end", 20*time.Second, func() bool {
		again.mu.Lock()
		defer again.mu.Unlock()
		return again.pos[0] == 20 && again.pos[1] == 20
	})
	stop()
	if n := len(again.records); n != 0 {
		t.Errorf("same group read %d records again, want 0", n)
	}

	// A new group reads everything.
	var fresh collector
	stop = runConsumer(t, fresh.config(emb, "g2"))
	waitFor(t, "40 records in a new group", 20*time.Second, func() bool {
		fresh.mu.Lock()
		defer fresh.mu.Unlock()
		return len(fresh.records) >= 40
	})
	stop()
}

func (c *collector) lastOwned() ([]int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.groups) == 0 {
		return nil, false
	}
	return c.groups[len(c.groups)-1].Assigned, true
}

func TestRebalanceBetweenTwoMembers(t *testing.T) {
	emb := startCluster(t, 2)
	var a, b collector
	runConsumer(t, a.config(emb, "rb"))
	owns := func(c *collector, want ...int) func() bool {
		return func() bool {
			got, ok := c.lastOwned()
			return ok && slices.Equal(got, want)
		}
	}
	waitFor(t, "a owns [0 1]", 20*time.Second, owns(&a, 0, 1))
	stopB := runConsumer(t, b.config(emb, "rb"))
	waitFor(t, "a and b split the partitions", 20*time.Second, func() bool {
		ga, oka := a.lastOwned()
		gb, okb := b.lastOwned()
		return oka && okb && len(ga) == 1 && len(gb) == 1 && ga[0] != gb[0]
	})
	waitFor(t, "a sees both members", 20*time.Second, func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		last := a.groups[len(a.groups)-1]
		return len(last.Members) == 2
	})
	stopB()
	waitFor(t, "a owns [0 1] again", 20*time.Second, owns(&a, 0, 1))
}
