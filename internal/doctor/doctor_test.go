package doctor

import (
	"bytes"
	"context"
	"errors"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/internal/testsupport/rehearsal"
	"github.com/kafkaplot/kafkaplot/stream"
)

// TestDoctor runs the doctor against a rehearsal cluster, a SASL broker
// and broken variants of the rehearsal's configuration: the checks that
// pass, the first that fails and its exit class, the fix named, and no
// secret in the output.
func TestDoctor(t *testing.T) {
	t.Parallel()
	c := rehearsal.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sasl, err := embedded.Start(ctx, embedded.Config{
		BrokerAddr: testsupport.FreeAddr(t), RegistryAddr: testsupport.FreeAddr(t), TLS: c.R.BrokerTLS(),
		SASLUsers: []stream.SASLUser{{Mechanism: "SCRAM-SHA-512", Username: "alice", Password: "alice-secret"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sasl.Close()
	_, saslPort, _ := net.SplitHostPort(sasl.BrokerAddr())
	_, brokerPort, _ := net.SplitHostPort(c.Broker)
	_, closedPort, _ := net.SplitHostPort(testsupport.FreeAddr(t))
	withSASL := func(password string) []string {
		return []string{"port = '" + brokerPort + "'", "port = '" + saslPort + "'\nsecurity_protocol = 'SASL_SSL'\nsasl_mechanism = 'SCRAM-SHA-512'\nsasl_username = 'alice'\nsasl_password = '" + password + "'"}
	}
	stranger := testsupport.WriteFile(t, c.Path("stranger.pem"), testsupport.CertsPEM(testsupport.NewCA(t, "stranger").Cert))
	allChecks := []string{"config", "credentials", "kafka dns", "kafka tcp", "kafka tls", "kafka api", "kafka metadata", "topic", "group",
		"registry tcp", "registry tls", "registry auth", "subject", "compatibility"}
	cases := []struct {
		name      string
		config    string
		topic     string   // --topic; "": the configuration's
		wantOK    []string // checks that must pass
		wantFail  string   // the first failing check; "" when all pass
		wantCode  int
		wantInOut string
	}{
		{name: "all good", config: c.Path(embedded.FileConfig), wantOK: allChecks, wantInOut: "client certificate accepted"},
		{name: "JKS stores", config: c.Path(embedded.FileConfigJKS), wantOK: allChecks, wantInOut: "from tls.keystore"},
		{name: "SASL over TLS", config: c.Variant(t, "sasl.toml", withSASL("alice-secret")...), wantOK: append([]string{"kafka sasl"}, allChecks...),
			wantInOut: `user "alice" authenticated with SCRAM-SHA-512`},
		{name: "SASL rejected", config: c.Variant(t, "sasl-bad.toml", withSASL("wrong")...), wantOK: []string{"kafka tls", "registry auth"},
			wantFail: "kafka sasl", wantCode: ExitAuth, wantInOut: "check kafka.sasl_username and kafka.sasl_password"},
		{name: "unknown CA", config: c.Variant(t, "ca.toml", "ca_file = 'trustStore.pem'", "ca_file = '"+stranger+"'"), wantOK: []string{"kafka tcp", "registry tls"},
			wantFail: "kafka tls", wantCode: ExitTLS, wantInOut: "set project.ca_file or tls.truststore"},
		{name: "no such topic", config: c.Path(embedded.FileConfig), topic: "nope", wantOK: []string{"kafka metadata", "group"},
			wantFail: "topic", wantCode: ExitKafka, wantInOut: "check kafka.topic"},
		{name: "no such subject", config: c.Variant(t, "subject.toml", "schema = 'sensor'", "schema = 'nope'"), wantOK: []string{"registry auth"},
			wantFail: "subject", wantCode: ExitRegistry, wantInOut: "kafkaplot produce --register"},
		{name: "registry unreachable", config: c.Variant(t, "registry.toml", "url = '"+c.Registry+"'", "url = '127.0.0.1:"+closedPort+"'"), wantOK: []string{"topic"},
			wantFail: "registry tcp", wantCode: ExitNetwork, wantInOut: "check hops.url and its port"},
		{name: "registry from an unknown CA", config: c.Variant(t, "verify-ca.toml", "verify = 'trustStore.pem'", "verify = '"+stranger+"'"), wantOK: []string{"topic", "registry tcp"},
			wantFail: "registry tls", wantCode: ExitTLS, wantInOut: "set hops.verify to the registry's CA file"},
		{name: "registry not verified", config: c.Variant(t, "verify.toml", "verify = 'trustStore.pem'", "verify = false"), wantOK: []string{"registry auth", "subject"},
			wantInOut: "! registry tls"},
		{name: "broken config", config: c.Variant(t, "broken.toml", "[kafka]", "[kafka]\nprot = 1"),
			wantFail: "config", wantCode: ExitConfig, wantInOut: "unknown key kafka.prot"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			o := Options{Conn: connect.Options{ConfigFile: tc.config}, Timeout: 2 * time.Second, LookupEnv: func(string) (string, bool) { return "", false }}
			if tc.topic != "" {
				o.Conn.Topic = &tc.topic
			}
			err := Run(context.Background(), o, &out, &errOut)
			text := out.String()
			for _, check := range tc.wantOK {
				if !regexp.MustCompile(`(?m)^✓ ` + regexp.QuoteMeta(check) + ` `).MatchString(text) {
					t.Errorf("no ✓ %s:\n%s", check, text)
				}
			}
			if !strings.Contains(text, tc.wantInOut) {
				t.Errorf("output lacks %q:\n%s", tc.wantInOut, text)
			}
			if tc.wantFail == "" {
				if err != nil || strings.Contains(text, "✗") {
					t.Fatalf("err %v:\n%s", err, text)
				}
				return
			}
			var derr *Error
			if !errors.As(err, &derr) || derr.First != tc.wantFail || derr.ExitCode() != tc.wantCode {
				t.Fatalf("got %v; want the first failure %s, exit %d:\n%s", err, tc.wantFail, tc.wantCode, text)
			}
			if !regexp.MustCompile(`(?m)^✗ ` + regexp.QuoteMeta(tc.wantFail) + ` `).MatchString(text) {
				t.Errorf("no ✗ %s line:\n%s", tc.wantFail, text)
			}
			for _, secret := range []string{c.R.KeyPassword, c.R.StorePassword, c.R.APIKey, "alice-secret"} {
				if strings.Contains(text+errOut.String(), secret) {
					t.Errorf("output shows a secret:\n%s", text)
				}
			}
		})
	}
}
