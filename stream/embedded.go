package stream

import (
	"bytes"
	"context"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
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

	// TLS, when set, makes the broker speak TLS only; with ClientAuth
	// tls.RequireAndVerifyClientCert it requires client certificates
	// (mutual TLS, as Hopsworks does). Default: nil, plaintext.
	TLS *tls.Config
	// SASLUsers, when set, makes the broker require SASL authentication
	// (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) by one of these users.
	// Default: none, no SASL.
	SASLUsers []SASLUser
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

// EmbeddedMaxMessageBytes is the largest record batch the embedded broker accepts.
const EmbeddedMaxMessageBytes = 32 << 20

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
		kfake.BrokerConfigs(map[string]string{"message.max.bytes": strconv.Itoa(EmbeddedMaxMessageBytes)}),
	}
	if cfg.TLS != nil {
		opts = append(opts, kfake.TLS(cfg.TLS))
	}
	if len(cfg.SASLUsers) > 0 {
		opts = append(opts, kfake.EnableSASL())
		for _, u := range cfg.SASLUsers {
			m := strings.ToUpper(u.Mechanism)
			if m != SASLPlain && m != SASLSCRAMSHA256 && m != SASLSCRAMSHA512 {
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
	e := &Embedded{
		cfg:      cfg,
		cluster:  cluster,
		registry: schema.NewRegistry(),
		listener: ln,
		served:   make(chan error, 1),
	}
	var handler http.Handler = e.registry.Handler()
	switch {
	case cfg.RegistryAPIKey != "":
		handler = &hopsworksRegistry{inner: handler, base: cfg.RegistryBasePath, key: cfg.RegistryAPIKey}
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
func (e *Embedded) BrokerAddr() string { return e.cfg.BrokerAddr }

// RegistryURL returns the registry's base URL, with the base path.
func (e *Embedded) RegistryURL() string {
	scheme := "http://"
	if e.cfg.RegistryTLS != nil {
		scheme = "https://"
	}
	return scheme + e.listener.Addr().String() + e.cfg.RegistryBasePath
}

// registryClient returns a client of the embedded registry that trusts its
// certificate and carries its API key.
func (e *Embedded) registryClient() (*schema.Client, error) {
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

// hopsworksRegistry serves a registry the way Hopsworks 2.x does: under its
// project base path, behind an API key, with its content-type, list and
// error-code quirks (see EmbeddedConfig.RegistryAPIKey).
type hopsworksRegistry struct {
	inner http.Handler
	base  string
	key   string
}

// isListPath reports whether rel is a list endpoint Hopsworks answers in
// plain text: /subjects or /subjects/{subject}/versions.
func isListPath(rel string) bool {
	rel = strings.TrimSuffix(rel, "/")
	parts := strings.Split(rel, "/")
	return rel == "/subjects" || (len(parts) == 4 && parts[1] == "subjects" && parts[2] != "" && parts[3] == "versions")
}

func (h *hopsworksRegistry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rel, ok := strings.CutPrefix(r.URL.Path, h.base)
	if !ok || (rel != "" && !strings.HasPrefix(rel, "/")) {
		hopsworksError(w, http.StatusNotFound, 160000, "Not found: "+r.URL.Path)
		return
	}
	auth := r.Header.Get("Authorization")
	given, isKey := strings.CutPrefix(auth, "ApiKey ")
	switch {
	case auth == "":
		hopsworksError(w, http.StatusUnauthorized, 200003, "Authorization header not set.")
		return
	case !isKey || subtle.ConstantTimeCompare([]byte(given), []byte(h.key)) != 1:
		hopsworksError(w, http.StatusUnauthorized, 200003, "Invalid API key.")
		return
	}
	if (r.Method == http.MethodPost || r.Method == http.MethodPut) && r.ContentLength != 0 {
		media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if media != "application/json" {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusUnsupportedMediaType)
			fmt.Fprint(w, "<html><body><h1>HTTP Status 415 - Unsupported Media Type</h1></body></html>")
			return
		}
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = rel, ""
	rec := httptest.NewRecorder()
	h.inner.ServeHTTP(rec, r2)
	body := rec.Body.Bytes()
	switch {
	case r.Method == http.MethodGet && rec.Code == http.StatusOK && isListPath(rel):
		var list []any
		if json.Unmarshal(body, &list) == nil {
			parts := make([]string, len(list))
			for i, v := range list {
				parts[i] = fmt.Sprint(v)
			}
			body = []byte("[" + strings.Join(parts, ", ") + "]")
			rec.Header().Set("Content-Type", "text/plain")
		}
	case rec.Code == http.StatusConflict:
		var e struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(body, &e)
		body, _ = json.Marshal(map[string]any{"error_code": 40901, "message": e.Message})
	}
	for k, v := range rec.Header() {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(rec.Code)
	_, _ = bytes.NewReader(body).WriteTo(w)
}

// hopsworksError writes an error the way Hopsworks' REST API does.
func hopsworksError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errorCode": code, "errorMsg": msg})
}
