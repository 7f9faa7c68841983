// Package config loads kafkaplot's TOML configuration: the Hopsworks
// tutorial's config.toml unchanged (`port = '9092'` as a string, `verify` as
// a boolean or a CA file path) and kafkaplot's own keys. It derives the broker
// list and the registry URL, applies KAFKAPLOT_* environment overrides and
// validates; errors name the key and, for a file, the line. It opens no
// connection; it reads api.key_file (APIKey) and states which TLS files
// and passwords apply (KafkaTLS, RegistryTLS), which package tlsfiles loads.
package config

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"
)

// Values of kafka.security_protocol, kafka.sasl_mechanism and kafka.consumer.auto_offset_reset.
const (
	ProtocolPlaintext, ProtocolSSL         = "PLAINTEXT", "SSL"
	ProtocolSASLPlaintext, ProtocolSASLSSL = "SASL_PLAINTEXT", "SASL_SSL"
	MechanismPlain                         = "PLAIN"
	MechanismSCRAMSHA256                   = "SCRAM-SHA-256"
	MechanismSCRAMSHA512                   = "SCRAM-SHA-512"
	ResetEarliest, ResetLatest             = "earliest", "latest"
)

// Subject naming strategies of registry.subject_strategy.
const (
	SubjectRecordName  = "record-name"  // kafka.schema, the record's full name (Hopsworks, the tutorial)
	SubjectTopicName   = "topic-name"   // "<topic>-value" (Confluent's default)
	SubjectTopicRecord = "topic-record" // "<topic>-<kafka.schema>"
)

// Special values of plot.series and plot.time.
const (
	SeriesKey  = "@key"  // plot.series: lines named by the Kafka key only
	TimeRecord = "@time" // plot.time: points at the Kafka record's timestamp
)

// DefaultPort is the Kafka port used with hops.url when kafka.port is empty.
const DefaultPort = "9092"

// Config is the configuration and the one description of its schema: each
// leaf is a key named by its toml tag, with its default (as an environment
// variable writes it), its check (see checkValue) and its options: path
// (relative to the file), secret (hidden by Redacted), number (a TOML integer
// too), upper or lower (case folded). Its comment is its README row.
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
	URL    string `toml:"url" check:"host"`                 // Hopsworks host, `host[:port]` or a URL; gives the brokers (with `kafka.port`) and the registry
	Verify Verify `toml:"verify" default:"true" opt:"path"` // the registry's certificate: `true` (system CAs), `false` (not checked; warns once), or a CA file (PEM, JKS, PKCS#12)
}

// Project is the [project] section: the Hopsworks project and its client certificates.
type Project struct {
	Name            string `toml:"name"`                        // Hopsworks project name
	ID              string `toml:"id" opt:"number"`             // Hopsworks project id, in the registry's path; required with `hops.url` unless `registry.url` is set
	CAFile          string `toml:"ca_file" opt:"path"`          // PEM CA certificates the brokers are checked against (default: the system's)
	CertificateFile string `toml:"certificate_file" opt:"path"` // PEM client certificate chain (may also hold the key)
	KeyFile         string `toml:"key_file" opt:"path"`         // PEM private key: plain, legacy- or PKCS#8-encrypted (may be the certificate file)
	KeyPassword     string `toml:"key_password" opt:"secret"`   // password of an encrypted `key_file`
}

// Kafka is the [kafka] section: topic, schema and how to reach the brokers.
type Kafka struct {
	Topic            string   `toml:"topic" default:"temperature"`                                                                           // topic to plot, consume or produce to
	Schema           string   `toml:"schema" default:"sensor"`                                                                               // schema name: the subject with `record-name` (Hopsworks)
	Port             string   `toml:"port" default:"9092" check:"port" opt:"number"`                                                         // broker port used with `hops.url`
	Brokers          []string `toml:"brokers" check:"hostport"`                                                                              // bootstrap brokers, `host:port` list or comma-separated (a host alone: port 9092); wins over `hops.url`
	SecurityProtocol string   `toml:"security_protocol" default:"PLAINTEXT" check:"oneof PLAINTEXT SSL SASL_PLAINTEXT SASL_SSL" opt:"upper"` // `PLAINTEXT`, `SSL`, `SASL_PLAINTEXT` or `SASL_SSL`; when the file does not set it, `SSL` with `hops.url` and no `kafka.brokers`
	SASLMechanism    string   `toml:"sasl_mechanism" check:"oneof PLAIN SCRAM-SHA-256 SCRAM-SHA-512" opt:"upper"`                            // `PLAIN`, `SCRAM-SHA-256` or `SCRAM-SHA-512`
	SASLUsername     string   `toml:"sasl_username"`                                                                                         // SASL user (Confluent Cloud: the API key)
	SASLPassword     string   `toml:"sasl_password" opt:"secret"`                                                                            // SASL password (Confluent Cloud: the API secret)
	Consumer         Consumer `toml:"consumer"`
}

// Consumer is the [kafka.consumer] section.
type Consumer struct {
	GroupID                     string `toml:"group_id" default:"kafkaplot"`                                                                                                               // consumer group
	AutoOffsetReset             string `toml:"auto_offset_reset" default:"earliest" check:"oneof earliest latest"`                                                                         // where a new group starts: `earliest` or `latest`
	PartitionAssignmentStrategy string `toml:"partition_assignment_strategy" default:"cooperative-sticky,range,roundrobin" check:"listof range roundrobin cooperative-sticky" opt:"lower"` // assignors offered to the group in order of preference, librdkafka's syntax (`--assignors`); the group uses the first every member offers
}

// API is the [api] section: the Hopsworks REST API.
type API struct {
	Base    string `toml:"base" default:"/hopsworks-api/api"` // Hopsworks REST API path, in the registry's URL
	Key     string `toml:"key" opt:"secret"`                  // Hopsworks API key, sent as `Authorization: ApiKey …`
	KeyFile string `toml:"key_file" opt:"path"`               // file holding the API key, when `api.key` is empty
}

// Registry is the [registry] section: a Confluent-compatible schema registry.
type Registry struct {
	URL             string `toml:"url" check:"url"`                                                                                      // Confluent-compatible registry URL; wins over the one derived from `hops.url`
	Username        string `toml:"username"`                                                                                             // basic auth user (Confluent Cloud: the registry API key)
	Password        string `toml:"password" opt:"secret"`                                                                                // basic auth password
	Subject         string `toml:"subject"`                                                                                              // the subject, whatever the strategy
	SubjectStrategy string `toml:"subject_strategy" default:"record-name" check:"oneof record-name topic-name topic-record" opt:"lower"` // `record-name`, `topic-name` or `topic-record`
}

// TLS is the [tls] section: Java key and trust stores (JKS or PKCS12).
type TLS struct {
	Keystore             string `toml:"keystore" opt:"path"`                        // client certificate and key: JKS, PKCS#12 or PEM, by content; wins over `project.*_file`
	KeystorePassword     string `toml:"keystore_password" opt:"secret"`             // password of the keystore and its key
	Truststore           string `toml:"truststore" opt:"path"`                      // CA certificates for the brokers: JKS, PKCS#12 or PEM; wins over `project.ca_file`
	TruststorePassword   string `toml:"truststore_password" opt:"secret"`           // truststore password (default: the keystore's)
	InsecureSkipHostname bool   `toml:"skip_hostname_verification" default:"false"` // check the brokers' certificate chain but not their names
}

// Plot is the [plot] section: the dashboard and the generator.
type Plot struct {
	Window     Duration `toml:"window" default:"2m" check:"positive"`                 // time span charted
	Points     int      `toml:"points" default:"1024" check:"min 16"`                 // newest points kept per line as they came (at least 16; fewer when all lines would hold over 262,144 this way: 256 each for 1,000 lines); older ones are folded into time buckets (min, max, first, last), so the window holds its whole range at any rate
	Rate       float64  `toml:"rate" default:"2" check:"positive"`                    // generator steps per second
	Series     string   `toml:"series" check:"fieldpath @key"`                        // field naming a line, or `@key` (see Plot your own topic)
	Value      []string `toml:"value" check:"fieldpath"`                              // numeric fields to plot
	Time       string   `toml:"time" check:"fieldpath @time"`                         // time field, or `@time`
	History    string   `toml:"history" default:"window" check:"history" opt:"lower"` // what a partition's chart is filled with when it becomes ours: `window` (the records of `plot.window`), `none`, or a duration such as `5m`
	SchemaFile string   `toml:"schema_file" opt:"path"`                               // writer schema of a topic without a registry, its values bare bodies: an Avro `.avsc` file, or `file.proto:Message` (`--schema-file`)
}

// HistoryMode is what plot.history asks for.
type HistoryMode int

// The modes of plot.history.
const (
	HistoryWindow   HistoryMode = iota // "window": the span of plot.window
	HistoryNone                        // "none": nothing before the partition became ours
	HistoryDuration                    // a duration: that span
)

// HistoryMode returns plot.history's mode and span: plot.window for
// HistoryWindow (also when invalid: Validate reports it), 0 for HistoryNone.
func (p Plot) HistoryMode() (HistoryMode, time.Duration) {
	d, err := time.ParseDuration(p.History)
	switch {
	case p.History == "none":
		return HistoryNone, 0
	case err != nil || d <= 0:
		return HistoryWindow, p.Window.Duration
	}
	return HistoryDuration, d
}

// AssignmentStrategies returns kafka.consumer.partition_assignment_strategy
// as a list of librdkafka assignor names in order of preference.
func (c Consumer) AssignmentStrategies() []string {
	return splitList(c.PartitionAssignmentStrategy)
}

// Default returns the configuration before any file or environment is
// applied: every key at its default tag (TestDefaultTags checks them).
func Default() Config {
	var c Config
	for _, f := range fields(&c) {
		_ = setText(f.v, f.tag, f.tag.Get("default"))
	}
	return c
}

// Validate reports every problem of c, each naming its key, joined into one error.
func (c Config) Validate() error {
	var errs []error
	add := func(key string, err error) { errs = append(errs, &Error{Key: key, Err: err}) }
	if c.Kafka.Topic == "" {
		add("kafka.topic", ErrRequired)
	}
	if len(c.Kafka.Brokers) == 0 && c.Hops.URL == "" {
		add("kafka.brokers", fmt.Errorf("%w: set kafka.brokers or hops.url", ErrRequired))
	}
	if c.Registry.URL == "" && c.Hops.URL != "" && c.Project.ID == "" {
		add("project.id", fmt.Errorf("%w with hops.url unless registry.url is set", ErrRequired))
	}
	if c.UsesSASL() {
		with := fmt.Errorf("%w with security_protocol %s", ErrRequired, c.Kafka.SecurityProtocol)
		if c.Kafka.SASLMechanism == "" {
			add("kafka.sasl_mechanism", with)
		}
		if c.Kafka.SASLUsername == "" {
			add("kafka.sasl_username", with)
		}
	}
	for _, f := range fields(&c) {
		if err := checkValue(f.v, f.tag); err != nil {
			add(f.key, err)
		}
	}
	return errors.Join(errs...)
}

// BrokerList returns kafka.brokers (a broker given without a port on
// DefaultPort), or hops.url's host with kafka.port, or nil.
func (c Config) BrokerList() []string {
	if len(c.Kafka.Brokers) > 0 {
		out := make([]string, len(c.Kafka.Brokers))
		for i, b := range c.Kafka.Brokers {
			out[i] = WithDefaultPort(b)
		}
		return out
	}
	u, err := hopsURL(c.Hops.URL)
	if err != nil {
		return nil
	}
	return []string{net.JoinHostPort(u.Hostname(), cmp.Or(c.Kafka.Port, DefaultPort))}
}

// WithDefaultPort returns addr with DefaultPort when it names a host only
// ("localhost", "::1", "[::1]"), as Kafka clients take it; else addr.
func WithDefaultPort(addr string) string {
	if _, _, err := net.SplitHostPort(addr); err == nil || addr == "" {
		return addr
	}
	host := strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]")
	if strings.ContainsAny(host, "[]") || (strings.Contains(host, ":") && net.ParseIP(host) == nil) {
		return addr // not a bare host: the check says what is wrong
	}
	return net.JoinHostPort(host, DefaultPort)
}

// RegistryURL returns registry.url, or the Hopsworks registry derived from hops.url, or "".
func (c Config) RegistryURL() string {
	if c.Registry.URL != "" {
		return c.Registry.URL
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
	if c.API.Key != "" || c.API.KeyFile == "" {
		return c.API.Key, nil
	}
	b, err := os.ReadFile(c.API.KeyFile)
	if key := strings.TrimSpace(string(b)); err != nil || key == "" {
		return "", fmt.Errorf("read api.key_file: %w", cmp.Or(err, fmt.Errorf("%s is empty", c.API.KeyFile)))
	}
	return strings.TrimSpace(string(b)), nil
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
	p := strings.ToUpper(c.Kafka.SecurityProtocol)
	return p == ProtocolSASLPlaintext || p == ProtocolSASLSSL
}

// Redacted returns a copy of c whose passwords and API key read "***", safe to print.
func (c Config) Redacted() Config {
	r := c
	r.Kafka.Brokers = append([]string(nil), c.Kafka.Brokers...)
	for _, f := range fields(&r) {
		if hasOpt(f.tag, "secret") && f.v.String() != "" {
			f.v.SetString("***")
		}
	}
	r.Registry.URL = redactURL(r.Registry.URL)
	r.Hops.URL = redactURL(r.Hops.URL)
	return r
}

// redactURL replaces the password of a URL's user information, if any.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		if _, ok := u.User.Password(); ok {
			// userinfo cannot hold an unescaped ':' or '@': the first ":xxxxx@" is the password.
			return strings.Replace(u.Redacted(), ":xxxxx@", ":***@", 1)
		}
	}
	return s
}

// hopsURL parses hops.url, which may be a bare host ("127.0.0.1"), host:port or a URL.
func hopsURL(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err == nil && u.Hostname() == "" {
		err = errors.New("no host")
	}
	return u, err
}
