package stream

import (
	"strconv"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/kafkaplot/kafkaplot/schema"
)

// Group timings suited to kfake, as package embedded sets them: a joining
// member rebalances in about one heartbeat, a crashed one is noticed within
// the session.
const (
	testHeartbeat = 250 * time.Millisecond
	testSession   = 2 * time.Second
	testRebalance = 3 * time.Second
)

// testCluster is what stream's tests need of a cluster: a one-broker kfake
// with the topic "temperature" and franz-go's srfake registry holding the
// sensor schema under "sensor". Package embedded imports stream, so its
// cluster cannot serve these tests.
type testCluster struct {
	broker   *kfake.Cluster
	registry *srfake.Registry
}

// startCluster starts a test cluster on free ports, stopped when the test ends.
func startCluster(tb testing.TB, partitions int) *testCluster {
	tb.Helper()
	broker, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.SeedTopics(int32(partitions), "temperature"),
		kfake.GroupMinSessionTimeout(500*time.Millisecond),
		// Room for the poison corpus's large values (Kafka's default is 1 MiB).
		kfake.BrokerConfigs(map[string]string{"message.max.bytes": strconv.Itoa(32 << 20)}),
	)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(broker.Close)
	registry := srfake.New()
	tb.Cleanup(registry.Close)
	if _, _, err := registry.RegisterSchema("sensor", sr.Schema{Schema: schema.SensorSchema, Type: sr.TypeAvro}); err != nil {
		tb.Fatal(err)
	}
	return &testCluster{broker: broker, registry: registry}
}

// BrokerAddr returns the broker's address.
func (c *testCluster) BrokerAddr() string { return c.broker.ListenAddrs()[0] }

// RegistryURL returns the registry's base URL.
func (c *testCluster) RegistryURL() string { return c.registry.URL() }

// Topic returns the topic created on start.
func (c *testCluster) Topic() string { return "temperature" }
