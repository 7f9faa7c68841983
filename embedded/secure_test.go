package embedded_test

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/embedded/certs"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// pki is a CA with server and client certificates, and a stranger CA with
// its own client certificate, made once.
type pki struct {
	ca, stranger           *certs.Authority
	server, client, outlaw tlsfiles.KeyPair
}

var sharedPKI = sync.OnceValues(func() (pki, error) {
	var p pki
	now := time.Now()
	ca := func(name string) (*certs.Authority, error) {
		key, err := certs.NewKey(rand.Reader, certs.ECDSAP256)
		if err != nil {
			return nil, err
		}
		return certs.NewAuthority(rand.Reader, name, key, now.Add(-time.Hour), now.Add(time.Hour))
	}
	issue := func(a *certs.Authority, tmpl certs.Template) (tlsfiles.KeyPair, error) {
		key, err := certs.NewKey(rand.Reader, certs.ECDSAP256)
		if err != nil {
			return tlsfiles.KeyPair{}, err
		}
		tmpl.NotBefore, tmpl.NotAfter = now.Add(-time.Hour), now.Add(time.Hour)
		return a.Issue(rand.Reader, tmpl, key)
	}
	var err error
	if p.ca, err = ca("cluster CA"); err != nil {
		return p, err
	}
	if p.stranger, err = ca("stranger CA"); err != nil {
		return p, err
	}
	if p.server, err = issue(p.ca, certs.Template{CommonName: "localhost", DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, Server: true}); err != nil {
		return p, err
	}
	if p.client, err = issue(p.ca, certs.Template{CommonName: "client", Client: true}); err != nil {
		return p, err
	}
	p.outlaw, err = issue(p.stranger, certs.Template{CommonName: "outlaw", Client: true})
	return p, err
})

func getPKI(t *testing.T) pki {
	t.Helper()
	p, err := sharedPKI()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (p pki) serverTLS() *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{p.server.TLSCertificate()},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    tlsfiles.Pool([]*x509.Certificate{p.ca.Cert}),
		MinVersion:   tls.VersionTLS12,
	}
}

func (p pki) clientTLS(kp *tlsfiles.KeyPair, roots *certs.Authority) *tls.Config {
	tc := &tls.Config{RootCAs: tlsfiles.Pool([]*x509.Certificate{roots.Cert}), MinVersion: tls.VersionTLS12}
	if kp != nil {
		cert := kp.TLSCertificate()
		tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }
	}
	return tc
}

func startSecure(t *testing.T, cfg embedded.Config) *embedded.Cluster {
	t.Helper()
	cfg.BrokerAddr, cfg.RegistryAddr = testsupport.FreeAddr(t), testsupport.FreeAddr(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e, err := embedded.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func TestProbeMutualTLS(t *testing.T) {
	p := getPKI(t)
	secure := startSecure(t, embedded.Config{TLS: p.serverTLS()})
	plain := startSecure(t, embedded.Config{})
	cases := []struct {
		name          string
		broker        string
		tls           *tls.Config
		wantStage     string // empty: success
		wantPeerTLS   bool
		wantPlaintext bool
		wantSent      bool
	}{
		{name: "client certificate accepted", broker: secure.BrokerAddr(), tls: p.clientTLS(&p.client, p.ca), wantSent: true},
		{name: "no client certificate", broker: secure.BrokerAddr(), tls: p.clientTLS(nil, p.ca), wantStage: stream.StageTLS},
		{name: "client certificate from another CA", broker: secure.BrokerAddr(), tls: p.clientTLS(&p.outlaw, p.ca), wantStage: stream.StageTLS, wantSent: true},
		{name: "server from an unknown CA", broker: secure.BrokerAddr(), tls: p.clientTLS(&p.client, p.stranger), wantStage: stream.StageTLS},
		{name: "plaintext client, TLS broker", broker: secure.BrokerAddr(), wantStage: stream.StageAPI, wantPeerTLS: true},
		{name: "TLS client, plaintext broker", broker: plain.BrokerAddr(), tls: p.clientTLS(&p.client, p.ca), wantStage: stream.StageTLS, wantPlaintext: true},
		{name: "nobody listening", broker: testsupport.FreeAddr(t), tls: p.clientTLS(&p.client, p.ca), wantStage: stream.StageTCP},
		{name: "unknown host", broker: "no-such-host.invalid:9092", wantStage: stream.StageDNS},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn := stream.Connection{Brokers: []string{c.broker}, TLS: c.tls, DialTimeout: time.Second}
			got, err := conn.Probe(context.Background(), c.broker)
			if c.wantStage == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got.TLS == nil || got.APIs == 0 || !got.ClientCertificateRequested || got.ClientCertificateSent != c.wantSent {
					t.Errorf("probe %+v: want TLS, APIs, a certificate request", got)
				}
				if leaf := got.TLS.PeerCertificates[0]; !leaf.Equal(p.server.Leaf) {
					t.Errorf("server certificate %s", leaf.Subject)
				}
				return
			}
			var pe *stream.ProbeError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a stream.ProbeError", err)
			}
			if pe.Stage != c.wantStage || pe.PeerTLS != c.wantPeerTLS || pe.PeerPlaintext != c.wantPlaintext || pe.ClientCertificateSent != c.wantSent {
				t.Errorf("got stage %s, peer TLS %v, peer plaintext %v, sent %v (%v); want %s, %v, %v, %v",
					pe.Stage, pe.PeerTLS, pe.PeerPlaintext, pe.ClientCertificateSent, pe.Err, c.wantStage, c.wantPeerTLS, c.wantPlaintext, c.wantSent)
			}
		})
	}
}

func TestSASL(t *testing.T) {
	users := []stream.SASLUser{
		{Mechanism: stream.SASLPlain, Username: "alice", Password: "alice-secret"},
		{Mechanism: stream.SASLSCRAMSHA256, Username: "bob", Password: "bob-secret"},
		{Mechanism: stream.SASLSCRAMSHA512, Username: "carol", Password: "carol-secret"},
	}
	p := getPKI(t)
	plain := startSecure(t, embedded.Config{SASLUsers: users})
	overTLS := startSecure(t, embedded.Config{SASLUsers: users, TLS: p.serverTLS()})
	for _, u := range users {
		for _, e := range []struct {
			name string
			emb  *embedded.Cluster
			tls  *tls.Config
		}{{"SASL_PLAINTEXT", plain, nil}, {"SASL_SSL", overTLS, p.clientTLS(&p.client, p.ca)}} {
			t.Run(e.name+" "+u.Mechanism, func(t *testing.T) {
				mech, err := stream.NewSASL(strings.ToLower(u.Mechanism), u.Username, u.Password)
				if err != nil {
					t.Fatal(err)
				}
				conn := stream.Connection{Brokers: []string{e.emb.BrokerAddr()}, TLS: e.tls, SASL: mech, DialTimeout: 2 * time.Second}
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				if _, err := conn.Probe(ctx, e.emb.BrokerAddr()); err != nil {
					t.Fatal(err)
				}
				prod, err := stream.NewProducer(ctx, stream.ProducerConfig{Conn: conn, Topic: e.emb.Topic()})
				if err != nil {
					t.Fatal(err)
				}
				defer prod.Close()
				if _, err := prod.Send(ctx, []stream.Message{{Key: []byte(u.Username), Value: []byte("v")}}, nil); err != nil {
					t.Fatal(err)
				}
				r := kafka.NewReader(kafka.ReaderConfig{Brokers: conn.Brokers, Dialer: conn.Dialer(), Topic: e.emb.Topic(), Partition: stream.PartitionFor([]byte(u.Username), 2), MaxWait: 100 * time.Millisecond})
				defer r.Close()
				if err := r.SetOffset(kafka.FirstOffset); err != nil {
					t.Fatal(err)
				}
				for {
					m, err := r.ReadMessage(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if string(m.Key) == u.Username {
						break
					}
				}

				wrong, err := stream.NewSASL(u.Mechanism, u.Username, "wrong-"+u.Password)
				if err != nil {
					t.Fatal(err)
				}
				conn.SASL = wrong
				_, err = conn.Probe(ctx, e.emb.BrokerAddr())
				var pe *stream.ProbeError
				if !errors.As(err, &pe) || pe.Stage != stream.StageSASL || !errors.Is(err, kafka.SASLAuthenticationFailed) {
					t.Fatalf("wrong password: got %v, want a SASL stage failure", err)
				}
				if strings.Contains(err.Error(), u.Password) {
					t.Errorf("error shows the password: %v", err)
				}
			})
		}
	}
	t.Run("no SASL against a SASL broker", func(t *testing.T) {
		conn := stream.Connection{Brokers: []string{plain.BrokerAddr()}, DialTimeout: time.Second}
		_, err := conn.Probe(context.Background(), plain.BrokerAddr())
		var pe *stream.ProbeError
		if !errors.As(err, &pe) || pe.Stage != stream.StageAPI {
			t.Fatalf("got %v, want an API stage failure", err)
		}
	})
	t.Run("unknown mechanism", func(t *testing.T) {
		if _, err := stream.NewSASL("GSSAPI", "u", "p"); err == nil || !strings.Contains(err.Error(), "GSSAPI") {
			t.Fatalf("got %v", err)
		}
	})
}

// TestHopsworksRegistry checks the embedded registry in its Hopsworks 2.x
// shape, on the wire and through schema.Client.
func TestHopsworksRegistry(t *testing.T) {
	p := getPKI(t)
	const base, key = "/hopsworks-api/api/project/1143/kafka", "K97n09yskcBuuFyO.secret"
	e := startSecure(t, embedded.Config{
		RegistryTLS:      &tls.Config{Certificates: []tls.Certificate{p.server.TLSCertificate()}, MinVersion: tls.VersionTLS12},
		RegistryBasePath: base,
		RegistryAPIKey:   key,
	})
	if !strings.HasPrefix(e.RegistryURL(), "https://127.0.0.1:") || !strings.HasSuffix(e.RegistryURL(), base) {
		t.Fatalf("registry URL %s", e.RegistryURL())
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: p.clientTLS(nil, p.ca)}, Timeout: 5 * time.Second}
	raw := func(method, path, auth, contentType, body string) (int, string, string) {
		t.Helper()
		req, err := http.NewRequest(method, e.RegistryURL()+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}
	wire := []struct {
		name, method, path, auth, contentType, body string
		wantStatus                                  int
		wantType, wantBody                          string
	}{
		{"no API key", "GET", "/subjects", "", "", "", 401, "application/json", `"errorCode":200003`},
		{"wrong API key", "GET", "/subjects", "ApiKey nope", "", "", 401, "application/json", "Invalid API key"},
		{"basic auth instead", "GET", "/subjects", "Basic YTpi", "", "", 401, "application/json", "Invalid API key"},
		{"plain-text subject list", "GET", "/subjects", "ApiKey " + key, "", "", 200, "text/plain", "[sensor]"},
		{"plain-text version list", "GET", "/subjects/sensor/versions", "ApiKey " + key, "", "", 200, "text/plain", "[1]"},
		{"latest is JSON", "GET", "/subjects/sensor/versions/latest", "ApiKey " + key, "", "", 200, "", `"subject":"sensor"`},
		{"registry content type refused", "POST", "/subjects/x/versions", "ApiKey " + key, "application/vnd.schemaregistry.v1+json", `{"schema":"\"string\""}`, 415, "text/html", "Unsupported Media Type"},
		{"application/json accepted", "POST", "/subjects/x/versions", "ApiKey " + key, "application/json; charset=utf-8", `{"schema":"\"string\""}`, 200, "", `"id":`},
		{"incompatible is 40901", "POST", "/subjects/x/versions", "ApiKey " + key, "application/json", `{"schema":"\"int\""}`, 409, "", `"error_code":40901`},
	}
	for _, c := range wire {
		t.Run(c.name, func(t *testing.T) {
			status, ct, body := raw(c.method, c.path, c.auth, c.contentType, c.body)
			if status != c.wantStatus || !strings.HasPrefix(ct, c.wantType) || !strings.Contains(body, c.wantBody) {
				t.Errorf("%s %s: %d %s %q; want %d %s containing %q", c.method, c.path, status, ct, body, c.wantStatus, c.wantType, c.wantBody)
			}
		})
	}
	t.Run("outside the base path", func(t *testing.T) {
		req, _ := http.NewRequest("GET", strings.TrimSuffix(e.RegistryURL(), base)+"/subjects", nil)
		req.Header.Set("Authorization", "ApiKey "+key)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("status %d, want 404", resp.StatusCode)
		}
	})
	t.Run("schema client handles it", func(t *testing.T) {
		ctx := context.Background()
		client, err := schema.NewClient(e.RegistryURL(), schema.WithAPIKey(key), schema.WithHTTPClient(hc))
		if err != nil {
			t.Fatal(err)
		}
		subjects, err := client.Subjects(ctx)
		if err != nil || !strings.Contains(strings.Join(subjects, ","), "sensor") {
			t.Fatalf("subjects %v, %v", subjects, err)
		}
		if _, err := client.Register(ctx, "y", `"string"`); err != nil {
			t.Fatalf("register through the 415: %v", err)
		}
		if _, err := client.Register(ctx, "y", `"int"`); !schema.IsIncompatible(err) {
			t.Fatalf("incompatible schema: %v", err)
		}
		anonymous, err := schema.NewClient(e.RegistryURL(), schema.WithHTTPClient(hc))
		if err != nil {
			t.Fatal(err)
		}
		var ae *schema.APIError
		if _, err := anonymous.Latest(ctx, "sensor"); !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized {
			t.Fatalf("without the key: %v", err)
		}
	})
}

// TestProbeTransport checks Probe's first steps alone, as doctor takes them
// to the registry: they stop after the TLS handshake.
func TestProbeTransport(t *testing.T) {
	p := getPKI(t)
	e := startSecure(t, embedded.Config{RegistryTLS: &tls.Config{Certificates: []tls.Certificate{p.server.TLSCertificate()}, MinVersion: tls.VersionTLS12}})
	registry := strings.TrimSuffix(strings.TrimPrefix(e.RegistryURL(), "https://"), "/")
	for _, c := range []struct {
		name      string
		addr      string
		tls       *tls.Config
		wantStage string // empty: success
	}{
		{name: "TLS handshake", addr: registry, tls: p.clientTLS(nil, p.ca)},
		{name: "TCP only", addr: registry},
		{name: "server from an unknown CA", addr: registry, tls: p.clientTLS(nil, p.stranger), wantStage: stream.StageTLS},
		{name: "nobody listening", addr: testsupport.FreeAddr(t), wantStage: stream.StageTCP},
		{name: "unknown host", addr: "no-such-host.invalid:443", wantStage: stream.StageDNS},
	} {
		t.Run(c.name, func(t *testing.T) {
			conn := stream.Connection{TLS: c.tls, DialTimeout: 2 * time.Second}
			got, err := conn.ProbeTransport(context.Background(), c.addr)
			if c.wantStage == "" {
				if err != nil {
					t.Fatal(err)
				}
				if (c.tls != nil) != (got.TLS != nil) || len(got.Addrs) == 0 || got.APIs != 0 {
					t.Errorf("probe %+v: want addresses, TLS only when asked, no Kafka request", got)
				}
				return
			}
			var pe *stream.ProbeError
			if !errors.As(err, &pe) || pe.Stage != c.wantStage {
				t.Fatalf("error %v, want a ProbeError at stage %s", err, c.wantStage)
			}
		})
	}
}

// TestHopsworksRegistryConfluentType checks that RegistryAcceptsConfluentType
// turns off the emulated 415 for the registry content type, and only for it.
func TestHopsworksRegistryConfluentType(t *testing.T) {
	p := getPKI(t)
	const base, key = "/hopsworks-api/api/project/1143/kafka", "K97n09yskcBuuFyO.secret"
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: p.clientTLS(nil, p.ca)}, Timeout: 5 * time.Second}
	for _, tc := range []struct {
		name        string
		accept      bool
		contentType string
		wantStatus  int
	}{
		{"emulated: registry type refused", false, "application/vnd.schemaregistry.v1+json", http.StatusUnsupportedMediaType},
		{"turned off: registry type accepted", true, "application/vnd.schemaregistry.v1+json", http.StatusOK},
		{"turned off: application/json accepted", true, "application/json", http.StatusOK},
		{"turned off: other types still refused", true, "text/plain", http.StatusUnsupportedMediaType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := startSecure(t, embedded.Config{
				RegistryTLS:                  &tls.Config{Certificates: []tls.Certificate{p.server.TLSCertificate()}, MinVersion: tls.VersionTLS12},
				RegistryBasePath:             base,
				RegistryAPIKey:               key,
				RegistryAcceptsConfluentType: tc.accept,
			})
			req, err := http.NewRequest(http.MethodPost, e.RegistryURL()+"/subjects/x/versions", strings.NewReader(`{"schema":"\"string\""}`))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "ApiKey "+key)
			req.Header.Set("Content-Type", tc.contentType)
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("POST as %s: %d, want %d", tc.contentType, resp.StatusCode, tc.wantStatus)
			}
		})
	}
}
