package connect

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/embedded/certs"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/internal/testsupport/rehearsal"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// settingsFor wraps a configuration as a command resolves it.
func settingsFor(cfg config.Config, warn *bytes.Buffer) Settings {
	s := New(cfg, "test")
	s.Warn, s.DialTimeout, s.RequestTimeout = warn, time.Second, time.Second
	return s
}

// connectAndProduce opens the configured connection (which probes the
// broker) and produces one record through it.
func connectAndProduce(t *testing.T, s Settings) error {
	t.Helper()
	conn, err := s.Connection(context.Background())
	if err != nil {
		return err
	}
	return rehearsal.ProduceOne(conn, s.Cfg.Kafka.Topic)
}

// TestSecureFormatsConnect proves every credential format connects to the
// mutual-TLS broker, and the registry accepts the API key.
func TestSecureFormatsConnect(t *testing.T) {
	t.Parallel()
	c := rehearsal.Start(t)
	const pw = "pem-pass-phrase"
	client := testsupport.IssueClient(t, c.R.CA, "Kafka_Tutorial__meb10001", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	p12, err := tlsfiles.EncodePKCS12Keystore(rand.Reader, client, []byte(c.R.StorePassword))
	if err != nil {
		t.Fatal(err)
	}
	p12Trust, err := tlsfiles.EncodePKCS12Truststore(rand.Reader, []*x509.Certificate{c.R.CA.Cert}, []byte(c.R.StorePassword))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"cert":      testsupport.WriteFile(t, c.Path("client.pem"), testsupport.CertsPEM(client.Leaf, c.R.CA.Cert)),
		"plain":     testsupport.WriteFile(t, c.Path("client.key"), testsupport.KeyPEM(t, client)),
		"legacy":    testsupport.WriteFile(t, c.Path("legacy.key"), testsupport.LegacyKeyPEM(t, client, pw)),
		"pkcs8":     testsupport.WriteFile(t, c.Path("pkcs8.key"), testsupport.PKCS8KeyPEM(t, client, pw)),
		"p12":       testsupport.WriteFile(t, c.Path("keyStore.p12"), p12),
		"p12 trust": testsupport.WriteFile(t, c.Path("trustStore.p12"), p12Trust),
	}
	pemCase := func(key, password string) func(*config.Config) {
		return func(cfg *config.Config) {
			cfg.Project.CertificateFile, cfg.Project.KeyFile, cfg.Project.KeyPassword = files["cert"], files[key], password
		}
	}
	cases := []struct {
		name   string
		config string
		change func(*config.Config)
	}{
		{"tutorial config.toml: combined PEM, PKCS#8-encrypted key", embedded.FileConfig, nil},
		{"stores config: JKS keystore and truststore", embedded.FileConfigJKS, nil},
		{"PEM, plain key", embedded.FileConfig, pemCase("plain", "")},
		{"PEM, legacy-encrypted key", embedded.FileConfig, pemCase("legacy", pw)},
		{"PEM, PKCS#8-encrypted key", embedded.FileConfig, pemCase("pkcs8", pw)},
		{"PKCS#12 keystore and truststore", embedded.FileConfigJKS, func(cfg *config.Config) {
			cfg.TLS.Keystore, cfg.TLS.Truststore = files["p12"], files["p12 trust"]
		}},
		{"PEM keystore in tls.keystore", embedded.FileConfigJKS, func(cfg *config.Config) {
			cfg.TLS.Keystore, cfg.TLS.KeystorePassword = c.Path(embedded.FileKeyStorePEM), c.R.KeyPassword
			cfg.TLS.Truststore = c.Path(embedded.FileTrustStorePEM)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := c.Config(t, tc.config)
			if tc.change != nil {
				tc.change(&cfg)
			}
			var warn bytes.Buffer
			s := settingsFor(cfg, &warn)
			if err := connectAndProduce(t, s); err != nil {
				t.Fatal(err)
			}
			reg, err := s.RegistryClient(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := reg.Latest(context.Background(), "sensor"); err != nil {
				t.Fatal(err)
			}
			if warn.Len() > 0 {
				t.Errorf("unexpected warning: %s", warn.String())
			}
		})
	}
}

// TestSecureFailures gives each failure its own one-line message naming
// the setting (or file) to fix, and never a secret.
func TestSecureFailures(t *testing.T) {
	t.Parallel()
	c := rehearsal.Start(t)
	now := time.Now()
	stranger := testsupport.NewCA(t, "stranger CA")
	mine := testsupport.IssueClient(t, c.R.CA, "mine", now.Add(-time.Hour), now.Add(time.Hour))
	expired := testsupport.IssueClient(t, c.R.CA, "expired", now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	future := testsupport.IssueClient(t, c.R.CA, "future", now.Add(24*time.Hour), now.Add(48*time.Hour))
	outlaw := testsupport.IssueClient(t, stranger, "outlaw", now.Add(-time.Hour), now.Add(time.Hour))
	p12, err := tlsfiles.EncodePKCS12Keystore(rand.Reader, mine, []byte(c.R.StorePassword))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"mine cert":    testsupport.WriteFile(t, c.Path("mine.pem"), testsupport.CertsPEM(mine.Leaf)),
		"outlaw":       testsupport.WriteFile(t, c.Path("outlaw.pem"), append(testsupport.CertsPEM(outlaw.Leaf), testsupport.KeyPEM(t, outlaw)...)),
		"expired":      testsupport.WriteFile(t, c.Path("expired.pem"), append(testsupport.CertsPEM(expired.Leaf), testsupport.KeyPEM(t, expired)...)),
		"future":       testsupport.WriteFile(t, c.Path("future.pem"), append(testsupport.CertsPEM(future.Leaf), testsupport.KeyPEM(t, future)...)),
		"stranger CA":  testsupport.WriteFile(t, c.Path("stranger-ca.pem"), testsupport.CertsPEM(stranger.Cert)),
		"keyStore.p12": testsupport.WriteFile(t, c.Path("keyStore.p12"), p12),
	}

	// Other brokers: plaintext, SASL, and TLS with a certificate that
	// names another host.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := func(cfg embedded.Config) *embedded.Cluster {
		cfg.BrokerAddr, cfg.RegistryAddr = testsupport.FreeAddr(t), testsupport.FreeAddr(t)
		e, err := embedded.Start(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.Close() })
		return e
	}
	plain := start(embedded.Config{})
	withSASL := start(embedded.Config{SASLUsers: []stream.SASLUser{{Mechanism: "SCRAM-SHA-256", Username: "alice", Password: "alice-sasl-secret"}}})
	elsewhereKey, _ := certs.NewKey(rand.Reader, certs.ECDSAP256)
	elsewhere, err := c.R.CA.Issue(rand.Reader, certs.Template{CommonName: "broker", DNSNames: []string{"broker.internal"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), Server: true}, elsewhereKey)
	if err != nil {
		t.Fatal(err)
	}
	otherHost := start(embedded.Config{TLS: &tls.Config{Certificates: []tls.Certificate{elsewhere.TLSCertificate()}, MinVersion: tls.VersionTLS12}})
	forbidden := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"errorCode":160000,"errorMsg":"Client not authorized for this invocation."}`)
	}))
	defer forbidden.Close()
	silent := testsupport.SilentListener(t)

	secrets := []string{c.R.StorePassword, c.R.KeyPassword, c.R.APIKey, "alice-sasl-secret", "wrong-sasl-secret", "wrong-store-secret", "wrong-pem-secret", "wrong-api-key"}
	tutorial := func(change func(*config.Config)) func(*rehearsal.Cluster) config.Config {
		return func(c *rehearsal.Cluster) config.Config {
			cfg := c.Config(t, embedded.FileConfig)
			change(&cfg)
			return cfg
		}
	}
	stores := func(change func(*config.Config)) func(*rehearsal.Cluster) config.Config {
		return func(c *rehearsal.Cluster) config.Config {
			cfg := c.Config(t, embedded.FileConfigJKS)
			change(&cfg)
			return cfg
		}
	}
	brokers := func(cfg *config.Config, protocol string, addr string) {
		cfg.Kafka.SecurityProtocol, cfg.Kafka.Brokers = protocol, []string{addr}
	}
	cases := []struct {
		name     string
		cfg      func(*rehearsal.Cluster) config.Config
		registry bool     // the failure is the registry's
		want     []string // in the message, in order
	}{
		{"missing file", tutorial(func(cfg *config.Config) { cfg.Project.CertificateFile = c.Path("nope.pem") }),
			false, []string{"project.certificate_file: ", "nope.pem: no such file"}},
		{"wrong PEM key password", tutorial(func(cfg *config.Config) { cfg.Project.KeyPassword = "wrong-pem-secret" }),
			false, []string{"project.key_password: ", "keyStore.pem", "wrong password"}},
		{"wrong JKS password", stores(func(cfg *config.Config) { cfg.TLS.KeystorePassword = "wrong-store-secret" }),
			false, []string{"tls.keystore_password: ", "keyStore.jks", "wrong password"}},
		{"wrong PKCS#12 password", stores(func(cfg *config.Config) {
			cfg.TLS.Keystore, cfg.TLS.KeystorePassword = files["keyStore.p12"], "wrong-store-secret"
		}), false, []string{"tls.keystore_password: ", "keyStore.p12", "wrong password"}},
		{"key not matching certificate", tutorial(func(cfg *config.Config) { cfg.Project.CertificateFile = files["mine cert"] }),
			false, []string{"project.key_file: ", "keyStore.pem", "does not match the certificate", "CN=mine", "mine.pem"}},
		{"certificate expired", tutorial(func(cfg *config.Config) {
			cfg.Project.CertificateFile, cfg.Project.KeyFile = files["expired"], files["expired"]
		}), false, []string{"project.certificate_file: ", "expired.pem", "certificate expired"}},
		{"certificate not yet valid", tutorial(func(cfg *config.Config) {
			cfg.Project.CertificateFile, cfg.Project.KeyFile = files["future"], files["future"]
		}), false, []string{"project.certificate_file: ", "future.pem", "not yet valid"}},
		{"unknown CA", tutorial(func(cfg *config.Config) { cfg.Project.CAFile = files["stranger CA"] }),
			false, []string{"kafka broker ", "server certificate \"CN=localhost", "not a CA in project.ca_file", "stranger-ca.pem", "set project.ca_file or tls.truststore"}},
		{"client certificate refused", tutorial(func(cfg *config.Config) {
			cfg.Project.CertificateFile, cfg.Project.KeyFile = files["outlaw"], files["outlaw"]
		}), false, []string{"refused the client certificate \"CN=outlaw", "project.certificate_file", "outlaw.pem"}},
		{"no client certificate", tutorial(func(cfg *config.Config) { cfg.Project.CertificateFile, cfg.Project.KeyFile = "", "" }),
			false, []string{"requires a client certificate", "set tls.keystore, or project.certificate_file and project.key_file"}},
		{"server speaks plaintext", tutorial(func(cfg *config.Config) { brokers(cfg, config.ProtocolSSL, plain.BrokerAddr()) }),
			false, []string{"does not speak TLS", "set kafka.security_protocol = PLAINTEXT"}},
		{"client speaks plaintext", tutorial(func(cfg *config.Config) { brokers(cfg, config.ProtocolPlaintext, c.Broker) }),
			false, []string{"speaks TLS, but kafka.security_protocol is PLAINTEXT", "set kafka.security_protocol = SSL"}},
		{"host name mismatch", tutorial(func(cfg *config.Config) { brokers(cfg, config.ProtocolSSL, otherHost.BrokerAddr()) }),
			false, []string{"server certificate is for broker.internal, not 127.0.0.1", "set tls.skip_hostname_verification = true"}},
		{"wrong port", tutorial(func(cfg *config.Config) { _, cfg.Kafka.Port, _ = net.SplitHostPort(testsupport.FreeAddr(t)) }),
			false, []string{"cannot connect", "check hops.url and kafka.port"}},
		{"SASL rejected", tutorial(func(cfg *config.Config) {
			brokers(cfg, config.ProtocolSASLPlaintext, withSASL.BrokerAddr())
			cfg.Kafka.SASLMechanism, cfg.Kafka.SASLUsername, cfg.Kafka.SASLPassword = "SCRAM-SHA-256", "alice", "wrong-sasl-secret"
		}), false, []string{"rejected SASL SCRAM-SHA-256 authentication of user \"alice\"", "check kafka.sasl_username and kafka.sasl_password"}},
		{"SASL missing", tutorial(func(cfg *config.Config) { brokers(cfg, config.ProtocolPlaintext, withSASL.BrokerAddr()) }),
			false, []string{"closed the connection on the first request", "kafka.security_protocol = SASL_SSL or SASL_PLAINTEXT"}},
		{"broker never answers", tutorial(func(cfg *config.Config) { brokers(cfg, config.ProtocolPlaintext, silent) }),
			false, []string{"kafka broker " + silent, "took the connection but answered nothing within 1s", "check kafka.brokers (-b)"}},
		{"HTTP on the broker port", tutorial(func(cfg *config.Config) {
			brokers(cfg, config.ProtocolPlaintext, strings.TrimPrefix(plain.RegistryURL(), "http://"))
		}), false, []string{"answers HTTP, not Kafka", "check kafka.brokers (-b)", "registry.url or --registry"}},
		{"registry never answers", tutorial(func(cfg *config.Config) { cfg.Registry.URL = "http://" + silent }),
			true, []string{"registry http://" + silent, "took the connection but answered nothing within 1s", "check registry.url (--registry)"}},
		{"registry on a broker port", tutorial(func(cfg *config.Config) { cfg.Registry.URL = "http://" + plain.BrokerAddr() }),
			true, []string{"registry http://" + plain.BrokerAddr(), "check registry.url (--registry)"}},
		{"registry 401", tutorial(func(cfg *config.Config) { cfg.API.Key = "wrong-api-key" }),
			true, []string{"registry https://", "refused the API key from api.key (401", "check api.key (or KAFKAPLOT_API_KEY)"}},
		{"registry 401 without a key", tutorial(func(cfg *config.Config) { cfg.API.Key, cfg.API.KeyFile = "", "" }),
			true, []string{"refused a request without credentials (401", "set api.key or api.key_file"}},
		{"registry 403", tutorial(func(cfg *config.Config) { cfg.Registry.URL = forbidden.URL }),
			true, []string{"may not read project 1143's schemas (403", "member of the project"}},
		{"registry unknown CA", tutorial(func(cfg *config.Config) { cfg.Hops.Verify = config.Verify{Enabled: true, CAFile: files["stranger CA"]} }),
			true, []string{"registry https://", "not a CA in hops.verify", "stranger-ca.pem", "set hops.verify to the registry's CA file"}},
		{"registry speaks HTTP", tutorial(func(cfg *config.Config) { cfg.Registry.URL = "https://" + plain.RegistryURL()[len("http://"):] }),
			true, []string{"speaks plain HTTP, not HTTPS", "use http:// in registry.url"}},
	}
	seen := map[string]string{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var warn bytes.Buffer
			s := settingsFor(tc.cfg(c), &warn)
			var err error
			if tc.registry {
				_, err = s.RegistryClient(context.Background())
			} else {
				_, err = s.Connection(context.Background())
			}
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			rest := msg
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("error %q: lacks %q (in order %q)", msg, w, tc.want)
				}
				rest = rest[i+len(w):]
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			for _, secret := range secrets {
				if strings.Contains(msg, secret) {
					t.Errorf("error shows a secret: %q", msg)
				}
			}
			if other, dup := seen[msg]; dup {
				t.Errorf("same message as %q: %q", other, msg)
			}
			seen[msg] = tc.name
		})
	}
	t.Run("host name mismatch with skip_hostname_verification", func(t *testing.T) {
		cfg := c.Config(t, embedded.FileConfig)
		brokers(&cfg, config.ProtocolSSL, otherHost.BrokerAddr())
		cfg.TLS.InsecureSkipHostname = true
		var warn bytes.Buffer
		if _, err := settingsFor(cfg, &warn).Connection(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// TestSASLConnections connects with each SASL mechanism, over plaintext and
// over TLS, and produces.
func TestSASLConnections(t *testing.T) {
	t.Parallel()
	c := rehearsal.Start(t)
	users := []stream.SASLUser{
		{Mechanism: "PLAIN", Username: "plain-user", Password: "p1"},
		{Mechanism: "SCRAM-SHA-256", Username: "scram256-user", Password: "p2"},
		{Mechanism: "SCRAM-SHA-512", Username: "scram512-user", Password: "p3"},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	plainAddr, tlsAddr := testsupport.FreeAddr(t), testsupport.FreeAddr(t)
	for _, cfg := range []embedded.Config{
		{BrokerAddr: plainAddr, RegistryAddr: testsupport.FreeAddr(t), SASLUsers: users},
		{BrokerAddr: tlsAddr, RegistryAddr: testsupport.FreeAddr(t), SASLUsers: users, TLS: &tls.Config{Certificates: []tls.Certificate{c.R.Server.TLSCertificate()}, MinVersion: tls.VersionTLS12}},
	} {
		e, err := embedded.Start(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.Close() })
	}
	for _, u := range users {
		for _, protocol := range []string{config.ProtocolSASLPlaintext, config.ProtocolSASLSSL} {
			t.Run(protocol+" "+u.Mechanism, func(t *testing.T) {
				cfg := c.Config(t, embedded.FileConfig)
				cfg.Kafka.SecurityProtocol = protocol
				cfg.Kafka.Brokers = []string{plainAddr}
				if protocol == config.ProtocolSASLSSL {
					// One-way TLS with SASL, as Confluent Cloud: no client certificate.
					cfg.Kafka.Brokers = []string{tlsAddr}
					cfg.Project.CertificateFile, cfg.Project.KeyFile = "", ""
				}
				cfg.Kafka.SASLMechanism, cfg.Kafka.SASLUsername, cfg.Kafka.SASLPassword = u.Mechanism, u.Username, u.Password
				if err := cfg.Validate(); err != nil {
					t.Fatal(err)
				}
				var warn bytes.Buffer
				if err := connectAndProduce(t, settingsFor(cfg, &warn)); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestRegistryVerifyFalseWarnsOnce checks hops.verify = false: the
// registry answers, and the warning is printed once however often the
// client is built.
func TestRegistryVerifyFalseWarnsOnce(t *testing.T) {
	t.Parallel()
	c := rehearsal.Start(t)
	cfg := c.Config(t, embedded.FileConfig)
	cfg.Hops.Verify = config.Verify{Enabled: false}
	var warn bytes.Buffer
	s := settingsFor(cfg, &warn)
	for range 3 {
		if _, err := s.RegistryClient(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if got := strings.Count(warn.String(), "hops.verify = false"); got != 1 {
		t.Errorf("warned %d times, want once:\n%s", got, warn.String())
	}
}

// TestSecretsFromEnvironment resolves the tutorial's config with its
// secrets from KAFKAPLOT_* variables: they override the file, connect, and
// appear in no error.
func TestSecretsFromEnvironment(t *testing.T) {
	t.Parallel()
	c := rehearsal.Start(t)
	data, err := os.ReadFile(c.Path(embedded.FileConfig))
	if err != nil {
		t.Fatal(err)
	}
	// The file holds no secret: key password and API key come from the environment.
	stripped := strings.NewReplacer("key_password = '"+c.R.KeyPassword+"'", "key_password = 'see-environment'", "key = '"+c.R.APIKey+"'", "", "key_file = 'apiKeyFile'", "").Replace(string(data))
	if strings.Contains(stripped, c.R.APIKey) || strings.Contains(stripped, c.R.KeyPassword) {
		t.Fatalf("the stripped configuration still holds a secret:\n%s", stripped)
	}
	path := testsupport.WriteFile(t, c.Path("env.toml"), []byte(stripped))
	cases := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"secrets from the environment", map[string]string{"KAFKAPLOT_PROJECT_KEY_PASSWORD": c.R.KeyPassword, "KAFKAPLOT_API_KEY": c.R.APIKey}, ""},
		{"wrong key password from the environment", map[string]string{"KAFKAPLOT_PROJECT_KEY_PASSWORD": "env-wrong-secret", "KAFKAPLOT_API_KEY": c.R.APIKey}, "project.key_password: "},
		{"wrong API key from the environment", map[string]string{"KAFKAPLOT_PROJECT_KEY_PASSWORD": c.R.KeyPassword, "KAFKAPLOT_API_KEY": "env-wrong-api-key"}, "refused the API key from api.key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Resolve(Options{ConfigFile: path}, func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			if err != nil {
				t.Fatal(err)
			}
			var warn bytes.Buffer
			s.Warn, s.DialTimeout = &warn, time.Second
			if _, err = s.Connection(context.Background()); err == nil {
				_, err = s.RegistryClient(context.Background())
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatal(err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("got %v, want an error with %q", err, tc.wantErr)
			}
			if err != nil {
				for _, v := range tc.env {
					if strings.Contains(err.Error(), v) {
						t.Errorf("error shows the secret %q: %v", v, err)
					}
				}
			}
		})
	}
}

// TestRegistryDownAtStart: a registry that does not answer yet is not a
// configuration error; the commands wait for it as they do mid-run.
func TestRegistryDownAtStart(t *testing.T) {
	cfg := config.Default()
	cfg.Kafka.Brokers = []string{"127.0.0.1:9"}
	cfg.Registry.URL = "http://" + testsupport.FreeAddr(t)
	var warn bytes.Buffer
	client, err := settingsFor(cfg, &warn).RegistryClient(context.Background())
	if err != nil || client == nil {
		t.Fatalf("got %v, %v; want a client", client, err)
	}
}

// TestRegistryBasicAuth: registry.username and registry.password reach the
// registry as basic auth (Confluent Cloud); a refusal names them.
func TestRegistryBasicAuth(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "SRKEY" || p != "sr-secret" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error_code":401,"message":"Unauthorized"}`)
			return
		}
		fmt.Fprint(w, `{"subject":"temperature-value","version":3,"id":100042,"schema":"\"string\""}`)
	}))
	defer srv.Close()
	ca := testsupport.WriteFile(t, filepath.Join(t.TempDir(), "ca.pem"), testsupport.CertsPEM(srv.Certificate()))
	cases := []struct {
		name, password, wantErr string
	}{
		{"accepted", "sr-secret", ""},
		{"refused", "wrong-secret", `refused basic auth as "SRKEY" (401 Unauthorized); check registry.username and registry.password`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Kafka.Brokers = []string{"127.0.0.1:9"}
			cfg.Registry = config.Registry{URL: srv.URL, Username: "SRKEY", Password: tc.password, SubjectStrategy: config.SubjectTopicName}
			cfg.Hops.Verify = config.Verify{Enabled: true, CAFile: ca}
			var warn bytes.Buffer
			client, err := settingsFor(cfg, &warn).RegistryClient(context.Background())
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got, err := client.Latest(context.Background(), "temperature-value"); err != nil || got.ID != 100042 {
					t.Fatalf("latest %+v, %v", got, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), tc.password) {
				t.Fatalf("got %v, want %q without the password", err, tc.wantErr)
			}
		})
	}
}
