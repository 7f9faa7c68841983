package embedded

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
)

// Default addresses of the embedded cluster.
const (
	DefaultBroker   = "127.0.0.1:19092"
	DefaultRegistry = "127.0.0.1:18081"
)

// Config configures an embedded cluster.
type Config struct {
	// BrokerAddr is the broker's loopback address. Default: DefaultBroker.
	BrokerAddr string
	// RegistryAddr is the registry's listen address. Default: DefaultRegistry.
	RegistryAddr string
	// Topic is created on start. Default: "temperature".
	Topic string
	// Partitions of Topic. Default: 2.
	Partitions int
	// Subject receives SensorSchema on start. Default: "sensor".
	Subject string

	// TLS, when set, makes the broker speak TLS only; with ClientAuth
	// tls.RequireAndVerifyClientCert it requires client certificates
	// (mutual TLS, as Hopsworks does). Default: nil, plaintext.
	TLS *tls.Config
	// SASLUsers, when set, makes the broker require SASL authentication
	// (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) by one of these users.
	// Default: none, no SASL.
	SASLUsers []stream.SASLUser
	// RegistryTLS, when set, serves the registry over HTTPS with it.
	// Default: nil, plain HTTP.
	RegistryTLS *tls.Config
	// RegistryBasePath prefixes the registry's REST API, e.g. Hopsworks'
	// /hopsworks-api/api/project/1143/kafka. Default: "", the root.
	RegistryBasePath string
	// RegistryAPIKey, when set, makes the registry behave like Hopsworks
	// 2.x: it requires "Authorization: ApiKey <key>" (401 without or with
	// another key), answers 415 to the registry content type on POST and
	// PUT (only application/json is accepted), lists subjects and versions
	// as plain text "[a, b]", and marks incompatible schemas with error
	// code 40901. Default: "", an open Confluent-style registry.
	RegistryAPIKey string
	// RegistryAcceptsConfluentType, with RegistryAPIKey, turns off the
	// emulation of Hopsworks 2.2's 415: POST and PUT are accepted with the
	// registry content type too, as Hopsworks does once that bug is fixed,
	// so Confluent clients need no patch. Default: false, the 415 emulated.
	RegistryAcceptsConfluentType bool
}

func (c *Config) defaults() {
	if c.BrokerAddr == "" {
		c.BrokerAddr = DefaultBroker
	}
	if c.RegistryAddr == "" {
		c.RegistryAddr = DefaultRegistry
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

// Cluster is a one-broker Kafka cluster (kfake) and a Confluent-compatible
// schema registry running in this process.
type Cluster struct {
	cfg      Config
	cluster  *kfake.Cluster
	registry *Registry
	server   *http.Server
	listener net.Listener
	served   chan error
}

// MaxMessageBytes is the largest record batch the embedded broker accepts.
const MaxMessageBytes = 32 << 20

// Group timings suited to the embedded broker: a joining member rebalances
// in about one heartbeat, a crashed one is noticed within the session.
const (
	Heartbeat = 250 * time.Millisecond
	Session   = 2 * time.Second
	Rebalance = 3 * time.Second
)

// Start starts the broker and the registry, creates the topic and
// registers the sensor schema.
func Start(ctx context.Context, cfg Config) (*Cluster, error) {
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
	if cfg.RegistryBasePath != "" && (!strings.HasPrefix(cfg.RegistryBasePath, "/") || strings.HasSuffix(cfg.RegistryBasePath, "/")) {
		return nil, fmt.Errorf("embedded registry base path %q: want /a/b, without a trailing slash", cfg.RegistryBasePath)
	}
	opts := []kfake.Opt{
		kfake.Ports(port),
		kfake.SeedTopics(int32(cfg.Partitions), cfg.Topic),
		kfake.AllowAutoTopicCreation(),
		kfake.DefaultNumPartitions(cfg.Partitions),
		kfake.GroupMinSessionTimeout(500 * time.Millisecond),
		// Room for large values (Kafka's default is 1 MiB).
		kfake.BrokerConfigs(map[string]string{"message.max.bytes": strconv.Itoa(MaxMessageBytes)}),
	}
	if cfg.TLS != nil {
		opts = append(opts, kfake.TLS(cfg.TLS))
	}
	if len(cfg.SASLUsers) > 0 {
		opts = append(opts, kfake.EnableSASL())
		for _, u := range cfg.SASLUsers {
			m := strings.ToUpper(u.Mechanism)
			if m != stream.SASLPlain && m != stream.SASLSCRAMSHA256 && m != stream.SASLSCRAMSHA512 {
				return nil, fmt.Errorf("embedded broker: SASL user %q: unknown mechanism %q", u.Username, u.Mechanism)
			}
			opts = append(opts, kfake.Superuser(m, u.Username, u.Password))
		}
	}
	ln, err := net.Listen("tcp", cfg.RegistryAddr)
	if err != nil {
		return nil, fmt.Errorf("embedded registry: %w", err)
	}
	cluster, err := kfake.NewCluster(opts...)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("embedded broker on %s: %w", cfg.BrokerAddr, err)
	}
	e := &Cluster{
		cfg:      cfg,
		cluster:  cluster,
		registry: NewRegistry(),
		listener: ln,
		served:   make(chan error, 1),
	}
	var handler http.Handler = e.registry.Handler()
	switch {
	case cfg.RegistryAPIKey != "":
		handler = &hopsworksRegistry{inner: handler, base: cfg.RegistryBasePath, key: cfg.RegistryAPIKey, acceptConfluentType: cfg.RegistryAcceptsConfluentType}
	case cfg.RegistryBasePath != "":
		handler = http.StripPrefix(cfg.RegistryBasePath, handler)
	}
	e.server = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, TLSConfig: cfg.RegistryTLS}
	if cfg.RegistryTLS != nil {
		go func() { e.served <- e.server.ServeTLS(ln, "", "") }()
	} else {
		go func() { e.served <- e.server.Serve(ln) }()
	}

	client, err := e.registryClient()
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
func (e *Cluster) BrokerAddr() string { return e.cfg.BrokerAddr }

// RegistryURL returns the registry's base URL, with the base path.
func (e *Cluster) RegistryURL() string {
	scheme := "http://"
	if e.cfg.RegistryTLS != nil {
		scheme = "https://"
	}
	return scheme + e.listener.Addr().String() + e.cfg.RegistryBasePath
}

// registryClient returns a client of the embedded registry that trusts its
// certificate and carries its API key.
func (e *Cluster) registryClient() (*schema.Client, error) {
	var opts []schema.ClientOption
	if e.cfg.RegistryAPIKey != "" {
		opts = append(opts, schema.WithAPIKey(e.cfg.RegistryAPIKey))
	}
	if tc := e.cfg.RegistryTLS; tc != nil {
		// Trust exactly the certificates the registry serves: a pool holding
		// the leaf itself verifies it, whoever issued it.
		pool := x509.NewCertPool()
		for _, c := range tc.Certificates {
			for _, der := range c.Certificate {
				cert, err := x509.ParseCertificate(der)
				if err != nil {
					return nil, fmt.Errorf("embedded registry certificate: %w", err)
				}
				pool.AddCert(cert)
			}
		}
		opts = append(opts, schema.WithHTTPClient(&http.Client{
			Timeout:   schema.DefaultTimeout,
			Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
		}))
	}
	return schema.NewClient(e.RegistryURL(), opts...)
}

// Topic returns the topic created on start.
func (e *Cluster) Topic() string { return e.cfg.Topic }

// Broker exposes the kfake cluster, for fault injection in tests.
func (e *Cluster) Broker() *kfake.Cluster { return e.cluster }

// Close stops the registry and the broker. The registry's requests in
// flight get 2 seconds to finish; then their connections are cut.
func (e *Cluster) Close() error {
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := e.server.Shutdown(shutdownCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		// A client still in a request (a dashboard's registry check on
		// a busy machine) does not make stopping fail.
		err = e.server.Close()
	}
	e.registry.Close()
	e.cluster.Close()
	if serr := <-e.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// Running reports whether an embedded cluster (or any Kafka broker and
// registry) already answers on the given addresses: the broker accepts a
// connection and the registry lists its subjects, both within the given time.
func Running(ctx context.Context, brokerAddr, registryURL string, within time.Duration) bool {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", brokerAddr)
	if err != nil {
		return false
	}
	conn.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, registryURL+"/subjects", nil)
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
