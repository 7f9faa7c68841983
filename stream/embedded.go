package stream

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafkaplot/kafkaplot/schema"
)

// Default addresses of the embedded cluster.
const (
	DefaultEmbeddedBroker   = "127.0.0.1:19092"
	DefaultEmbeddedRegistry = "127.0.0.1:18081"
)

// EmbeddedConfig configures an embedded cluster.
type EmbeddedConfig struct {
	// BrokerAddr is the broker's loopback address. Default: DefaultEmbeddedBroker.
	BrokerAddr string
	// RegistryAddr is the registry's listen address. Default: DefaultEmbeddedRegistry.
	RegistryAddr string
	// Topic is created on start. Default: "temperature".
	Topic string
	// Partitions of Topic. Default: 2.
	Partitions int
	// Subject receives SensorSchema on start. Default: "sensor".
	Subject string
}

func (c *EmbeddedConfig) defaults() {
	if c.BrokerAddr == "" {
		c.BrokerAddr = DefaultEmbeddedBroker
	}
	if c.RegistryAddr == "" {
		c.RegistryAddr = DefaultEmbeddedRegistry
	}
	if c.Topic == "" {
		c.Topic = "temperature"
	}
	if c.Partitions <= 0 {
		c.Partitions = 2
	}
	if c.Subject == "" {
		c.Subject = "sensor"
	}
}

// Embedded is a one-broker Kafka cluster (kfake) and a Confluent-compatible
// schema registry running in this process.
type Embedded struct {
	cfg      EmbeddedConfig
	cluster  *kfake.Cluster
	registry *schema.Registry
	server   *http.Server
	listener net.Listener
	served   chan error
}

// Group timings suited to the embedded broker: a joining member rebalances
// in about one heartbeat, a crashed one is noticed within the session.
const (
	EmbeddedHeartbeat = 250 * time.Millisecond
	EmbeddedSession   = 2 * time.Second
	EmbeddedRebalance = 3 * time.Second
)

// StartEmbedded starts the broker and the registry, creates the topic and
// registers the sensor schema.
func StartEmbedded(ctx context.Context, cfg EmbeddedConfig) (*Embedded, error) {
	cfg.defaults()
	host, portText, err := net.SplitHostPort(cfg.BrokerAddr)
	if err != nil {
		return nil, fmt.Errorf("embedded broker address %q: %w", cfg.BrokerAddr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("embedded broker address %q: port: %w", cfg.BrokerAddr, err)
	}
	if host != "127.0.0.1" {
		// kfake binds and advertises 127.0.0.1 only.
		return nil, fmt.Errorf("embedded broker address %q: host must be 127.0.0.1", cfg.BrokerAddr)
	}
	ln, err := net.Listen("tcp", cfg.RegistryAddr)
	if err != nil {
		return nil, fmt.Errorf("embedded registry: %w", err)
	}
	cluster, err := kfake.NewCluster(
		kfake.Ports(port),
		kfake.SeedTopics(int32(cfg.Partitions), cfg.Topic),
		kfake.AllowAutoTopicCreation(),
		kfake.DefaultNumPartitions(cfg.Partitions),
		kfake.GroupMinSessionTimeout(500*time.Millisecond),
	)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("embedded broker on %s: %w", cfg.BrokerAddr, err)
	}
	e := &Embedded{
		cfg:      cfg,
		cluster:  cluster,
		registry: schema.NewRegistry(),
		listener: ln,
		served:   make(chan error, 1),
	}
	e.server = &http.Server{Handler: e.registry.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { e.served <- e.server.Serve(ln) }()

	client, err := schema.NewClient(e.RegistryURL())
	if err != nil {
		e.Close()
		return nil, err
	}
	if _, err := client.Register(ctx, cfg.Subject, schema.SensorSchema); err != nil {
		e.Close()
		return nil, fmt.Errorf("register schema %s in embedded registry: %w", cfg.Subject, err)
	}
	return e, nil
}

// BrokerAddr returns the broker's address.
func (e *Embedded) BrokerAddr() string { return e.cfg.BrokerAddr }

// RegistryURL returns the registry's base URL.
func (e *Embedded) RegistryURL() string { return "http://" + e.listener.Addr().String() }

// Topic returns the topic created on start.
func (e *Embedded) Topic() string { return e.cfg.Topic }

// Cluster exposes the kfake cluster, for fault injection in tests.
func (e *Embedded) Cluster() *kfake.Cluster { return e.cluster }

// Close stops the registry and the broker.
func (e *Embedded) Close() error {
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := e.server.Shutdown(shutdownCtx)
	e.registry.Close()
	e.cluster.Close()
	if serr := <-e.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// EmbeddedRunning reports whether an embedded cluster (or any Kafka broker and
// registry) already answers on the given addresses.
func EmbeddedRunning(ctx context.Context, brokerAddr, registryURL string) bool {
	d := net.Dialer{Timeout: 500 * time.Millisecond}
	conn, err := d.DialContext(ctx, "tcp", brokerAddr)
	if err != nil {
		return false
	}
	conn.Close()
	reqCtx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(reqCtx, http.MethodGet, registryURL+"/subjects", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
