package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/internal/doctor"
	"github.com/kafkaplot/kafkaplot/stream"
)

// variant writes a copy of the rehearsal's config.toml with replacements.
func (c *rehearsalCluster) variant(t *testing.T, name string, oldNew ...string) string {
	t.Helper()
	data, err := os.ReadFile(c.path(embedded.FileConfig))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for i := 0; i < len(oldNew); i += 2 {
		if !strings.Contains(text, oldNew[i]) {
			t.Fatalf("config.toml has no %q", oldNew[i])
		}
		text = strings.Replace(text, oldNew[i], oldNew[i+1], 1)
	}
	return writeTestFile(t, c.path(name), []byte(text))
}

func TestDoctor(t *testing.T) {
	t.Parallel()
	c := startSecureCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sasl, err := embedded.Start(ctx, embedded.Config{
		BrokerAddr: freeAddr(t), RegistryAddr: freeAddr(t), TLS: c.r.BrokerTLS(),
		SASLUsers: []stream.SASLUser{{Mechanism: "SCRAM-SHA-512", Username: "alice", Password: "alice-secret"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sasl.Close()
	_, saslPort, _ := net.SplitHostPort(sasl.BrokerAddr())
	_, brokerPort, _ := net.SplitHostPort(c.broker)
	_, closedPort, _ := net.SplitHostPort(freeAddr(t))
	withSASL := func(password string) []string {
		return []string{"port = '" + brokerPort + "'", "port = '" + saslPort + "'\nsecurity_protocol = 'SASL_SSL'\nsasl_mechanism = 'SCRAM-SHA-512'\nsasl_username = 'alice'\nsasl_password = '" + password + "'"}
	}
	stranger := writeTestFile(t, c.path("stranger.pem"), certsPEM(newCA(t, "stranger").Cert))
	allChecks := []string{"config", "credentials", "kafka dns", "kafka tcp", "kafka tls", "kafka api", "kafka metadata", "topic", "group",
		"registry tcp", "registry tls", "registry auth", "subject", "compatibility"}
	cases := []struct {
		name      string
		config    string
		args      []string
		wantOK    []string // checks that must pass
		wantFail  string   // the first failing check; "" when all pass
		wantCode  int
		wantInOut string
	}{
		{name: "all good", config: c.path(embedded.FileConfig), wantOK: allChecks, wantInOut: "client certificate accepted"},
		{name: "JKS stores", config: c.path(embedded.FileConfigJKS), wantOK: allChecks, wantInOut: "from tls.keystore"},
		{name: "SASL over TLS", config: c.variant(t, "sasl.toml", withSASL("alice-secret")...), wantOK: append([]string{"kafka sasl"}, allChecks...),
			wantInOut: `user "alice" authenticated with SCRAM-SHA-512`},
		{name: "SASL rejected", config: c.variant(t, "sasl-bad.toml", withSASL("wrong")...), wantOK: []string{"kafka tls", "registry auth"},
			wantFail: "kafka sasl", wantCode: doctor.ExitAuth, wantInOut: "check kafka.sasl_username and kafka.sasl_password"},
		{name: "unknown CA", config: c.variant(t, "ca.toml", "ca_file = 'trustStore.pem'", "ca_file = '"+stranger+"'"), wantOK: []string{"kafka tcp", "registry tls"},
			wantFail: "kafka tls", wantCode: doctor.ExitTLS, wantInOut: "set project.ca_file or tls.truststore"},
		{name: "no such topic", config: c.path(embedded.FileConfig), args: []string{"--topic", "nope"}, wantOK: []string{"kafka metadata", "group"},
			wantFail: "topic", wantCode: doctor.ExitKafka, wantInOut: "check kafka.topic"},
		{name: "no such subject", config: c.variant(t, "subject.toml", "schema = 'sensor'", "schema = 'nope'"), wantOK: []string{"registry auth"},
			wantFail: "subject", wantCode: doctor.ExitRegistry, wantInOut: "kafkaplot produce --register"},
		{name: "registry unreachable", config: c.variant(t, "registry.toml", "url = '"+c.registry+"'", "url = '127.0.0.1:"+closedPort+"'"), wantOK: []string{"topic"},
			wantFail: "registry tcp", wantCode: doctor.ExitNetwork, wantInOut: "check hops.url and its port"},
		{name: "registry from an unknown CA", config: c.variant(t, "verify-ca.toml", "verify = 'trustStore.pem'", "verify = '"+stranger+"'"), wantOK: []string{"topic", "registry tcp"},
			wantFail: "registry tls", wantCode: doctor.ExitTLS, wantInOut: "set hops.verify to the registry's CA file"},
		{name: "registry not verified", config: c.variant(t, "verify.toml", "verify = 'trustStore.pem'", "verify = false"), wantOK: []string{"registry auth", "subject"},
			wantInOut: "! registry tls"},
		{name: "broken config", config: c.variant(t, "broken.toml", "[kafka]", "[kafka]\nprot = 1"),
			wantFail: "config", wantCode: doctor.ExitConfig, wantInOut: "unknown key kafka.prot"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), append([]string{"doctor", "-c", tc.config, "--timeout", "2s"}, tc.args...), &out, &errOut)
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
			var derr *doctor.Error
			if !errors.As(err, &derr) || derr.First != tc.wantFail || derr.ExitCode() != tc.wantCode {
				t.Fatalf("got %v; want the first failure %s, exit %d:\n%s", err, tc.wantFail, tc.wantCode, text)
			}
			if !regexp.MustCompile(`(?m)^✗ ` + regexp.QuoteMeta(tc.wantFail) + ` `).MatchString(text) {
				t.Errorf("no ✗ %s line:\n%s", tc.wantFail, text)
			}
			for _, secret := range []string{c.r.KeyPassword, c.r.StorePassword, c.r.APIKey, "alice-secret"} {
				if strings.Contains(text+errOut.String(), secret) {
					t.Errorf("output shows a secret:\n%s", text)
				}
			}
		})
	}
}
