package certs

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"net"
	"testing"
	"time"
)

func TestIssue(t *testing.T) {
	now := time.Now()
	caKey, err := NewKey(rand.Reader, ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := NewAuthority(rand.Reader, "test CA", caKey, now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !ca.Cert.IsCA || ca.Cert.Subject.CommonName != "test CA" {
		t.Fatalf("CA certificate %+v", ca.Cert.Subject)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	cases := []struct {
		name     string
		tmpl     Template
		usage    x509.ExtKeyUsage
		host     string
		wantFail bool
	}{
		{"server", Template{CommonName: "localhost", DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, Server: true}, x509.ExtKeyUsageServerAuth, "127.0.0.1", false},
		{"client", Template{CommonName: "Kafka_Tutorial__meb10000", Client: true}, x509.ExtKeyUsageClientAuth, "", false},
		{"no usage", Template{CommonName: "x"}, 0, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key, err := NewKey(rand.Reader, ECDSAP256)
			if err != nil {
				t.Fatal(err)
			}
			c.tmpl.NotBefore, c.tmpl.NotAfter = now.Add(-time.Minute), now.Add(time.Minute)
			kp, err := ca.Issue(rand.Reader, c.tmpl, key)
			if c.wantFail {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := kp.Leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: c.host, KeyUsages: []x509.ExtKeyUsage{c.usage}}); err != nil {
				t.Fatal(err)
			}
			if len(kp.Chain) != 1 || !kp.Chain[0].Equal(ca.Cert) || kp.Leaf.Subject.CommonName != c.tmpl.CommonName {
				t.Errorf("chain %v, subject %s", kp.Chain, kp.Leaf.Subject)
			}
		})
	}
	t.Run("sign a request", func(t *testing.T) {
		key, err := NewKey(rand.Reader, RSA2048)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := key.(*rsa.PrivateKey); !ok {
			t.Fatalf("RSA2048 gave %T", key)
		}
		csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "from keytool"}}, key)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := ca.SignRequest(rand.Reader, csr, now.Add(-time.Minute), now.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if cert.Subject.CommonName != "from keytool" || !cert.PublicKey.(*rsa.PublicKey).Equal(key.Public()) {
			t.Errorf("signed %s with another key", cert.Subject)
		}
		if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
			t.Fatal(err)
		}
		if _, err := ca.SignRequest(rand.Reader, csr[:len(csr)-3], now, now.Add(time.Minute)); err == nil {
			t.Error("a truncated request was signed")
		}
	})
}
