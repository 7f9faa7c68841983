package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden files")

const tutorialKey = "K97n09yskcBuuFyO.scfQegUMhXfHg7v3Tpk8t6HIPUlmIP463BPdbTSdSEKAfo5AB8SIwY8LGgB4924B"

func TestTutorialConfig(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "tutorial.toml"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	key, err := c.APIKey()
	if err != nil {
		t.Fatalf("APIKey: %v", err)
	}
	dir := "testdata"
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"hops.url", c.Hops.URL, "127.0.0.1"},
		{"hops.verify", c.Hops.Verify, Verify{Enabled: false}},
		{"project.name", c.Project.Name, "Kafka_Tutorial"},
		{"project.id", c.Project.ID, "1143"},
		{"project.ca_file", c.Project.CAFile, filepath.Join(dir, "cert", "trustStore.pem")},
		{"project.certificate_file", c.Project.CertificateFile, filepath.Join(dir, "cert", "keyStore.pem")},
		{"project.key_file", c.Project.KeyFile, filepath.Join(dir, "cert", "keyStore.pem")},
		{"project.key_password", c.Project.KeyPassword, "asdf123"},
		{"kafka.topic", c.Kafka.Topic, "temperature"},
		{"kafka.schema", c.Kafka.Schema, "sensor"},
		{"kafka.port", c.Kafka.Port, "9092"},
		{"kafka.security_protocol derived", c.Kafka.SecurityProtocol, ProtocolSSL},
		{"kafka.consumer.group_id", c.Kafka.Consumer.GroupID, "TutorialGroup"},
		{"kafka.consumer.auto_offset_reset", c.Kafka.Consumer.AutoOffsetReset, "earliest"},
		{"api.base", c.API.Base, "/hopsworks-api/api"},
		{"api.key_file", c.API.KeyFile, filepath.Join(dir, "cert", "apiKeyFile")},
		{"plot defaults kept", c.Plot, Default().Plot},
		{"BrokerList", c.BrokerList(), []string{"127.0.0.1:9092"}},
		{"RegistryURL", c.RegistryURL(), "https://127.0.0.1/hopsworks-api/api/project/1143/kafka"},
		{"APIKey", key, tutorialKey},
		{"Subject", c.Subject(), "sensor"},
		{"UsesTLS", c.UsesTLS(), true},
		{"UsesSASL", c.UsesSASL(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v, want %#v", tt.got, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		file  string // used as Parse's name
		doc   string
		check func(t *testing.T, c Config)
	}{
		{
			name: "plaintext with our own keys",
			file: "config.toml",
			doc: `
[kafka]
topic = 'readings'
brokers = ['kafka-1:9092', 'kafka-2:9093']
consumer.group_id = 'dash'

[registry]
url = 'http://localhost:8081'
subject = 'readings-value'

[plot]
window = '30s'
points = 512
rate = 10
`,
			check: func(t *testing.T, c Config) {
				want := Default()
				want.Kafka.Topic = "readings"
				want.Kafka.Brokers = []string{"kafka-1:9092", "kafka-2:9093"}
				want.Kafka.Consumer.GroupID = "dash"
				want.Registry.URL = "http://localhost:8081"
				want.Registry.Subject = "readings-value"
				want.Plot = Plot{Window: Duration{30 * time.Second}, Points: 512, Rate: 10, History: "window"}
				if !reflect.DeepEqual(c, want) {
					t.Errorf("got  %+v\nwant %+v", c, want)
				}
				if got := c.Subject(); got != "readings-value" {
					t.Errorf("Subject() = %q, want registry.subject", got)
				}
				if c.UsesTLS() {
					t.Error("UsesTLS() = true for PLAINTEXT")
				}
				if err := c.Validate(); err != nil {
					t.Errorf("Validate: %v", err)
				}
			},
		},
		{
			name: "numbers where the tutorial quotes strings",
			file: "config.toml",
			doc:  "[hops]\nurl = 'hops.example.com'\n[project]\nid = 1143\n[kafka]\nport = 9093\n",
			check: func(t *testing.T, c Config) {
				if c.Project.ID != "1143" || c.Kafka.Port != "9093" {
					t.Errorf("id %q port %q, want 1143 and 9093", c.Project.ID, c.Kafka.Port)
				}
				if got := c.BrokerList(); !slices.Equal(got, []string{"hops.example.com:9093"}) {
					t.Errorf("BrokerList() = %q", got)
				}
			},
		},
		{
			name: "brokers as one comma-separated string",
			file: "config.toml",
			doc:  "[kafka]\nbrokers = ' a:1, b:2 ,,c:3'\n",
			check: func(t *testing.T, c Config) {
				if want := []string{"a:1", "b:2", "c:3"}; !slices.Equal(c.Kafka.Brokers, want) {
					t.Errorf("brokers %q, want %q", c.Kafka.Brokers, want)
				}
			},
		},
		{
			name: "protocol and mechanism upper-cased, SASL complete",
			file: "config.toml",
			doc: "[kafka]\nbrokers = ['pkc.example:9092']\nsecurity_protocol = 'sasl_ssl'\n" +
				"sasl_mechanism = 'scram-sha-512'\nsasl_username = 'u'\nsasl_password = 'p'\n",
			check: func(t *testing.T, c Config) {
				if c.Kafka.SecurityProtocol != ProtocolSASLSSL || c.Kafka.SASLMechanism != MechanismSCRAMSHA512 {
					t.Errorf("protocol %q mechanism %q", c.Kafka.SecurityProtocol, c.Kafka.SASLMechanism)
				}
				if !c.UsesTLS() || !c.UsesSASL() {
					t.Errorf("UsesTLS %t UsesSASL %t, want both", c.UsesTLS(), c.UsesSASL())
				}
				if err := c.Validate(); err != nil {
					t.Errorf("Validate: %v", err)
				}
			},
		},
		{
			name: "relative paths resolved against the file's directory",
			file: filepath.Join("etc", "kafkaplot", "config.toml"),
			doc: "[hops]\nverify = 'ca/root.pem'\n[project]\nca_file = 'cert/ca.pem'\ncertificate_file = '/abs/cert.pem'\n" +
				"key_file = 'key.pem'\n[api]\nkey_file = 'apikey'\n[tls]\nkeystore = 'ks.p12'\ntruststore = '../ts.jks'\n" +
				"[plot]\nschema_file = 'schemas/readings.proto:plant.Reading'\n",
			check: func(t *testing.T, c Config) {
				dir := filepath.Join("etc", "kafkaplot")
				got := []string{c.Hops.Verify.CAFile, c.Project.CAFile, c.Project.CertificateFile, c.Project.KeyFile,
					c.API.KeyFile, c.TLS.Keystore, c.TLS.Truststore, c.Plot.SchemaFile}
				want := []string{filepath.Join(dir, "ca", "root.pem"), filepath.Join(dir, "cert", "ca.pem"), "/abs/cert.pem",
					filepath.Join(dir, "key.pem"), filepath.Join(dir, "apikey"), filepath.Join(dir, "ks.p12"), filepath.Join("etc", "ts.jks"),
					filepath.Join(dir, "schemas", "readings.proto:plant.Reading")}
				if !slices.Equal(got, want) {
					t.Errorf("paths\n got %q\nwant %q", got, want)
				}
				if !c.Hops.Verify.Enabled {
					t.Error("a CA path must keep verification enabled")
				}
			},
		},
		{
			name: "verify as a string boolean and a full hops URL",
			file: "config.toml",
			doc:  "[hops]\nurl = 'https://hops.example.com:8181/'\nverify = 'false'\n[project]\nid = '7'\n[api]\nbase = 'hopsworks-api/api/'\n",
			check: func(t *testing.T, c Config) {
				if c.Hops.Verify != (Verify{Enabled: false}) {
					t.Errorf("verify %+v", c.Hops.Verify)
				}
				if got, want := c.RegistryURL(), "https://hops.example.com:8181/hopsworks-api/api/project/7/kafka"; got != want {
					t.Errorf("RegistryURL() = %q, want %q", got, want)
				}
				if got, want := c.BrokerList(), []string{"hops.example.com:9092"}; !slices.Equal(got, want) {
					t.Errorf("BrokerList() = %q, want %q", got, want)
				}
			},
		},
		{
			name: "inline tables",
			file: "config.toml",
			doc:  "kafka = { brokers = ['x:1'], consumer = { auto_offset_reset = 'latest' } }\n",
			check: func(t *testing.T, c Config) {
				if c.Kafka.Consumer.AutoOffsetReset != ResetLatest || !slices.Equal(c.Kafka.Brokers, []string{"x:1"}) {
					t.Errorf("kafka %+v", c.Kafka)
				}
			},
		},
		{
			name: "plot fields and subject strategy",
			file: "config.toml",
			doc: "[registry]\nsubject_strategy = 'topic-record'\n[kafka]\ntopic = 'clicks-avro'\nschema = 'com.example.click'\n" +
				"[plot]\nseries = 'creative_id'\nvalue = ['cost', 'location.lat']\ntime = 'timestamp'\n",
			check: func(t *testing.T, c Config) {
				want := Plot{Window: Duration{2 * time.Minute}, Points: 1024, Rate: 2, Series: "creative_id", Value: []string{"cost", "location.lat"}, Time: "timestamp", History: "window"}
				if !reflect.DeepEqual(c.Plot, want) {
					t.Errorf("plot %+v, want %+v", c.Plot, want)
				}
				if got := c.Subject(); got != "clicks-avro-com.example.click" {
					t.Errorf("Subject() = %q", got)
				}
			},
		},
		{
			name: "plot value as one string, special series and time",
			file: "config.toml",
			doc:  "[plot]\nseries = '@key'\nvalue = 'cost'\ntime = '@time'\n",
			check: func(t *testing.T, c Config) {
				if c.Plot.Series != SeriesKey || !slices.Equal(c.Plot.Value, []string{"cost"}) || c.Plot.Time != TimeRecord {
					t.Errorf("plot %+v", c.Plot)
				}
			},
		},
		{
			name: "empty document is the default",
			file: "config.toml",
			doc:  "",
			check: func(t *testing.T, c Config) {
				if !reflect.DeepEqual(c, Default()) {
					t.Errorf("got %+v, want Default()", c)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(tt.doc), tt.file)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.check(t, c)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		file string
		line int
		key  string
		want string // a part of the message
	}{
		{"unknown_key.toml", 12, "kafka.prot", "unknown key kafka.prot"},
		{"unknown_table.toml", 4, "kafak", "unknown table kafak"},
		{"wrong_type.toml", 5, "kafka.topic", "want a string, got integer 42"},
		{"bad_port.toml", 9, "kafka.port", `kafka.port: not a number: "90x2"`},
		{"port_range.toml", 3, "kafka.port", "out of range 1-65535: 70000"},
		{"bad_reset.toml", 6, "kafka.consumer.auto_offset_reset", `kafka.consumer.auto_offset_reset: want earliest or latest, got "first"`},
		{"unterminated.toml", 5, "kafka.topic", "literal strings cannot have new lines"},
		{"bad_verify.toml", 3, "hops.verify", "want true, false or a CA file path, got integer 3"},
		{"bad_window.toml", 5, "plot.window", `not a duration: "2 minutes"`},
		{"duplicate.toml", 4, "kafka.topic", "already defined"},
		{"bad_protocol.toml", 3, "kafka.security_protocol", `got "TLS"`},
		{"bad_brokers.toml", 2, "kafka.brokers", "got integer 9093 at index 1"},
		{"few_points.toml", 5, "plot.points", "must be at least 16, got 8"},
		{"bad_series.toml", 3, "plot.series", `not a dotted field path: "creative id"`},
		{"bad_strategy.toml", 2, "registry.subject_strategy", `want record-name, topic-name or topic-record, got "topic"`},
		{"inline_type.toml", 1, "kafka.consumer.group_id", "want a string, got integer 7"},
		{"bad_assignor.toml", 3, "kafka.consumer.partition_assignment_strategy", `unknown name "sticky": want range, roundrobin or cooperative-sticky`},
		{"bad_history.toml", 3, "plot.history", `want window, none or a positive duration such as 5m, got "forever"`},
		{"table_on_key.toml", 4, "kafka.topic", "unknown table kafka.topic"},
		{"dotted_past_value.toml", 3, "kafka.port", "kafka.port: want a string or an integer, got a table"},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".toml"), func(t *testing.T) {
			path := filepath.Join("testdata", "broken", tt.file)
			_, err := Load(path)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T %q is not a *config.Error", err, err)
			}
			if ce.File != path || ce.Line != tt.line || ce.Key != tt.key {
				t.Errorf("error at %s:%d key %q, want %s:%d key %q", ce.File, ce.Line, ce.Key, path, tt.line, tt.key)
			}
			msg := err.Error()
			if prefix := path + ":" + strconv.Itoa(tt.line) + ": "; !strings.HasPrefix(msg, prefix) {
				t.Errorf("error %q does not start with %q", msg, prefix)
			}
			if !strings.Contains(msg, tt.key) || !strings.Contains(msg, tt.want) {
				t.Errorf("error %q does not name %q or say %q", msg, tt.key, tt.want)
			}
			checkGolden(t, filepath.Join("testdata", "broken", strings.TrimSuffix(tt.file, ".toml")+".golden"), msg+"\n")
		})
	}
}

func TestParseReportsEveryUnknownKey(t *testing.T) {
	_, err := Parse([]byte("[kafka]\nprot = 1\n[plot]\nwidth = 3\n"), "config.toml")
	want := "config.toml:2: unknown key kafka.prot\nconfig.toml:4: unknown key plot.width"
	if err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if !errors.Is(err, ErrUnknownKey) {
		t.Error("errors.Is(err, ErrUnknownKey) = false")
	}
}

// TestParseReportsEveryBadValue checks that Parse lists every refused value
// in line order, not only the first go-toml meets.
func TestParseReportsEveryBadValue(t *testing.T) {
	doc := "[plot]\npoints = 8\nwindow = 3\n[kafka]\ntopic = 42\nport = '90x2'\n"
	want := "config.toml:2: plot.points: must be at least 16, got 8\n" +
		"config.toml:3: plot.window: want a string, got integer 3\n" +
		"config.toml:5: kafka.topic: want a string, got integer 42\n" +
		`config.toml:6: kafka.port: not a number: "90x2"`
	if _, err := Parse([]byte(doc), "config.toml"); err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// TestParseDottedKeyPastValue checks that a dotted key or table under a key
// that holds a value is an error naming that key and the line.
func TestParseDottedKeyPastValue(t *testing.T) {
	tests := []struct{ doc, want string }{
		{"[kafka]\nport.x = 1\n", "config.toml:2: kafka.port: want a string or an integer, got a table"},
		{"topic = 't'\nkafka.port.x = 1\n", "config.toml:1: unknown key topic\nconfig.toml:2: kafka.port: want a string or an integer, got a table"},
		{"kafka = { topic = { x = 1 } }\n", "config.toml:1: kafka.topic: want a string, got a table"},
		{"[kafka.consumer.group_id.x]\ny = 1\n", "config.toml:1: kafka.consumer.group_id: want a string, got a table"},
		{"[plot.window]\nx = 1\n", "config.toml:1: unknown table plot.window"},
		{"kafka = 1\n", "config.toml:1: kafka: want a table, got integer 1"},
		{"[[kafka]]\ntopic = 't'\n", "config.toml:1: kafka: want a table, got an array"},
		{"[KAFKA]\nTopic = 't'\nprot = 1\n", "config.toml:3: unknown key kafka.prot"},
	}
	for _, tt := range tests {
		t.Run(tt.doc, func(t *testing.T) {
			if _, err := Parse([]byte(tt.doc), "config.toml"); err == nil || err.Error() != tt.want {
				t.Errorf("error %q, want %q", err, tt.want)
			}
		})
	}
}

func TestParseManyUnknownKeys(t *testing.T) {
	var b strings.Builder
	b.WriteString("[kafka]\ntopic = 't'\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "k%d = %d\n", i, i)
	}
	_, err := Parse([]byte(b.String()), "big.toml")
	if err == nil {
		t.Fatal("Parse succeeded")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != maxUnknown+1 {
		t.Fatalf("error has %d lines, want %d", len(lines), maxUnknown+1)
	}
	if want := "big.toml:3: unknown key kafka.k0"; lines[0] != want {
		t.Errorf("first line %q, want %q", lines[0], want)
	}
	if want := fmt.Sprintf("big.toml:%d: %d more unknown keys", maxUnknown+3, 1000-maxUnknown); lines[maxUnknown] != want {
		t.Errorf("last line %q, want %q", lines[maxUnknown], want)
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	_, err := Load(path)
	want := "load " + path + ": open " + path + ": no such file or directory"
	if err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Error("errors.Is(err, os.ErrNotExist) = false")
	}
}

func TestAPIKey(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	keyFile := write("apiKeyFile", "  from-file\n")
	emptyFile := write("empty", "\n")
	missing := filepath.Join(dir, "missing")
	tests := []struct {
		name    string
		api     API
		want    string
		wantErr string // a part of the error, "" for none
	}{
		{"key wins over key_file", API{Key: "inline", KeyFile: keyFile}, "inline", ""},
		{"key_file when key is empty", API{KeyFile: keyFile}, "from-file", ""},
		{"neither", API{}, "", ""},
		{"missing key_file", API{KeyFile: missing}, "", "api.key_file: open " + missing},
		{"empty key_file", API{KeyFile: emptyFile}, "", emptyFile + " is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			c.API = tt.api
			got, err := c.APIKey()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("APIKey() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestTutorialKeyFile(t *testing.T) {
	dir := t.TempDir()
	tutorial, err := os.ReadFile(filepath.Join("testdata", "tutorial.toml"))
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(tutorial), "key = '"+tutorialKey+"'", "key = ''", 1)
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "cert"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cert", "apiKeyFile"), []byte("secret-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.APIKey()
	if err != nil || got != "secret-from-file" {
		t.Errorf("APIKey() = %q, %v; want the key file's content", got, err)
	}
}

func TestValidate(t *testing.T) {
	base := func() Config {
		c := Default()
		c.Kafka.Brokers = []string{"localhost:9092"}
		return c
	}
	tests := []struct {
		name   string
		modify func(c *Config)
		want   []string // keys named by the error; none means valid
	}{
		{"brokers only", func(c *Config) {}, nil},
		{"hops only", func(c *Config) { c.Kafka.Brokers = nil; c.Hops.URL = "h"; c.Project.ID = "1" }, nil},
		{"no topic", func(c *Config) { c.Kafka.Topic = "" }, []string{"kafka.topic: required"}},
		{"no broker source", func(c *Config) { c.Kafka.Brokers = nil }, []string{"kafka.brokers: required"}},
		{"hops without project id", func(c *Config) { c.Kafka.Brokers = nil; c.Hops.URL = "h" }, []string{"project.id: required"}},
		{"hops with registry url", func(c *Config) { c.Hops.URL = "h"; c.Registry.URL = "https://sr:8081" }, nil},
		{"bad protocol", func(c *Config) { c.Kafka.SecurityProtocol = "TLS" }, []string{"kafka.security_protocol: want PLAINTEXT"}},
		{"SASL without mechanism and user", func(c *Config) { c.Kafka.SecurityProtocol = ProtocolSASLPlaintext },
			[]string{"kafka.sasl_mechanism: required with security_protocol SASL_PLAINTEXT", "kafka.sasl_username: required"}},
		{"bad mechanism", func(c *Config) {
			c.Kafka.SecurityProtocol = ProtocolSASLSSL
			c.Kafka.SASLMechanism = "GSSAPI"
			c.Kafka.SASLUsername = "u"
		}, []string{`kafka.sasl_mechanism: want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got "GSSAPI"`}},
		{"bad reset", func(c *Config) { c.Kafka.Consumer.AutoOffsetReset = "first" },
			[]string{`kafka.consumer.auto_offset_reset: want earliest or latest, got "first"`}},
		{"few points", func(c *Config) { c.Plot.Points = 15 }, []string{"plot.points: must be at least 16"}},
		{"zero window", func(c *Config) { c.Plot.Window = Duration{} }, []string{"plot.window: must be positive"}},
		{"zero rate", func(c *Config) { c.Plot.Rate = 0 }, []string{"plot.rate: must be a positive"}},
		{"broker with a stray colon", func(c *Config) { c.Kafka.Brokers = []string{"localhost:9092:1"} }, []string{`kafka.brokers: want host:port, got "localhost:9092:1"`}},
		{"bad port", func(c *Config) { c.Kafka.Port = "x" }, []string{`kafka.port: not a number: "x"`}},
		{"bad registry url", func(c *Config) { c.Registry.URL = "localhost:8081" }, []string{"registry.url: want an http or https URL"}},
		{"several at once", func(c *Config) { c.Kafka.Topic = ""; c.Plot.Points = 1 }, []string{"kafka.topic", "plot.points"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base()
			tt.modify(&c)
			err := c.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Errorf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate succeeded, want errors naming %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if lines := strings.Count(err.Error(), "\n") + 1; lines != len(tt.want) {
				t.Errorf("error has %d lines, want %d: %q", lines, len(tt.want), err)
			}
		})
	}
}

func TestHistoryMode(t *testing.T) {
	tests := []struct {
		history string
		mode    HistoryMode
		span    time.Duration
		valid   bool
	}{
		{"window", HistoryWindow, 2 * time.Minute, true},
		{"none", HistoryNone, 0, true},
		{"90s", HistoryDuration, 90 * time.Second, true},
		{"1h30m", HistoryDuration, 90 * time.Minute, true},
		{"-5m", HistoryWindow, 2 * time.Minute, false},
		{"0", HistoryWindow, 2 * time.Minute, false},
		{"all", HistoryWindow, 2 * time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.history, func(t *testing.T) {
			c := Default()
			c.Kafka.Brokers = []string{"b:9092"}
			c.Plot.History = tt.history
			if mode, span := c.Plot.HistoryMode(); mode != tt.mode || span != tt.span {
				t.Errorf("HistoryMode() = %v, %v; want %v, %v", mode, span, tt.mode, tt.span)
			}
			err := c.Validate()
			if (err == nil) != tt.valid || (err != nil && !strings.HasPrefix(err.Error(), "plot.history: want window, none or a positive duration")) {
				t.Errorf("Validate() = %v, valid %t", err, tt.valid)
			}
		})
	}
}

func TestAssignmentStrategies(t *testing.T) {
	tests := []struct {
		doc  string
		want []string
	}{
		{"", []string{"cooperative-sticky", "range", "roundrobin"}},
		{"partition_assignment_strategy = 'range'", []string{"range"}},
		{"partition_assignment_strategy = ' Range , cooperative-sticky '", []string{"range", "cooperative-sticky"}},
		{"partition_assignment_strategy = 'range,,roundrobin'", nil},
		{"partition_assignment_strategy = 'range,roundrobin,range'", nil},
		{"partition_assignment_strategy = ''", nil},
	}
	for _, tt := range tests {
		t.Run(tt.doc, func(t *testing.T) {
			c, err := Parse([]byte("[kafka.consumer]\n"+tt.doc+"\n"), "config.toml")
			if tt.want == nil {
				if err == nil || !strings.HasPrefix(err.Error(), "config.toml:2: kafka.consumer.partition_assignment_strategy: ") {
					t.Errorf("error %v, want one naming the key and line 2", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Kafka.Consumer.AssignmentStrategies(); !slices.Equal(got, tt.want) {
				t.Errorf("AssignmentStrategies() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestDefaultTags checks the tags of every key: its default reads and passes
// its check, and its check rule and options are known.
func TestDefaultTags(t *testing.T) {
	known := []string{"", "path", "secret", "number", "upper", "lower"}
	rules := []string{"", "host", "port", "hostport", "url", "oneof", "listof", "positive", "min", "fieldpath", "history"}
	for _, f := range fields(&Config{}) {
		if rule, _, _ := strings.Cut(f.tag.Get("check"), " "); !slices.Contains(rules, rule) {
			t.Errorf("%s: unknown check %q", f.key, rule)
		}
		if err := setText(f.v, f.tag, f.tag.Get("default")); err != nil {
			t.Errorf("%s: default %q: %v", f.key, f.tag.Get("default"), err)
		}
		if err := checkValue(f.v, f.tag); err != nil {
			t.Errorf("%s: default %q: %v", f.key, f.tag.Get("default"), err)
		}
		for _, o := range strings.Split(f.tag.Get("opt"), ",") {
			if !slices.Contains(known, o) {
				t.Errorf("%s: unknown opt %q", f.key, o)
			}
		}
	}
}

func TestSubject(t *testing.T) {
	tests := []struct {
		name     string
		strategy string
		subject  string
		want     string
	}{
		{"record name is kafka.schema", SubjectRecordName, "", "sensor"},
		{"topic name", SubjectTopicName, "", "temperature-value"},
		{"topic and record", SubjectTopicRecord, "", "temperature-sensor"},
		{"registry.subject wins", SubjectTopicName, "readings", "readings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			c.Registry.SubjectStrategy, c.Registry.Subject = tt.strategy, tt.subject
			if got := c.Subject(); got != tt.want {
				t.Errorf("Subject() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDefaultNeedsOnlyABrokerSource(t *testing.T) {
	err := Default().Validate()
	if err == nil || err.Error() != "kafka.brokers: required: set kafka.brokers or hops.url" {
		t.Errorf("Default().Validate() = %v", err)
	}
}

func TestApplyEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		check   func(c Config) bool
		wantErr string // exact error, "" for none
	}{
		{"api key", map[string]string{"KAFKAPLOT_API_KEY": "k"}, func(c Config) bool { return c.API.Key == "k" }, ""},
		{"topic", map[string]string{"KAFKAPLOT_KAFKA_TOPIC": "t2"}, func(c Config) bool { return c.Kafka.Topic == "t2" }, ""},
		{"nested group id", map[string]string{"KAFKAPLOT_KAFKA_CONSUMER_GROUP_ID": "g"},
			func(c Config) bool { return c.Kafka.Consumer.GroupID == "g" }, ""},
		{"verify off", map[string]string{"KAFKAPLOT_HOPS_VERIFY": "false"},
			func(c Config) bool { return c.Hops.Verify == Verify{} }, ""},
		{"verify CA path", map[string]string{"KAFKAPLOT_HOPS_VERIFY": "/etc/ca.pem"},
			func(c Config) bool { return c.Hops.Verify == Verify{Enabled: true, CAFile: "/etc/ca.pem"} }, ""},
		{"brokers list", map[string]string{"KAFKAPLOT_KAFKA_BROKERS": "a:1,b:2"},
			func(c Config) bool { return slices.Equal(c.Kafka.Brokers, []string{"a:1", "b:2"}) }, ""},
		{"typed plot", map[string]string{"KAFKAPLOT_PLOT_WINDOW": "45s", "KAFKAPLOT_PLOT_POINTS": "64", "KAFKAPLOT_PLOT_RATE": "0.5"},
			func(c Config) bool {
				return reflect.DeepEqual(c.Plot, Plot{Window: Duration{45 * time.Second}, Points: 64, Rate: 0.5, History: "window"})
			}, ""},
		{"plot fields", map[string]string{"KAFKAPLOT_PLOT_SERIES": "creative_id", "KAFKAPLOT_PLOT_VALUE": "cost, location.lat", "KAFKAPLOT_PLOT_TIME": "@time"},
			func(c Config) bool {
				return c.Plot.Series == "creative_id" && slices.Equal(c.Plot.Value, []string{"cost", "location.lat"}) && c.Plot.Time == "@time"
			}, ""},
		{"subject strategy lower-cased", map[string]string{"KAFKAPLOT_REGISTRY_SUBJECT_STRATEGY": "Topic-Name"},
			func(c Config) bool {
				return c.Registry.SubjectStrategy == SubjectTopicName && c.Subject() == "temperature-value"
			}, ""},
		{"bad subject strategy", map[string]string{"KAFKAPLOT_REGISTRY_SUBJECT_STRATEGY": "TopicNameStrategy"},
			func(c Config) bool { return c.Registry.SubjectStrategy == SubjectRecordName },
			`KAFKAPLOT_REGISTRY_SUBJECT_STRATEGY: want record-name, topic-name or topic-record, got "topicnamestrategy"`},
		{"bad value path", map[string]string{"KAFKAPLOT_PLOT_VALUE": "cost,location..lat"},
			func(c Config) bool { return c.Plot.Value == nil }, `KAFKAPLOT_PLOT_VALUE: not a dotted field path: "location..lat"`},
		{"bool", map[string]string{"KAFKAPLOT_TLS_SKIP_HOSTNAME_VERIFICATION": "true"},
			func(c Config) bool { return c.TLS.InsecureSkipHostname }, ""},
		{"protocol upper-cased", map[string]string{"KAFKAPLOT_KAFKA_SECURITY_PROTOCOL": "ssl"},
			func(c Config) bool { return c.Kafka.SecurityProtocol == ProtocolSSL }, ""},
		{"not an integer", map[string]string{"KAFKAPLOT_PLOT_POINTS": "many", "KAFKAPLOT_KAFKA_TOPIC": "t2"},
			func(c Config) bool { return c.Kafka.Topic == "temperature" }, `KAFKAPLOT_PLOT_POINTS: not an integer: "many"`},
		{"not a boolean", map[string]string{"KAFKAPLOT_TLS_SKIP_HOSTNAME_VERIFICATION": "maybe"},
			func(c Config) bool { return !c.TLS.InsecureSkipHostname }, `KAFKAPLOT_TLS_SKIP_HOSTNAME_VERIFICATION: not a boolean: "maybe"`},
		{"value checked", map[string]string{"KAFKAPLOT_KAFKA_CONSUMER_AUTO_OFFSET_RESET": "first"},
			func(c Config) bool { return c.Kafka.Consumer.AutoOffsetReset == ResetEarliest },
			`KAFKAPLOT_KAFKA_CONSUMER_AUTO_OFFSET_RESET: want earliest or latest, got "first"`},
		{"assignors", map[string]string{"KAFKAPLOT_KAFKA_CONSUMER_PARTITION_ASSIGNMENT_STRATEGY": "RoundRobin, range"},
			func(c Config) bool {
				return slices.Equal(c.Kafka.Consumer.AssignmentStrategies(), []string{"roundrobin", "range"})
			}, ""},
		{"unknown assignor", map[string]string{"KAFKAPLOT_KAFKA_CONSUMER_PARTITION_ASSIGNMENT_STRATEGY": "range,sticky"},
			func(c Config) bool {
				return c.Kafka.Consumer.PartitionAssignmentStrategy == "cooperative-sticky,range,roundrobin"
			},
			`KAFKAPLOT_KAFKA_CONSUMER_PARTITION_ASSIGNMENT_STRATEGY: unknown name "sticky": want range, roundrobin or cooperative-sticky`},
		{"history duration", map[string]string{"KAFKAPLOT_PLOT_HISTORY": "90s"},
			func(c Config) bool { m, d := c.Plot.HistoryMode(); return m == HistoryDuration && d == 90*time.Second }, ""},
		{"history not positive", map[string]string{"KAFKAPLOT_PLOT_HISTORY": "0s"},
			func(c Config) bool { return c.Plot.History == "window" },
			`KAFKAPLOT_PLOT_HISTORY: want window, none or a positive duration such as 5m, got "0s"`},
		{"bad port", map[string]string{"KAFKAPLOT_KAFKA_PORT": "90x2"},
			func(c Config) bool { return c.Kafka.Port == DefaultPort }, `KAFKAPLOT_KAFKA_PORT: not a number: "90x2"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			err := c.ApplyEnv(func(name string) (string, bool) {
				v, ok := tt.env[name]
				return v, ok
			})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("ApplyEnv: %v", err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if !tt.check(c) {
				t.Errorf("unexpected config %+v", c)
			}
		})
	}
}

func TestApplyEnvFromProcess(t *testing.T) {
	t.Setenv("KAFKAPLOT_KAFKA_TOPIC", "from-env")
	c := Default()
	if err := c.ApplyEnv(os.LookupEnv); err != nil {
		t.Fatal(err)
	}
	if c.Kafka.Topic != "from-env" {
		t.Errorf("topic %q, want from-env", c.Kafka.Topic)
	}
}

func TestEveryKeyHasAVariable(t *testing.T) {
	c := Default()
	var asked []string
	if err := c.ApplyEnv(func(n string) (string, bool) { asked = append(asked, n); return "", false }); err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, key := range Keys() {
		name := EnvName(key)
		if other, ok := seen[name]; ok {
			t.Errorf("%s and %s share %s", key, other, name)
		}
		seen[name] = key
		if !slices.Contains(asked, name) {
			t.Errorf("ApplyEnv does not look up %s", name)
		}
	}
}

func TestRedacted(t *testing.T) {
	c := Default()
	c.Project.KeyPassword = "asdf123"
	c.Kafka.SASLUsername = "user"
	c.Kafka.SASLPassword = "sasl-secret"
	c.Kafka.Brokers = []string{"a:1"}
	c.API.Key = tutorialKey
	c.Registry.Username = "sr-user"
	c.Registry.Password = "sr-secret"
	c.Registry.URL = "https://sr-user:url-secret@sr.example:8081"
	c.TLS.KeystorePassword = "ks-secret"
	r := c.Redacted()

	tests := []struct {
		name string
		got  string
		want string
	}{
		{"project.key_password", r.Project.KeyPassword, "***"},
		{"kafka.sasl_password", r.Kafka.SASLPassword, "***"},
		{"api.key", r.API.Key, "***"},
		{"registry.password", r.Registry.Password, "***"},
		{"tls.keystore_password", r.TLS.KeystorePassword, "***"},
		{"registry.url userinfo", r.Registry.URL, "https://sr-user:***@sr.example:8081"},
		{"empty secret stays empty", r.TLS.TruststorePassword, ""},
		{"username kept", r.Kafka.SASLUsername, "user"},
		{"registry username kept", r.Registry.Username, "sr-user"},
		{"original untouched", c.API.Key, tutorialKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	t.Run("no secret in the printed form", func(t *testing.T) {
		out, err := toml.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"asdf123", "sasl-secret", tutorialKey, "sr-secret", "url-secret", "ks-secret"} {
			if strings.Contains(string(out), s) {
				t.Errorf("redacted config contains %q:\n%s", s, out)
			}
		}
	})
	t.Run("brokers not shared", func(t *testing.T) {
		r.Kafka.Brokers[0] = "changed:1"
		if c.Kafka.Brokers[0] != "a:1" {
			t.Error("Redacted shares the brokers slice")
		}
	})
}

func TestBrokerListAndRegistryURL(t *testing.T) {
	tests := []struct {
		name     string
		modify   func(c *Config)
		brokers  []string
		registry string
	}{
		{"nothing", func(c *Config) {}, nil, ""},
		{"explicit brokers and registry", func(c *Config) {
			c.Kafka.Brokers = []string{"a:1"}
			c.Hops.URL = "h"
			c.Registry.URL = "http://sr:8081"
		}, []string{"a:1"}, "http://sr:8081"},
		{"hops with empty port", func(c *Config) { c.Hops.URL = "h"; c.Kafka.Port = ""; c.Project.ID = "5" },
			[]string{"h:9092"}, "https://h/hopsworks-api/api/project/5/kafka"},
		{"hops IPv6", func(c *Config) { c.Hops.URL = "[::1]"; c.Project.ID = "5" },
			[]string{"[::1]:9092"}, "https://[::1]/hopsworks-api/api/project/5/kafka"},
		{"hops http URL", func(c *Config) { c.Hops.URL = "http://h:8080"; c.Project.ID = "5"; c.API.Base = "/api/" },
			[]string{"h:9092"}, "http://h:8080/api/project/5/kafka"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.modify(&c)
			if got := c.BrokerList(); !slices.Equal(got, tt.brokers) {
				t.Errorf("BrokerList() = %q, want %q", got, tt.brokers)
			}
			if got := c.RegistryURL(); got != tt.registry {
				t.Errorf("RegistryURL() = %q, want %q", got, tt.registry)
			}
		})
	}
}

func TestVerifyAndDurationText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Verify
		err  bool
	}{
		{"true", "true", Verify{Enabled: true}, false},
		{"false", "FALSE", Verify{}, false},
		{"zero", "0", Verify{}, false},
		{"path", "cert/ca.pem", Verify{Enabled: true, CAFile: "cert/ca.pem"}, false},
		{"empty", " ", Verify{}, true},
	}
	for _, tt := range tests {
		t.Run("verify "+tt.name, func(t *testing.T) {
			var v Verify
			err := v.UnmarshalText([]byte(tt.in))
			if (err != nil) != tt.err || (!tt.err && v != tt.want) {
				t.Errorf("UnmarshalText(%q) = %+v, %v", tt.in, v, err)
			}
		})
	}
	for _, tt := range []struct {
		raw  string
		want Verify
		err  bool
	}{
		{"false", Verify{}, false},
		{"true", Verify{Enabled: true}, false},
		{`'ca.pem'`, Verify{Enabled: true, CAFile: "ca.pem"}, false},
		{`"a\\b.pem"`, Verify{Enabled: true, CAFile: `a\b.pem`}, false},
		{"3", Verify{}, true},
	} {
		t.Run("verify toml "+tt.raw, func(t *testing.T) {
			c, err := Parse([]byte("[hops]\nverify = "+tt.raw+"\n"), "config.toml")
			if (err != nil) != tt.err || (!tt.err && c.Hops.Verify != tt.want) {
				t.Errorf("Parse(verify = %s) = %+v, %v", tt.raw, c.Hops.Verify, err)
			}
		})
	}
	t.Run("verify round trip", func(t *testing.T) {
		for _, v := range []Verify{{}, {Enabled: true}, {Enabled: true, CAFile: "/ca.pem"}} {
			b, _ := v.MarshalText()
			var back Verify
			if err := back.UnmarshalText(b); err != nil || back != v {
				t.Errorf("%+v -> %q -> %+v, %v", v, b, back, err)
			}
		}
	})
	t.Run("duration", func(t *testing.T) {
		var d Duration
		if err := d.UnmarshalText([]byte("1m30s")); err != nil || d.Duration != 90*time.Second {
			t.Errorf("got %v, %v", d, err)
		}
		if err := d.UnmarshalText([]byte("soon")); err == nil {
			t.Error("UnmarshalText(soon) succeeded")
		}
		if b, _ := (Duration{2 * time.Minute}).MarshalText(); string(b) != "2m0s" {
			t.Errorf("MarshalText = %q", b)
		}
	})
}

// TestMarshalRoundTrip checks that a Config written by go-toml reads back the same.
func TestMarshalRoundTrip(t *testing.T) {
	tutorial, err := Load(filepath.Join("testdata", "tutorial.toml"))
	if err != nil {
		t.Fatal(err)
	}
	withBrokers := Default()
	withBrokers.Kafka.Brokers = []string{"a:1", "b:2"}
	withBrokers.Hops.Verify = Verify{Enabled: true, CAFile: "/etc/ca.pem"}
	for name, c := range map[string]Config{"default": Default(), "tutorial": tutorial, "brokers": withBrokers} {
		t.Run(name, func(t *testing.T) {
			out, err := toml.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			back, err := Parse(out, "config.toml")
			if err != nil {
				t.Fatalf("Parse(Marshal): %v\n%s", err, out)
			}
			if !reflect.DeepEqual(back, c) {
				t.Errorf("round trip\n got %+v\nwant %+v", back, c)
			}
		})
	}
}

// checkGolden compares got with the golden file, rewriting it under -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update): %v", err)
	}
	if got != string(want) {
		t.Errorf("error text changed\n got %q\nwant %q\n(run go test -update to accept)", got, want)
	}
}

func TestBrokerWithoutPort(t *testing.T) {
	tests := []struct {
		brokers []string
		want    []string
	}{
		{[]string{"localhost"}, []string{"localhost:9092"}},
		{[]string{"broker1", "broker2:9093"}, []string{"broker1:9092", "broker2:9093"}},
		{[]string{"::1"}, []string{"[::1]:9092"}},
		{[]string{"[::1]"}, []string{"[::1]:9092"}},
		{[]string{"[::1]:9093"}, []string{"[::1]:9093"}},
	}
	for _, tt := range tests {
		c := Default()
		c.Kafka.Brokers = tt.brokers
		if err := c.Validate(); err != nil {
			t.Errorf("Validate(%q): %v", tt.brokers, err)
		}
		if got := c.BrokerList(); !slices.Equal(got, tt.want) {
			t.Errorf("BrokerList(%q) = %q, want %q", tt.brokers, got, tt.want)
		}
	}
}

func TestUnknownEnv(t *testing.T) {
	environ := []string{"KAFKAPLOT_KAFKA_TOPIC=t", "KAFKAPLOT_KAFKA_TOPICS=x", "HOME=/root", "KAFKAPLOT_PLOT_WINDOWS=5m", "KAFKAPLOT_KAFKA_TOPICS=y", "KAFKAPLOTX=1"}
	want := []string{"KAFKAPLOT_KAFKA_TOPICS", "KAFKAPLOT_PLOT_WINDOWS"}
	if got := UnknownEnv(environ); !slices.Equal(got, want) {
		t.Errorf("UnknownEnv = %q, want %q", got, want)
	}
}
