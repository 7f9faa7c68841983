package connect

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kafkaplot/kafkaplot/config"
)

// TestResolve checks the order defaults < config file < environment <
// flags, whether the embedded cluster's addresses apply, and what the
// settings say they came from.
func TestResolve(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(file, []byte("[kafka]\nbrokers = ['file:9092']\ntopic = 'from-file'\n[registry]\nurl = 'http://file:8081'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	str := func(s string) *string { return &s }
	const broker, registry = "127.0.0.1:39092", "127.0.0.1:38081"
	tests := []struct {
		name         string
		opts         Options
		env          map[string]string
		wantSource   string
		wantEmbedded bool
		wantBrokers  []string
		wantRegistry string
		wantTopic    string
		wantErr      string
	}{
		{name: "nothing: the embedded cluster", wantSource: "embedded cluster", wantEmbedded: true,
			wantBrokers: []string{broker}, wantRegistry: "http://" + registry, wantTopic: "temperature"},
		{name: "flags name a cluster", opts: Options{Brokers: str(" a:1, ,b:2 "), Registry: str("http://r:1/"), Topic: str("t")}, wantSource: "flags",
			wantBrokers: []string{"a:1", "b:2"}, wantRegistry: "http://r:1", wantTopic: "t"},
		{name: "the topic alone keeps the embedded cluster", opts: Options{Topic: str("t")}, wantSource: "embedded cluster", wantEmbedded: true,
			wantBrokers: []string{broker}, wantRegistry: "http://" + registry, wantTopic: "t"},
		{name: "the environment names a cluster", env: map[string]string{"KAFKAPLOT_KAFKA_BROKERS": "env:9092"}, wantSource: "environment",
			wantBrokers: []string{"env:9092"}, wantRegistry: "http://" + registry, wantTopic: "temperature"},
		{name: "file", opts: Options{ConfigFile: file}, wantSource: file,
			wantBrokers: []string{"file:9092"}, wantRegistry: "http://file:8081", wantTopic: "from-file"},
		{name: "environment over file, flags over both", opts: Options{ConfigFile: file, Brokers: str("flag:9092")},
			env: map[string]string{"KAFKAPLOT_KAFKA_BROKERS": "env:9092", "KAFKAPLOT_KAFKA_TOPIC": "from-env"}, wantSource: file,
			wantBrokers: []string{"flag:9092"}, wantRegistry: "http://file:8081", wantTopic: "from-env"},
		{name: "a file that is missing", opts: Options{ConfigFile: filepath.Join(t.TempDir(), "none.toml")}, wantErr: "none.toml"},
		{name: "a flag the configuration refuses", opts: Options{Brokers: str(",")}, wantErr: "flags: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.EmbeddedBroker, tt.opts.EmbeddedRegistry = broker, registry
			s, err := Resolve(tt.opts, func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Source != tt.wantSource || s.Embedded != tt.wantEmbedded {
				t.Errorf("source %q, embedded %v; want %q, %v", s.Source, s.Embedded, tt.wantSource, tt.wantEmbedded)
			}
			if got := s.Cfg.BrokerList(); !slices.Equal(got, tt.wantBrokers) {
				t.Errorf("brokers %v, want %v", got, tt.wantBrokers)
			}
			if got := s.Cfg.RegistryURL(); got != tt.wantRegistry {
				t.Errorf("registry %q, want %q", got, tt.wantRegistry)
			}
			if s.Cfg.Kafka.Topic != tt.wantTopic {
				t.Errorf("topic %q, want %q", s.Cfg.Kafka.Topic, tt.wantTopic)
			}
		})
	}
}

// TestWarnOnce checks that copies of Settings share the warnings given.
func TestWarnOnce(t *testing.T) {
	var out bytes.Buffer
	s := New(config.Default(), "test")
	s.Warn = &out
	for range 3 {
		c := s
		c.warnOnce("k", "careful")
	}
	if got := strings.Count(out.String(), "careful"); got != 1 {
		t.Errorf("warned %d times, want once:\n%s", got, out.String())
	}
}

func TestSplitList(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"a", []string{"a"}},
		{" a , ,b,", []string{"a", "b"}},
	} {
		if got := SplitList(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("SplitList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
