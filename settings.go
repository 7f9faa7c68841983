package main

import (
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

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// connFlags are the connection flags of every command but cluster.
type connFlags struct {
	config           string
	brokers          string
	registry         string
	topic            string
	embeddedBroker   string
	embeddedRegistry string
}

// register adds the connection flags to fs; topicShort is --topic's short
// form ("" in produce, whose -t is the tutorial's start step).
func (f *connFlags) register(fs *pflag.FlagSet, topicShort string) {
	inGroup(fs, groupConnection, func(g *pflag.FlagSet) {
		g.StringVarP(&f.config, "config", "c", "", "configuration `file` in the tutorial's TOML format (default ./config.toml if present)")
		g.StringVarP(&f.brokers, "brokers", "b", "", "Kafka bootstrap brokers, host:port[,host:port...]")
		g.StringVar(&f.registry, "registry", "", "schema registry base `URL`")
		g.StringVarP(&f.topic, "topic", topicShort, "", "topic (default kafka.topic, else temperature)")
		g.StringVar(&f.embeddedBroker, "embedded-broker", embedded.DefaultBroker, "`address` of the embedded cluster's broker, used when no cluster is configured")
		g.StringVar(&f.embeddedRegistry, "embedded-registry", embedded.DefaultRegistry, "`address` of the embedded cluster's registry, used when no cluster is configured")
	})
}

// completions registers the connection flags' value completions on cmd.
func (f *connFlags) completions(cmd *cobra.Command) {
	cmd.RegisterFlagCompletionFunc("config", completeFiles("toml"))
	for _, name := range []string{"brokers", "registry", "topic", "embedded-broker", "embedded-registry"} {
		cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
	}
}

// settings are the resolved configuration of a command.
type settings struct {
	cfg config.Config
	// source says where the settings came from, for messages.
	source string
	// embedded is true when no config file, environment or flag named a
	// cluster, so the embedded cluster's default addresses are used.
	embedded bool
	// warn receives warnings (hops.verify = false), once each; nil: stderr.
	warn io.Writer
	// warned remembers the warnings given, shared by copies of settings.
	warned *sync.Map
	// now is the clock certificates are checked against; nil: time.Now.
	now func() time.Time
	// dialTimeout bounds each step of connecting to a broker; 0: stream's default.
	dialTimeout time.Duration
}

// resolve builds the configuration: defaults < config file < environment <
// flags the user set.
func (f *connFlags) resolve(fs *pflag.FlagSet, lookupEnv func(string) (string, bool)) (settings, error) {
	path := f.config
	if path == "" {
		if _, err := os.Stat("config.toml"); err == nil {
			path = "config.toml"
		}
	}
	s := settings{warned: new(sync.Map)}
	if path != "" {
		cfg, err := config.Load(path)
		if err != nil {
			return s, err
		}
		s.cfg, s.source = cfg, path
	} else {
		s.cfg = config.Default()
		s.cfg.Kafka.Brokers = []string{f.embeddedBroker}
		s.cfg.Registry.URL = "http://" + f.embeddedRegistry
		s.source, s.embedded = "embedded cluster", true
	}
	before := s.cfg
	if err := s.cfg.ApplyEnv(lookupEnv); err != nil {
		return s, err
	}
	if s.embedded && (!slices.Equal(before.Kafka.Brokers, s.cfg.Kafka.Brokers) || before.Registry.URL != s.cfg.Registry.URL) {
		s.embedded, s.source = false, "environment"
	}
	if fs.Changed("brokers") {
		s.cfg.Kafka.Brokers = splitList(f.brokers)
		s.embedded = false
	}
	if fs.Changed("registry") {
		s.cfg.Registry.URL = strings.TrimRight(f.registry, "/")
		s.embedded = false
	}
	if fs.Changed("topic") {
		s.cfg.Kafka.Topic = f.topic
	}
	if !s.embedded && s.source == "embedded cluster" {
		s.source = "flags"
	}
	if err := s.cfg.Validate(); err != nil {
		return s, fmt.Errorf("%s: %w", s.source, err)
	}
	return s, nil
}

// splitList splits a comma-separated flag value, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// preflightTimeout bounds the checks connection and registryClient make.
const preflightTimeout = 15 * time.Second

// connection returns the Kafka connection: TLS and SASL as configured,
// checked by connecting to the brokers once, so that a wrong CA, a refused
// certificate, a wrong SASL password or a broker that speaks another
// protocol is reported on one line naming the setting to fix.
func (s settings) connection() (stream.Connection, error) {
	conn, info, err := s.dial()
	if err != nil {
		return conn, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), preflightTimeout)
	defer cancel()
	if err := preflight(ctx, conn); err != nil {
		return conn, explainProbe(err, s.cfg, info)
	}
	return conn, nil
}

// dial builds the Kafka connection from the configuration, loading its TLS
// material, without connecting.
func (s settings) dial() (stream.Connection, tlsfiles.Info, error) {
	conn := stream.Connection{Brokers: s.cfg.BrokerList(), DialTimeout: s.dialTimeout}
	if err := conn.Validate(); err != nil {
		return conn, tlsfiles.Info{}, err
	}
	tc, info, err := s.cfg.KafkaTLS().Load(s.clock())
	if err != nil {
		return conn, info, err
	}
	conn.TLS = tc
	if s.cfg.UsesSASL() {
		mech, err := stream.NewSASL(s.cfg.Kafka.SASLMechanism, s.cfg.Kafka.SASLUsername, s.cfg.Kafka.SASLPassword)
		if err != nil {
			return conn, info, fmt.Errorf("kafka.sasl_mechanism: %w", err)
		}
		conn.SASL = mech
	}
	return conn, info, nil
}

// preflight probes the brokers in order until one answers; when none does,
// it returns the failure that got furthest (a TLS problem says more than a
// refused connection to another broker).
func preflight(ctx context.Context, conn stream.Connection) error {
	var worst error
	depth := -1
	for _, b := range conn.Brokers {
		_, err := conn.Probe(ctx, b)
		if err == nil {
			return nil
		}
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

func (s settings) clock() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}

// warnOnce writes a warning the first time it is given.
func (s settings) warnOnce(key, msg string) {
	if s.warned != nil {
		if _, seen := s.warned.LoadOrStore(key, true); seen {
			return
		}
	}
	w := s.warn
	if w == nil {
		w = os.Stderr
	}
	fmt.Fprintln(w, "kafkaplot: warning:", msg)
}

// registryTLS returns the registry's TLS settings and warns, once, when
// verification is off.
func (s settings) registryTLS() (*tls.Config, tlsfiles.Info, error) {
	tc, info, err := s.cfg.RegistryTLS().Load(s.clock())
	if err == nil && info.Insecure {
		s.warnOnce("hops.verify", "hops.verify = false: the schema registry's TLS certificate is not verified (testing only)")
	}
	return tc, info, err
}

// newRegistryClient returns a schema registry client for the configuration,
// without contacting the registry.
func (s settings) newRegistryClient() (*schema.Client, tlsfiles.Info, error) {
	url := s.cfg.RegistryURL()
	if url == "" {
		return nil, tlsfiles.Info{}, errors.New("no schema registry configured: set [registry] url, hops.url, or --registry")
	}
	var opts []schema.ClientOption
	key, err := s.cfg.APIKey()
	if err != nil {
		return nil, tlsfiles.Info{}, err
	}
	if key != "" {
		opts = append(opts, schema.WithAPIKey(key))
	}
	if s.cfg.Registry.Username != "" {
		opts = append(opts, schema.WithBasicAuth(s.cfg.Registry.Username, s.cfg.Registry.Password))
	}
	tc, info, err := s.registryTLS()
	if err != nil {
		return nil, info, err
	}
	if tc != nil {
		opts = append(opts, schema.WithHTTPClient(&http.Client{
			Timeout:   schema.DefaultTimeout,
			Transport: &http.Transport{TLSClientConfig: tc, Proxy: http.ProxyFromEnvironment},
		}))
	}
	client, err := schema.NewClient(url, opts...)
	return client, info, err
}

// registryClient returns a schema registry client for the configuration,
// checked with one request for the subject's latest version: a refused API
// key or password, or a certificate problem, is reported on one line
// naming the setting to fix. A subject that does not exist, and a registry
// that cannot be reached now, are left to the caller, which may wait for it.
func (s settings) registryClient() (*schema.Client, error) {
	client, info, err := s.newRegistryClient()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), preflightTimeout)
	defer cancel()
	if _, err := client.Latest(ctx, s.cfg.Subject()); err != nil {
		var h *hopError
		if explained := explainRegistry(err, s.cfg, info); errors.As(explained, &h) && !errors.Is(explained, errRegistryUnreachable) {
			return nil, h
		}
	}
	return client, nil
}

// clients returns the Kafka connection and the registry client, each
// checked before use.
func (s settings) clients() (stream.Connection, *schema.Client, error) {
	conn, err := s.connection()
	if err != nil {
		return conn, nil, err
	}
	reg, err := s.registryClient()
	return conn, reg, err
}
