package config

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/embedded/certs"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// tlsMaterial is a CA with two client certificates and an expired one, made
// once for all tests.
type tlsMaterial struct {
	ca                     *certs.Authority
	client, other, expired tlsfiles.KeyPair
}

var sharedTLS = sync.OnceValues(func() (tlsMaterial, error) {
	var m tlsMaterial
	now := time.Now()
	newCA := func(name string) (*certs.Authority, error) {
		key, err := certs.NewKey(rand.Reader, certs.ECDSAP256)
		if err != nil {
			return nil, err
		}
		return certs.NewAuthority(rand.Reader, name, key, now.Add(-time.Hour), now.Add(time.Hour))
	}
	issue := func(ca *certs.Authority, tmpl certs.Template) (tlsfiles.KeyPair, error) {
		key, err := certs.NewKey(rand.Reader, certs.ECDSAP256)
		if err != nil {
			return tlsfiles.KeyPair{}, err
		}
		if tmpl.NotBefore.IsZero() {
			tmpl.NotBefore, tmpl.NotAfter = now.Add(-time.Hour), now.Add(time.Hour)
		}
		return ca.Issue(rand.Reader, tmpl, key)
	}
	var err error
	if m.ca, err = newCA("project CA"); err != nil {
		return m, err
	}
	if m.client, err = issue(m.ca, certs.Template{CommonName: "Kafka_Tutorial__meb10000", Client: true}); err != nil {
		return m, err
	}
	if m.other, err = issue(m.ca, certs.Template{CommonName: "someone else", Client: true}); err != nil {
		return m, err
	}
	m.expired, err = issue(m.ca, certs.Template{CommonName: "expired", Client: true, NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-24 * time.Hour)})
	return m, err
})

func getTLS(t *testing.T) tlsMaterial {
	t.Helper()
	m, err := sharedTLS()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// credentialFiles writes every form of the test credentials into dir.
type credentialFiles struct {
	dir                                string
	keyStorePEM, trustStorePEM         string // the tutorial's conversion output
	certPEM, keyPEM                    string
	keyStoreJKS, trustStoreJKS         string
	keyStoreP12, trustStoreP12         string
	otherCertPEM, expiredPEM           string
	expiredKeyStore                    string
	keyPassword, storePassword, secret string
}

func writeCredentials(t *testing.T) credentialFiles {
	t.Helper()
	m := getTLS(t)
	dir := t.TempDir()
	f := credentialFiles{dir: dir, keyPassword: "asdf123-key-secret", storePassword: "MQJNW833YNBR9C0OZYGBGAB09P2PP4H5"}
	path := func(name string) string { return filepath.Join(dir, name) }
	ks, err := tlsfiles.EncodePEMKeystore(rand.Reader, m.client, []byte(f.keyPassword), "kafka_tutorial__meb10000")
	if err != nil {
		t.Fatal(err)
	}
	f.keyStorePEM = testsupport.WriteFile(t, path("keyStore.pem"), ks)
	f.trustStorePEM = testsupport.WriteFile(t, path("trustStore.pem"), tlsfiles.EncodePEMCertificates([]*x509.Certificate{m.ca.Cert}, "hops_root_ca"))
	f.certPEM = testsupport.WriteFile(t, path("client.pem"), testsupport.CertsPEM(m.client.Leaf, m.ca.Cert))
	f.keyPEM = testsupport.WriteFile(t, path("client.key"), testsupport.KeyPEM(t, m.client))
	f.otherCertPEM = testsupport.WriteFile(t, path("other.pem"), testsupport.CertsPEM(m.other.Leaf))
	f.expiredPEM = testsupport.WriteFile(t, path("expired.pem"), append(testsupport.CertsPEM(m.expired.Leaf), testsupport.KeyPEM(t, m.expired)...))
	jks, err := tlsfiles.EncodeJKSKeystore(rand.Reader, "kafka_tutorial__meb10000", m.client, []byte(f.storePassword), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.keyStoreJKS = testsupport.WriteFile(t, path("keyStore.jks"), jks)
	trust, err := tlsfiles.EncodeJKSTruststore("hops_root_ca", []*x509.Certificate{m.ca.Cert}, []byte(f.storePassword), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.trustStoreJKS = testsupport.WriteFile(t, path("trustStore.jks"), trust)
	p12, err := tlsfiles.EncodePKCS12Keystore(rand.Reader, m.client, []byte(f.storePassword))
	if err != nil {
		t.Fatal(err)
	}
	f.keyStoreP12 = testsupport.WriteFile(t, path("keyStore.p12"), p12)
	p12Trust, err := tlsfiles.EncodePKCS12Truststore(rand.Reader, []*x509.Certificate{m.ca.Cert}, []byte(f.storePassword))
	if err != nil {
		t.Fatal(err)
	}
	f.trustStoreP12 = testsupport.WriteFile(t, path("trustStore.p12"), p12Trust)
	expiredJKS, err := tlsfiles.EncodeJKSKeystore(rand.Reader, "old", m.expired, []byte(f.storePassword), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f.expiredKeyStore = testsupport.WriteFile(t, path("expired.jks"), expiredJKS)
	return f
}

func TestKafkaTLS(t *testing.T) {
	m := getTLS(t)
	f := writeCredentials(t)
	tutorial := func() Config {
		c := Default()
		c.Hops.URL = "127.0.0.1"
		c.Kafka.SecurityProtocol = ProtocolSSL
		c.Project = Project{ID: "1143", CAFile: f.trustStorePEM, CertificateFile: f.keyStorePEM, KeyFile: f.keyStorePEM, KeyPassword: f.keyPassword}
		return c
	}
	jks := func() Config {
		c := Default()
		c.Kafka.Brokers = []string{"127.0.0.1:9093"}
		c.Kafka.SecurityProtocol = ProtocolSSL
		c.TLS = TLS{Keystore: f.keyStoreJKS, KeystorePassword: f.storePassword, Truststore: f.trustStoreJKS, TruststorePassword: f.storePassword}
		return c
	}
	cases := []struct {
		name     string
		cfg      func() Config
		wantKey  string // the setting the error names; empty for success
		wantText string // more of the error
		wantCert string // the setting the client certificate came from
		wantCA   string // the setting the roots came from
		skipHost bool
	}{
		{name: "tutorial PEM files", cfg: tutorial, wantCert: "project.certificate_file", wantCA: "project.ca_file"},
		{name: "separate certificate and key", cfg: func() Config {
			c := tutorial()
			c.Project.CertificateFile, c.Project.KeyFile, c.Project.KeyPassword = f.certPEM, f.keyPEM, ""
			return c
		}, wantCert: "project.certificate_file", wantCA: "project.ca_file"},
		{name: "JKS stores", cfg: jks, wantCert: "tls.keystore", wantCA: "tls.truststore"},
		{name: "PKCS#12 stores", cfg: func() Config {
			c := jks()
			c.TLS.Keystore, c.TLS.Truststore = f.keyStoreP12, f.trustStoreP12
			return c
		}, wantCert: "tls.keystore", wantCA: "tls.truststore"},
		{name: "truststore password defaults to the keystore's", cfg: func() Config {
			c := jks()
			c.TLS.TruststorePassword = ""
			return c
		}, wantCert: "tls.keystore", wantCA: "tls.truststore"},
		{name: "stores win over PEM files", cfg: func() Config {
			c := tutorial()
			c.TLS = jks().TLS
			return c
		}, wantCert: "tls.keystore", wantCA: "tls.truststore"},
		{name: "no client certificate, system roots", cfg: func() Config {
			c := Default()
			c.Kafka.Brokers = []string{"kafka.example:9093"}
			c.Kafka.SecurityProtocol = ProtocolSASLSSL
			return c
		}},
		{name: "skip hostname verification", cfg: func() Config {
			c := tutorial()
			c.TLS.InsecureSkipHostname = true
			return c
		}, wantCert: "project.certificate_file", wantCA: "project.ca_file", skipHost: true},

		{name: "missing certificate file", cfg: func() Config {
			c := tutorial()
			c.Project.CertificateFile = filepath.Join(f.dir, "nope.pem")
			return c
		}, wantKey: "project.certificate_file", wantText: "nope.pem: no such file"},
		{name: "missing key file", cfg: func() Config {
			c := tutorial()
			c.Project.CertificateFile, c.Project.KeyFile = f.certPEM, filepath.Join(f.dir, "nope.key")
			return c
		}, wantKey: "project.key_file", wantText: "nope.key: no such file"},
		{name: "key file without certificate file", cfg: func() Config {
			c := tutorial()
			c.Project.CertificateFile = ""
			return c
		}, wantKey: "project.certificate_file", wantText: "required"},
		{name: "missing CA file", cfg: func() Config {
			c := tutorial()
			c.Project.CAFile = filepath.Join(f.dir, "nope-ca.pem")
			return c
		}, wantKey: "project.ca_file", wantText: "nope-ca.pem: no such file"},
		{name: "wrong key password", cfg: func() Config {
			c := tutorial()
			c.Project.KeyPassword = "not-it"
			return c
		}, wantKey: "project.key_password", wantText: "keyStore.pem: encrypted private key: wrong password"},
		{name: "no key password", cfg: func() Config {
			c := tutorial()
			c.Project.KeyPassword = ""
			return c
		}, wantKey: "project.key_password", wantText: "no password is set"},
		{name: "key not matching certificate", cfg: func() Config {
			c := tutorial()
			c.Project.CertificateFile, c.Project.KeyFile, c.Project.KeyPassword = f.otherCertPEM, f.keyPEM, ""
			return c
		}, wantKey: "project.key_file", wantText: "client.key: private key does not match the certificate \"CN=someone else"},
		{name: "expired certificate", cfg: func() Config {
			c := tutorial()
			c.Project.CertificateFile, c.Project.KeyFile, c.Project.KeyPassword = f.expiredPEM, f.expiredPEM, ""
			return c
		}, wantKey: "project.certificate_file", wantText: "expired.pem: certificate expired"},
		{name: "expired certificate in keystore", cfg: func() Config {
			c := jks()
			c.TLS.Keystore = f.expiredKeyStore
			return c
		}, wantKey: "tls.keystore", wantText: "expired.jks: certificate expired"},
		{name: "wrong keystore password", cfg: func() Config {
			c := jks()
			c.TLS.KeystorePassword = "wrong-store-secret"
			return c
		}, wantKey: "tls.keystore_password", wantText: "keyStore.jks: JKS store: wrong password"},
		{name: "wrong PKCS#12 password", cfg: func() Config {
			c := jks()
			c.TLS.Keystore, c.TLS.KeystorePassword = f.keyStoreP12, "wrong-store-secret"
			return c
		}, wantKey: "tls.keystore_password", wantText: "keyStore.p12: PKCS#12 store: wrong password"},
		{name: "wrong truststore password", cfg: func() Config {
			c := jks()
			c.TLS.TruststorePassword = "wrong-trust-secret"
			return c
		}, wantKey: "tls.truststore_password", wantText: "trustStore.jks: JKS store: wrong password"},
		{name: "missing keystore", cfg: func() Config {
			c := jks()
			c.TLS.Keystore = filepath.Join(f.dir, "gone.jks")
			return c
		}, wantKey: "tls.keystore", wantText: "gone.jks: no such file"},
		{name: "truststore given as keystore", cfg: func() Config {
			c := jks()
			c.TLS.Keystore = f.trustStoreJKS
			return c
		}, wantKey: "tls.keystore", wantText: "no private key found (is it a truststore?)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg()
			tc, info, err := cfg.KafkaTLS().Load(time.Now())
			if c.wantKey != "" {
				var se *tlsfiles.SettingError
				if !errors.As(err, &se) || se.Setting != c.wantKey {
					t.Fatalf("error %v: want one naming %s", err, c.wantKey)
				}
				msg := err.Error()
				if !strings.HasPrefix(msg, c.wantKey+": ") || !strings.Contains(msg, c.wantText) {
					t.Errorf("error %q: want %q… containing %q", msg, c.wantKey+": ", c.wantText)
				}
				if strings.Contains(msg, "\n") {
					t.Errorf("error is not one line: %q", msg)
				}
				for _, secret := range []string{f.keyPassword, f.storePassword, "wrong-store-secret", "wrong-trust-secret", "not-it"} {
					if strings.Contains(msg, secret) {
						t.Errorf("error shows a password: %q", msg)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc == nil || tc.MinVersion != tls.VersionTLS12 {
				t.Fatalf("config %+v", tc)
			}
			if info.CertificateSetting != c.wantCert || info.RootsSetting != c.wantCA {
				t.Errorf("certificate from %q, roots from %q; want %q and %q", info.CertificateSetting, info.RootsSetting, c.wantCert, c.wantCA)
			}
			if c.wantCert != "" {
				got, err := tc.GetClientCertificate(&tls.CertificateRequestInfo{})
				if err != nil || got.Leaf == nil || !got.Leaf.Equal(m.client.Leaf) {
					t.Errorf("client certificate %v, %v; want the project's", got, err)
				}
			} else if tc.GetClientCertificate != nil {
				t.Error("a client certificate without one configured")
			}
			if c.wantCA != "" && (len(info.Roots) != 1 || !info.Roots[0].Equal(m.ca.Cert)) {
				t.Errorf("roots %v, want the project CA", info.Roots)
			}
			if info.SkipHostname != c.skipHost || tc.InsecureSkipVerify != c.skipHost || (tc.VerifyConnection != nil) != c.skipHost {
				t.Errorf("skip hostname %v, InsecureSkipVerify %v; want %v with a chain check", info.SkipHostname, tc.InsecureSkipVerify, c.skipHost)
			}
		})
	}
	t.Run("plaintext needs none", func(t *testing.T) {
		cfg := tutorial()
		cfg.Kafka.SecurityProtocol = ProtocolSASLPlaintext
		cfg.Project.CertificateFile = "/nonexistent"
		tc, _, err := cfg.KafkaTLS().Load(time.Now())
		if tc != nil || err != nil {
			t.Fatalf("got %v, %v; want no TLS and no file read", tc, err)
		}
	})
}

func TestRegistryTLS(t *testing.T) {
	f := writeCredentials(t)
	hops := func(v Verify) Config {
		c := Default()
		c.Hops = Hops{URL: "127.0.0.1:8181", Verify: v}
		c.Project.ID = "1143"
		return c
	}
	cases := []struct {
		name         string
		cfg          Config
		wantNil      bool
		wantInsecure bool
		wantRoots    int
		wantKey      string
	}{
		{name: "verify true uses the system roots", cfg: hops(Verify{Enabled: true})},
		{name: "verify false", cfg: hops(Verify{}), wantInsecure: true},
		{name: "verify a PEM CA file", cfg: hops(Verify{Enabled: true, CAFile: f.trustStorePEM}), wantRoots: 1},
		{name: "verify a JKS truststore", cfg: func() Config {
			c := hops(Verify{Enabled: true, CAFile: f.trustStoreJKS})
			c.TLS.TruststorePassword = f.storePassword
			return c
		}(), wantRoots: 1},
		{name: "verify a missing file", cfg: hops(Verify{Enabled: true, CAFile: filepath.Join(f.dir, "none.pem")}), wantKey: "hops.verify"},
		{name: "verify a file without certificates", cfg: hops(Verify{Enabled: true, CAFile: f.keyPEM}), wantKey: "hops.verify"},
		{name: "http registry needs none", cfg: func() Config {
			c := Default()
			c.Registry.URL = "http://127.0.0.1:8081"
			return c
		}(), wantNil: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tc, info, err := c.cfg.RegistryTLS().Load(time.Now())
			if c.wantKey != "" {
				var se *tlsfiles.SettingError
				if !errors.As(err, &se) || se.Setting != c.wantKey {
					t.Fatalf("error %v: want one naming %s", err, c.wantKey)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.wantNil {
				if tc != nil {
					t.Fatal("TLS for an http registry")
				}
				return
			}
			if tc.InsecureSkipVerify != c.wantInsecure || info.Insecure != c.wantInsecure {
				t.Errorf("insecure %v/%v, want %v", tc.InsecureSkipVerify, info.Insecure, c.wantInsecure)
			}
			if len(info.Roots) != c.wantRoots || (c.wantRoots > 0) != (tc.RootCAs != nil) {
				t.Errorf("%d roots (pool %v), want %d", len(info.Roots), tc.RootCAs != nil, c.wantRoots)
			}
		})
	}
}
