// Package connect resolves a command's configuration (file, environment,
// flags) and opens what every command needs: the Kafka connection and the
// schema registry client, each checked once before use, and the decoder's
// options. A failure on the way to the cluster is explained on one line
// naming the setting to fix. It does not consume, produce or draw anything.
package connect

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// Options are where a command's connection comes from: the connection
// flags. A nil pointer is a flag the user did not set.
type Options struct {
	// ConfigFile is the configuration file (-c); "" reads ./config.toml
	// when present, else uses the embedded cluster's addresses.
	ConfigFile string
	Brokers    *string // comma-separated host:port list (--brokers)
	Registry   *string // the registry's base URL (--registry)
	Topic      *string // the topic (--topic)
	// EmbeddedBroker and EmbeddedRegistry are the embedded cluster's
	// addresses, used when nothing names a cluster.
	EmbeddedBroker, EmbeddedRegistry string
	// Environ is the environment (KEY=value) whose KAFKAPLOT_ variables
	// that override no key are warned about; nil checks none.
	Environ []string
}

// Settings are the resolved configuration of a command.
type Settings struct {
	Cfg config.Config
	// Source says where the settings came from, for messages.
	Source string
	// Embedded is true when no config file, environment or flag named a
	// cluster, so the embedded cluster's default addresses are used.
	Embedded bool
	// Warn receives warnings (hops.verify = false), once each; nil: stderr.
	Warn io.Writer
	// warned remembers the warnings given, shared by copies of Settings.
	warned *sync.Map
	// Now is the clock certificates are checked against; nil: time.Now.
	Now func() time.Time
	// DialTimeout bounds each step of connecting to a broker; 0: stream's default.
	DialTimeout time.Duration
	// RequestTimeout bounds each request to a broker or the registry that
	// has no deadline of its own; 0: stream's and schema's defaults.
	RequestTimeout time.Duration
}

// New returns Settings of a configuration from source whose copies give
// each warning once.
func New(cfg config.Config, source string) Settings {
	return Settings{Cfg: cfg, Source: source, warned: new(sync.Map)}
}

// Resolve builds the configuration: defaults < config file < environment <
// flags the user set.
func Resolve(o Options, lookupEnv func(string) (string, bool)) (Settings, error) {
	path := o.ConfigFile
	if path == "" {
		if _, err := os.Stat("config.toml"); err == nil {
			path = "config.toml"
		}
	}
	s := New(config.Config{}, "")
	if path != "" {
		cfg, err := config.Load(path)
		if err != nil {
			return s, err
		}
		s.Cfg, s.Source = cfg, path
	} else {
		s.Cfg = config.Default()
		s.Cfg.Kafka.Brokers = []string{o.EmbeddedBroker}
		s.Cfg.Registry.URL = "http://" + o.EmbeddedRegistry
		s.Source, s.Embedded = "embedded cluster", true
	}
	before := s.Cfg
	if err := s.Cfg.ApplyEnv(lookupEnv); err != nil {
		return s, err
	}
	for _, name := range config.UnknownEnv(o.Environ) {
		s.warnOnce("env "+name, name+" is no setting and is ignored: the variables are KAFKAPLOT_<SECTION>_<KEY> of the keys in docs/configuration.md")
	}
	if s.Embedded && (!slices.Equal(before.Kafka.Brokers, s.Cfg.Kafka.Brokers) || before.Registry.URL != s.Cfg.Registry.URL) {
		s.Embedded, s.Source = false, "environment"
	}
	if o.Brokers != nil {
		s.Cfg.Kafka.Brokers = SplitList(*o.Brokers)
		s.Embedded = false
	}
	if o.Registry != nil {
		s.Cfg.Registry.URL = strings.TrimRight(*o.Registry, "/")
		s.Embedded = false
	}
	if o.Topic != nil {
		s.Cfg.Kafka.Topic = *o.Topic
	}
	if !s.Embedded && s.Source == "embedded cluster" {
		s.Source = "flags"
	}
	if err := s.Cfg.Validate(); err != nil {
		return s, fmt.Errorf("%s: %w", s.Source, err)
	}
	return s, nil
}

// SplitList splits a comma-separated flag value, dropping blanks.
func SplitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// preflightTimeout bounds the checks Connection and RegistryClient make.
const preflightTimeout = 15 * time.Second

// Connection returns the Kafka connection: TLS and SASL as configured,
// checked by connecting to the brokers once, so that a wrong CA, a refused
// certificate, a wrong SASL password or a broker that speaks another
// protocol is reported on one line naming the setting to fix.
func (s Settings) Connection(ctx context.Context) (stream.Connection, error) {
	conn, info, err := s.Dial()
	if err != nil {
		return conn, err
	}
	checkCtx, cancel := context.WithTimeout(ctx, preflightTimeout)
	defer cancel()
	if err := preflight(checkCtx, conn); err != nil {
		if ctx.Err() != nil {
			return conn, ErrInterrupted
		}
		return conn, ExplainProbe(err, s.Cfg, info)
	}
	return conn, nil
}

// Dial builds the Kafka connection from the configuration, loading its TLS
// material, without connecting.
func (s Settings) Dial() (stream.Connection, tlsfiles.Info, error) {
	conn := stream.Connection{Brokers: s.Cfg.BrokerList(), DialTimeout: s.DialTimeout, RequestTimeout: s.RequestTimeout}
	if err := conn.Validate(); err != nil {
		return conn, tlsfiles.Info{}, err
	}
	tc, info, err := s.Cfg.KafkaTLS().Load(s.clock())
	if err != nil {
		return conn, info, err
	}
	conn.TLS = tc
	if s.Cfg.UsesSASL() {
		mech, err := stream.NewSASL(s.Cfg.Kafka.SASLMechanism, s.Cfg.Kafka.SASLUsername, s.Cfg.Kafka.SASLPassword)
		if err != nil {
			return conn, info, fmt.Errorf("kafka.sasl_mechanism: %w", err)
		}
		conn.SASL = mech
	}
	return conn, info, nil
}

// preflight probes the brokers, all at once, until one answers; when none
// does, it returns the failure that got furthest (a TLS problem says more
// than a refused connection to another broker), the first broker's among
// equals.
func preflight(ctx context.Context, conn stream.Connection) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		i   int
		err error
	}
	results := make(chan result, len(conn.Brokers))
	for i, b := range conn.Brokers {
		go func() {
			_, err := conn.Probe(ctx, b)
			results <- result{i, err}
		}()
	}
	errs := make([]error, len(conn.Brokers))
	for range conn.Brokers {
		r := <-results
		if r.err == nil {
			return nil
		}
		errs[r.i] = r.err
	}
	var worst error
	depth := -1
	for _, err := range errs {
		d := 0
		var pe *stream.ProbeError
		if errors.As(err, &pe) {
			d = slices.Index([]string{stream.StageDNS, stream.StageTCP, stream.StageTLS, stream.StageSASL, stream.StageAPI}, pe.Stage)
		}
		if d > depth {
			worst, depth = err, d
		}
	}
	return worst
}

func (s Settings) clock() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// warnOnce writes a warning the first time it is given.
func (s Settings) warnOnce(key, msg string) {
	if s.warned != nil {
		if _, seen := s.warned.LoadOrStore(key, true); seen {
			return
		}
	}
	w := s.Warn
	if w == nil {
		w = os.Stderr
	}
	fmt.Fprintln(w, "kafkaplot: warning:", msg)
}

// RegistryTLS returns the registry's TLS settings and warns, once, when
// verification is off.
func (s Settings) RegistryTLS() (*tls.Config, tlsfiles.Info, error) {
	tc, info, err := s.Cfg.RegistryTLS().Load(s.clock())
	if err == nil && info.Insecure {
		s.warnOnce("hops.verify", "hops.verify = false: the schema registry's TLS certificate is not verified (testing only)")
	}
	return tc, info, err
}

// NewRegistryClient returns a schema registry client for the configuration,
// without contacting the registry.
func (s Settings) NewRegistryClient() (*schema.Client, tlsfiles.Info, error) {
	url := s.Cfg.RegistryURL()
	if url == "" {
		return nil, tlsfiles.Info{}, errors.New("no schema registry configured: set [registry] url, hops.url, or --registry")
	}
	var opts []schema.ClientOption
	key, err := s.Cfg.APIKey()
	if err != nil {
		return nil, tlsfiles.Info{}, err
	}
	if key != "" {
		opts = append(opts, schema.WithAPIKey(key))
	}
	if s.Cfg.Registry.Username != "" {
		opts = append(opts, schema.WithBasicAuth(s.Cfg.Registry.Username, s.Cfg.Registry.Password))
	}
	tc, info, err := s.RegistryTLS()
	if err != nil {
		return nil, info, err
	}
	if tc != nil || s.RequestTimeout > 0 {
		hc := &http.Client{Timeout: cmp.Or(s.RequestTimeout, schema.DefaultTimeout)}
		if tc != nil {
			hc.Transport = &http.Transport{TLSClientConfig: tc, Proxy: http.ProxyFromEnvironment}
		}
		opts = append(opts, schema.WithHTTPClient(hc))
	}
	client, err := schema.NewClient(url, opts...)
	return client, info, err
}

// RegistryClient returns a schema registry client for the configuration,
// checked with one request for the subject's latest version: a refused API
// key or password, or a certificate problem, is reported on one line
// naming the setting to fix, and so is a registry that took the connection
// and answered nothing. A subject that does not exist, and a registry that
// cannot be reached now, are left to the caller, which may wait for it.
func (s Settings) RegistryClient(ctx context.Context) (*schema.Client, error) {
	client, info, err := s.NewRegistryClient()
	if err != nil {
		return nil, err
	}
	checkCtx, cancel := context.WithTimeout(ctx, preflightTimeout)
	defer cancel()
	if _, err := client.Latest(checkCtx, s.Cfg.Subject()); err != nil {
		if ctx.Err() != nil {
			return nil, ErrInterrupted
		}
		var h *HopError
		if explained := ExplainRegistry(err, s.Cfg, info); errors.As(explained, &h) && !errors.Is(explained, ErrRegistryUnreachable) {
			return nil, h
		}
	}
	return client, nil
}

// Clients returns the Kafka connection and the registry client, each
// checked before use.
func (s Settings) Clients(ctx context.Context) (stream.Connection, *schema.Client, error) {
	conn, err := s.Connection(ctx)
	if err != nil {
		return conn, nil, err
	}
	reg, err := s.RegistryClient(ctx)
	return conn, reg, err
}
