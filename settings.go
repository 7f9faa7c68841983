package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
)

// connFlags are the flags every command shares.
type connFlags struct {
	config           string
	brokers          string
	registry         string
	topic            string
	embeddedBroker   string
	embeddedRegistry string
}

func (f *connFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.config, "c", "", "configuration file in the tutorial's TOML format (default ./config.toml if present)")
	fs.StringVar(&f.config, "config", "", "same as -c")
	fs.StringVar(&f.brokers, "brokers", "", "Kafka bootstrap brokers, host:port[,host:port...]")
	fs.StringVar(&f.registry, "registry", "", "schema registry base URL")
	fs.StringVar(&f.topic, "topic", "", "topic (default temperature)")
	fs.StringVar(&f.embeddedBroker, "embedded-broker", stream.DefaultEmbeddedBroker, "address of the embedded cluster's broker, used when no cluster is configured")
	fs.StringVar(&f.embeddedRegistry, "embedded-registry", stream.DefaultEmbeddedRegistry, "address of the embedded cluster's registry, used when no cluster is configured")
}

// settings are the resolved configuration of a command.
type settings struct {
	cfg config.Config
	// source says where the settings came from, for messages.
	source string
	// embedded is true when no config file, environment or flag named a
	// cluster, so the embedded cluster's default addresses are used.
	embedded bool
}

// resolve builds the configuration: defaults < config file < environment <
// flags the user set.
func (f *connFlags) resolve(fs *flag.FlagSet, lookupEnv func(string) (string, bool)) (settings, error) {
	path := f.config
	if path == "" {
		if _, err := os.Stat("config.toml"); err == nil {
			path = "config.toml"
		}
	}
	var s settings
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
	if s.embedded && (!equalStrings(before.Kafka.Brokers, s.cfg.Kafka.Brokers) || before.Registry.URL != s.cfg.Registry.URL) {
		s.embedded, s.source = false, "environment"
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if set["brokers"] {
		s.cfg.Kafka.Brokers = splitList(f.brokers)
		s.embedded = false
	}
	if set["registry"] {
		s.cfg.Registry.URL = strings.TrimRight(f.registry, "/")
		s.embedded = false
	}
	if set["topic"] {
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

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// connection returns the Kafka connection settings.
func (s settings) connection() (stream.Connection, error) {
	conn := stream.Connection{Brokers: s.cfg.BrokerList()}
	if s.cfg.UsesTLS() {
		return conn, fmt.Errorf("kafka.security_protocol %q: TLS connections to Kafka are not supported by this version; use PLAINTEXT", s.cfg.Kafka.SecurityProtocol)
	}
	if strings.HasPrefix(s.cfg.Kafka.SecurityProtocol, "SASL") {
		return conn, fmt.Errorf("kafka.security_protocol %q: SASL is not supported by this version; use PLAINTEXT", s.cfg.Kafka.SecurityProtocol)
	}
	return conn, conn.Validate()
}

// registryClient returns a schema registry client for the configuration.
func (s settings) registryClient() (*schema.Client, error) {
	url := s.cfg.RegistryURL()
	if url == "" {
		return nil, errors.New("no schema registry configured: set [registry] url, hops.url, or --registry")
	}
	var opts []schema.ClientOption
	key, err := s.cfg.APIKey()
	if err != nil {
		return nil, err
	}
	if key != "" {
		opts = append(opts, schema.WithAPIKey(key))
	}
	if s.cfg.Registry.Username != "" {
		opts = append(opts, schema.WithBasicAuth(s.cfg.Registry.Username, s.cfg.Registry.Password))
	}
	if strings.HasPrefix(url, "https://") {
		tc := &tls.Config{MinVersion: tls.VersionTLS12}
		switch v := s.cfg.Hops.Verify; {
		case v.CAFile != "":
			pem, err := os.ReadFile(v.CAFile)
			if err != nil {
				return nil, fmt.Errorf("hops.verify: read CA file: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("hops.verify: %s: no PEM certificate found", v.CAFile)
			}
			tc.RootCAs = pool
		case !v.Enabled:
			tc.InsecureSkipVerify = true
		}
		opts = append(opts, schema.WithHTTPClient(&http.Client{
			Timeout:   10 * time.Second,
			Transport: &http.Transport{TLSClientConfig: tc, Proxy: http.ProxyFromEnvironment},
		}))
	}
	return schema.NewClient(url, opts...)
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string, stderr interface{ Write([]byte) (int, error) }, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\n\nFlags:\n", summary)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, wrapping mistakes as usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}
