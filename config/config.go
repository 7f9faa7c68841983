// Package config loads kafkaplot's TOML configuration.
//
// It reads the Hopsworks tutorial's config.toml unchanged (sections hops,
// project, kafka, kafka.consumer and api, with the tutorial's quirks such as
// `port = '9092'` as a string and `verify` as a boolean or a CA file path)
// and kafkaplot's own additions (kafka.brokers, security_protocol, sasl_*,
// registry, tls and plot). It derives the broker list and the schema
// registry URL, applies KAFKAPLOT_* environment overrides and validates the
// result. Errors name the TOML key and, for a file, the line.
//
// The package opens no connection. Besides the configuration itself it reads
// api.key_file, when APIKey is called, and the TLS material the settings
// name (PEM, JKS or PKCS#12, through package tlsfiles), when KafkaTLS or
// RegistryTLS is called.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"
)

// Security protocols accepted by kafka.security_protocol.
const (
	ProtocolPlaintext     = "PLAINTEXT"
	ProtocolSSL           = "SSL"
	ProtocolSASLPlaintext = "SASL_PLAINTEXT"
	ProtocolSASLSSL       = "SASL_SSL"
)

// SASL mechanisms accepted by kafka.sasl_mechanism.
const (
	MechanismPlain       = "PLAIN"
	MechanismSCRAMSHA256 = "SCRAM-SHA-256"
	MechanismSCRAMSHA512 = "SCRAM-SHA-512"
)

// Offset reset policies accepted by kafka.consumer.auto_offset_reset.
const (
	ResetEarliest = "earliest"
	ResetLatest   = "latest"
)

// Subject naming strategies accepted by registry.subject_strategy.
const (
	// SubjectRecordName names the subject after the record: kafka.schema,
	// which Hopsworks requires to be the record's full name (the tutorial).
	SubjectRecordName = "record-name"
	// SubjectTopicName names it "<topic>-value" (Confluent's default).
	SubjectTopicName = "topic-name"
	// SubjectTopicRecord names it "<topic>-<record>", the record being
	// kafka.schema.
	SubjectTopicRecord = "topic-record"
)

// Special values of plot.series and plot.time.
const (
	// SeriesKey in plot.series names lines by the Kafka key only.
	SeriesKey = "@key"
	// TimeRecord in plot.time draws points at the Kafka record's timestamp.
	TimeRecord = "@time"
)

// DefaultPort is the Kafka port used with hops.url when kafka.port is empty.
const DefaultPort = "9092"

// redactedValue replaces secrets in Redacted.
const redactedValue = "***"

// Config is the whole kafkaplot configuration.
type Config struct {
	Hops     Hops     `toml:"hops"`
	Project  Project  `toml:"project"`
	Kafka    Kafka    `toml:"kafka"`
	API      API      `toml:"api"`
	Registry Registry `toml:"registry"`
	TLS      TLS      `toml:"tls"`
	Plot     Plot     `toml:"plot"`
}

// Hops is the [hops] section: where the Hopsworks cluster is.
type Hops struct {
	// URL is hops.url, the Hopsworks host (the tutorial writes a bare host
	// such as '127.0.0.1'; a scheme and port are allowed). Default empty.
	URL string `toml:"url"`
	// Verify is hops.verify: true, false or a CA file path. Default true.
	Verify Verify `toml:"verify"`
}

// Project is the [project] section: the Hopsworks project and its client certificates.
type Project struct {
	Name            string `toml:"name"`             // project.name
	ID              string `toml:"id"`               // project.id, a string or an integer in TOML
	CAFile          string `toml:"ca_file"`          // project.ca_file, PEM CA bundle
	CertificateFile string `toml:"certificate_file"` // project.certificate_file, PEM client certificate
	KeyFile         string `toml:"key_file"`         // project.key_file, PEM client key
	KeyPassword     string `toml:"key_password"`     // project.key_password, the key's password (secret)
}

// Kafka is the [kafka] section: topic, schema and how to reach the brokers.
type Kafka struct {
	// Topic is kafka.topic. Default "temperature".
	Topic string `toml:"topic"`
	// Schema is kafka.schema, the registry subject. Default "sensor".
	Schema string `toml:"schema"`
	// Port is kafka.port, used with hops.url; a string or an integer in TOML. Default "9092".
	Port string `toml:"port"`
	// Brokers is kafka.brokers, host:port entries; a list or one comma-separated string. Default empty.
	Brokers []string `toml:"brokers"`
	// SecurityProtocol is kafka.security_protocol: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.
	// When the file does not set it, Parse derives SSL if hops.url is set and
	// brokers is empty, PLAINTEXT otherwise (Default has PLAINTEXT).
	SecurityProtocol string `toml:"security_protocol"`
	// SASLMechanism is kafka.sasl_mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. Default empty.
	SASLMechanism string `toml:"sasl_mechanism"`
	// SASLUsername is kafka.sasl_username. Default empty.
	SASLUsername string `toml:"sasl_username"`
	// SASLPassword is kafka.sasl_password (secret). Default empty.
	SASLPassword string `toml:"sasl_password"`
	// Consumer is the [kafka.consumer] section.
	Consumer Consumer `toml:"consumer"`
}

// Consumer is the [kafka.consumer] section.
type Consumer struct {
	// GroupID is kafka.consumer.group_id. Default "kafkaplot".
	GroupID string `toml:"group_id"`
	// AutoOffsetReset is kafka.consumer.auto_offset_reset: earliest or latest. Default "earliest".
	AutoOffsetReset string `toml:"auto_offset_reset"`
	// PartitionAssignmentStrategy is kafka.consumer.partition_assignment_strategy:
	// the assignors offered to the group, in order of preference, in
	// librdkafka's syntax. Default "cooperative-sticky,range,roundrobin".
	PartitionAssignmentStrategy string `toml:"partition_assignment_strategy"`
}

// API is the [api] section: the Hopsworks REST API.
type API struct {
	// Base is api.base, the REST API path prefix. Default "/hopsworks-api/api".
	Base string `toml:"base"`
	// Key is api.key, the Hopsworks API key (secret). Default empty.
	Key string `toml:"key"`
	// KeyFile is api.key_file, a file holding the API key, used when Key is empty. Default empty.
	KeyFile string `toml:"key_file"`
}

// Registry is the [registry] section: a Confluent-compatible schema registry.
type Registry struct {
	// URL is registry.url; empty means derived from hops.url (see RegistryURL). Default empty.
	URL string `toml:"url"`
	// Username is registry.username for basic auth. Default empty.
	Username string `toml:"username"`
	// Password is registry.password for basic auth (secret). Default empty.
	Password string `toml:"password"`
	// Subject is registry.subject; when set it is the subject, whatever the
	// strategy. Default empty.
	Subject string `toml:"subject"`
	// SubjectStrategy is registry.subject_strategy: record-name (the subject
	// is kafka.schema, as Hopsworks and the tutorial have it), topic-name
	// ("<topic>-value", Confluent's default) or topic-record
	// ("<topic>-<kafka.schema>"). Default "record-name".
	SubjectStrategy string `toml:"subject_strategy"`
}

// TLS is the [tls] section: Java key and trust stores (JKS or PKCS12).
type TLS struct {
	Keystore             string `toml:"keystore"`                   // tls.keystore
	KeystorePassword     string `toml:"keystore_password"`          // tls.keystore_password (secret)
	Truststore           string `toml:"truststore"`                 // tls.truststore
	TruststorePassword   string `toml:"truststore_password"`        // tls.truststore_password (secret)
	InsecureSkipHostname bool   `toml:"skip_hostname_verification"` // tls.skip_hostname_verification, default false
}

// Plot is the [plot] section: the dashboard and the generator.
type Plot struct {
	// Window is plot.window, the time span shown. Default 2m.
	Window Duration `toml:"window"`
	// Points is plot.points, the ring capacity per series (at least 16). Default 2048.
	Points int `toml:"points"`
	// Rate is plot.rate, generator steps per second. Default 2.
	Rate float64 `toml:"rate"`
	// Series is plot.series, the dotted path of the field whose value names
	// a line, or "@key" for the Kafka key. Default empty: the Kafka key,
	// else a string field called id, name or key.
	Series string `toml:"series"`
	// Value is plot.value, the dotted paths of the numeric fields plotted;
	// a list or one comma-separated string. Default empty: every numeric
	// field of the writer schema.
	Value []string `toml:"value"`
	// Time is plot.time, the dotted path of the time field (a timestamp or
	// a long of epoch milliseconds), or "@time" for the Kafka record's
	// timestamp. Default empty: the first timestamp field, else the
	// record's timestamp.
	Time string `toml:"time"`
}

// Default returns the configuration used before any file or environment is applied.
func Default() Config {
	return Config{
		Hops: Hops{Verify: Verify{Enabled: true}},
		Kafka: Kafka{
			Topic:            "temperature",
			Schema:           "sensor",
			Port:             DefaultPort,
			SecurityProtocol: ProtocolPlaintext,
			Consumer: Consumer{
				GroupID:                     "kafkaplot",
				AutoOffsetReset:             ResetEarliest,
				PartitionAssignmentStrategy: "cooperative-sticky,range,roundrobin",
			},
		},
		API:      API{Base: "/hopsworks-api/api"},
		Registry: Registry{SubjectStrategy: SubjectRecordName},
		Plot: Plot{
			Window: Duration{2 * time.Minute},
			Points: 2048,
			Rate:   2,
		},
	}
}

// Validate reports every problem of c, each naming its key, joined into one error.
func (c Config) Validate() error {
	var errs []error
	add := func(key string, err error) {
		errs = append(errs, &Error{Key: key, Err: err})
	}
	if c.Kafka.Topic == "" {
		add("kafka.topic", ErrRequired)
	}
	if len(c.Kafka.Brokers) == 0 && c.Hops.URL == "" {
		add("kafka.brokers", fmt.Errorf("%w: set kafka.brokers or hops.url", ErrRequired))
	}
	if c.Registry.URL == "" && c.Hops.URL != "" && c.Project.ID == "" {
		add("project.id", fmt.Errorf("%w with hops.url unless registry.url is set", ErrRequired))
	}
	if isSASL(c.Kafka.SecurityProtocol) {
		with := fmt.Errorf("%w with security_protocol %s", ErrRequired, c.Kafka.SecurityProtocol)
		if c.Kafka.SASLMechanism == "" {
			add("kafka.sasl_mechanism", with)
		}
		if c.Kafka.SASLUsername == "" {
			add("kafka.sasl_username", with)
		}
	}
	for _, f := range fields() {
		if f.check == nil {
			continue
		}
		if err := f.check(c); err != nil {
			add(f.key, err)
		}
	}
	return errors.Join(errs...)
}

// BrokerList returns kafka.brokers, or hops.url's host with kafka.port, or nil.
func (c Config) BrokerList() []string {
	if len(c.Kafka.Brokers) > 0 {
		return append([]string(nil), c.Kafka.Brokers...)
	}
	if c.Hops.URL == "" {
		return nil
	}
	u, err := hopsURL(c.Hops.URL)
	if err != nil {
		return nil
	}
	port := c.Kafka.Port
	if port == "" {
		port = DefaultPort
	}
	return []string{net.JoinHostPort(u.Hostname(), port)}
}

// RegistryURL returns registry.url, or the Hopsworks registry derived from hops.url, or "".
func (c Config) RegistryURL() string {
	if c.Registry.URL != "" {
		return c.Registry.URL
	}
	if c.Hops.URL == "" {
		return ""
	}
	u, err := hopsURL(c.Hops.URL)
	if err != nil {
		return ""
	}
	base := strings.TrimRight(c.API.Base, "/")
	if base != "" && !strings.HasPrefix(base, "/") {
		base = "/" + base
	}
	return u.Scheme + "://" + u.Host + base + "/project/" + url.PathEscape(c.Project.ID) + "/kafka"
}

// APIKey returns api.key, or the trimmed contents of api.key_file, or "" when neither is set.
func (c Config) APIKey() (string, error) {
	if c.API.Key != "" {
		return c.API.Key, nil
	}
	if c.API.KeyFile == "" {
		return "", nil
	}
	b, err := os.ReadFile(c.API.KeyFile)
	if err != nil {
		return "", fmt.Errorf("read api.key_file: %w", err)
	}
	key := strings.TrimSpace(string(b))
	if key == "" {
		return "", fmt.Errorf("read api.key_file: %s is empty", c.API.KeyFile)
	}
	return key, nil
}

// Subject returns the registry subject: registry.subject if set, else the
// name registry.subject_strategy gives: kafka.schema (record-name),
// "<topic>-value" (topic-name) or "<topic>-<kafka.schema>" (topic-record).
func (c Config) Subject() string {
	if c.Registry.Subject != "" {
		return c.Registry.Subject
	}
	switch c.Registry.SubjectStrategy {
	case SubjectTopicName:
		return c.Kafka.Topic + "-value"
	case SubjectTopicRecord:
		return c.Kafka.Topic + "-" + c.Kafka.Schema
	default:
		return c.Kafka.Schema
	}
}

// UsesTLS reports whether the brokers are reached over TLS (SSL or SASL_SSL).
func (c Config) UsesTLS() bool {
	p := strings.ToUpper(c.Kafka.SecurityProtocol)
	return p == ProtocolSSL || p == ProtocolSASLSSL
}

// UsesSASL reports whether the brokers need SASL authentication (SASL_PLAINTEXT or SASL_SSL).
func (c Config) UsesSASL() bool {
	return isSASL(c.Kafka.SecurityProtocol)
}

// Redacted returns a copy of c whose passwords and API key read "***", safe to print.
func (c Config) Redacted() Config {
	r := c
	r.Kafka.Brokers = append([]string(nil), c.Kafka.Brokers...)
	for _, f := range fields() {
		if f.flags&secret == 0 {
			continue
		}
		if p, ok := f.ptr(&r).(*string); ok && *p != "" {
			*p = redactedValue
		}
	}
	r.Registry.URL = redactURL(r.Registry.URL)
	r.Hops.URL = redactURL(r.Hops.URL)
	return r
}

// redactURL replaces the password of a URL's user information, if any.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); !ok {
		return s
	}
	// url.URL.Redacted writes "xxxxx"; userinfo cannot hold an unescaped ':' or '@',
	// so the first ":xxxxx@" is the password.
	return strings.Replace(u.Redacted(), ":xxxxx@", ":"+redactedValue+"@", 1)
}

// hopsURL parses hops.url, which may be a bare host ("127.0.0.1"), host:port or a URL.
func hopsURL(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if u.Hostname() == "" {
		return nil, errors.New("no host")
	}
	return u, nil
}

// isSASL reports whether a security protocol uses SASL.
func isSASL(protocol string) bool {
	p := strings.ToUpper(protocol)
	return p == ProtocolSASLPlaintext || p == ProtocolSASLSSL
}

// derivedProtocol is the security protocol used when none is configured.
func derivedProtocol(c Config) string {
	if c.Hops.URL != "" && len(c.Kafka.Brokers) == 0 {
		return ProtocolSSL
	}
	return ProtocolPlaintext
}
