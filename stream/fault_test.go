package stream

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/schema"
)

// flakyRegistry is a registry (srfake) behind a switch that makes it
// answer 503, as a registry that is down or restarting would.
type flakyRegistry struct {
	*httptest.Server
	down     atomic.Bool
	refusals atomic.Int64
}

func newFlakyRegistry(t *testing.T) *flakyRegistry {
	t.Helper()
	reg := srfake.NewRegistry()
	f := &flakyRegistry{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.down.Load() {
			f.refusals.Add(1)
			http.Error(w, "registry restarting", http.StatusServiceUnavailable)
			return
		}
		reg.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(func() { f.Close(); reg.Close() })
	return f
}

// startBroker starts a kfake broker on addr, persisting to dataDir.
func startBroker(t *testing.T, addr, dataDir string) *kfake.Cluster {
	t.Helper()
	_, portText, _ := strings.Cut(addr, ":")
	port, _ := strconv.Atoi(portText)
	c, err := kfake.NewCluster(kfake.Ports(port), kfake.DataDir(dataDir), kfake.SeedTopics(2, "temperature"),
		kfake.GroupMinSessionTimeout(500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sendSensors writes n events per sensor, numbered from first.
func sendSensors(t *testing.T, brokers []string, registryURL string, first, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p, enc := sensorProducer(t, brokers, registryURL, "temperature", true)
	for step := first; step < first+n; step++ {
		var msgs []Message
		for i := range 8 {
			v, err := enc.AppendSensor(nil, schema.Sensor{Timestamp: int64(1_700_000_000_000 + step), ID: fmt.Sprintf("sensor%d", i), Value: float64(step)})
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, Message{Key: []byte(fmt.Sprintf("sensor%d", i)), Value: v})
		}
		if _, err := p.Send(ctx, msgs, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// offsetsSeen counts, per partition, the distinct offsets handed on.
type offsetsSeen struct {
	mu       sync.Mutex
	seen     map[[2]int64]int
	errs     []error
	statuses []Status
}

func (o *offsetsSeen) config(brokers []string, registryURL, group string) ConsumerConfig {
	reg, _ := schema.NewClient(registryURL)
	o.seen = map[[2]int64]int{}
	return ConsumerConfig{
		Conn: Connection{Brokers: brokers, DialTimeout: time.Second}, Group: group, Topic: "temperature",
		Decoder:   sensorDecoder(reg),
		Heartbeat: testHeartbeat, Session: testSession, Rebalance: testRebalance,
		OnRecords: func(_ context.Context, batch []Record) error {
			o.mu.Lock()
			defer o.mu.Unlock()
			for _, r := range batch {
				o.seen[[2]int64{int64(r.Partition), r.Offset}]++
				if r.Err != nil {
					o.errs = append(o.errs, r.Err)
				}
			}
			return nil
		},
		OnStatus: func(s Status) {
			o.mu.Lock()
			defer o.mu.Unlock()
			o.statuses = append(o.statuses, s)
		},
	}
}

func (o *offsetsSeen) distinct() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.seen)
}

func (o *offsetsSeen) sawStatus(substr string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, s := range o.statuses {
		if strings.Contains(s.Text, substr) {
			return true
		}
	}
	return false
}

// TestRegistryOutagePausesPartition checks that records whose schema cannot
// be fetched while the registry is down are held, not dropped or committed
// past, and delivered once it is back.
func TestRegistryOutagePausesPartition(t *testing.T) {
	addr := testsupport.FreeAddr(t)
	broker := startBroker(t, addr, t.TempDir())
	defer broker.Close()
	reg := newFlakyRegistry(t)
	brokers := []string{addr}
	sendSensors(t, brokers, reg.URL, 0, 3)

	reg.down.Store(true)
	var seen offsetsSeen
	runConsumer(t, seen.config(brokers, reg.URL, "outage"))
	waitFor(t, "the partition to pause on the registry outage", 20*time.Second, func() bool {
		return seen.sawStatus("registry unavailable")
	})
	if n := seen.distinct(); n != 0 {
		t.Fatalf("%d records handed on while the registry was down, want 0 (held)", n)
	}
	conn := Connection{Brokers: brokers}
	client := conn.Client()
	defer closeClient(client)
	stats, err := groupOffsets(context.Background(), client, "outage", "temperature")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stats {
		if s.Committed > 0 {
			t.Errorf("partition %d committed %d during the outage", s.Partition, s.Committed)
		}
	}

	reg.down.Store(false)
	waitFor(t, "all 24 records after the registry returns", 30*time.Second, func() bool { return seen.distinct() == 24 })
	if len(seen.errs) != 0 {
		t.Errorf("decode errors after recovery: %v", seen.errs)
	}
	if reg.refusals.Load() == 0 {
		t.Error("the registry was never asked during the outage")
	}
}

// TestBrokerRestartReconnects stops the broker mid-stream and starts a new
// one on the same address and data: the consumer reconnects by itself and
// sees every event, before and after.
func TestBrokerRestartReconnects(t *testing.T) {
	addr := testsupport.FreeAddr(t)
	dataDir := t.TempDir()
	broker := startBroker(t, addr, dataDir)
	reg := newFlakyRegistry(t)
	brokers := []string{addr}
	sendSensors(t, brokers, reg.URL, 0, 2)

	var seen offsetsSeen
	runConsumer(t, seen.config(brokers, reg.URL, "restart"))
	waitFor(t, "16 records before the outage", 20*time.Second, func() bool { return seen.distinct() == 16 })

	broker.Close()
	time.Sleep(300 * time.Millisecond)
	broker = startBroker(t, addr, dataDir)
	defer broker.Close()
	sendSensors(t, brokers, reg.URL, 2, 2)
	waitFor(t, "all 32 records after the restart", 30*time.Second, func() bool { return seen.distinct() == 32 })
	if !seen.sawStatus("reconnecting") {
		t.Error("no reconnecting status was reported")
	}
	seen.mu.Lock()
	defer seen.mu.Unlock()
	for p := range int64(2) {
		for off := range int64(16) {
			if seen.seen[[2]int64{p, off}] == 0 {
				t.Errorf("gap: partition %d offset %d never handed on", p, off)
			}
		}
	}
}

// TestHighWatermarksMissingTopic: a topic the broker does not have is one
// line naming it (it used to add a second line, "not found").
func TestHighWatermarksMissingTopic(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "temperature"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = Connection{Brokers: c.ListenAddrs()}.HighWatermarks(ctx, "nosuchtopic")
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "topic nosuchtopic: ") {
		t.Fatalf("err = %q, want one line naming the topic", err)
	}
}
