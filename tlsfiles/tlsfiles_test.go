package tlsfiles_test

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/embedded/certs"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// material is a CA, a client key pair it signed, and a stranger's key pair;
// a server certificate for broker.internal, and a CA that signed none of them.
type material struct {
	ca       *certs.Authority
	client   tlsfiles.KeyPair
	other    tlsfiles.KeyPair // signed by the same CA, another key
	expired  tlsfiles.KeyPair
	server   tlsfiles.KeyPair
	stranger *certs.Authority
}

// The material is made once: key generation dominates these tests.
var sharedMaterial = sync.OnceValues(func() (material, error) {
	now := time.Now()
	caKey, err := certs.NewKey(rand.Reader, certs.ECDSAP256)
	if err != nil {
		return material{}, err
	}
	ca, err := certs.NewAuthority(rand.Reader, "test CA", caKey, now.Add(-time.Hour), now.Add(24*time.Hour))
	if err != nil {
		return material{}, err
	}
	issue := func(name string, from, to time.Time) (tlsfiles.KeyPair, error) {
		key, err := certs.NewKey(rand.Reader, certs.ECDSAP256)
		if err != nil {
			return tlsfiles.KeyPair{}, err
		}
		return ca.Issue(rand.Reader, certs.Template{CommonName: name, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: from, NotAfter: to, Client: true}, key)
	}
	m := material{ca: ca}
	if m.client, err = issue("client", now.Add(-time.Hour), now.Add(time.Hour)); err != nil {
		return m, err
	}
	if m.other, err = issue("other", now.Add(-time.Hour), now.Add(time.Hour)); err != nil {
		return m, err
	}
	if m.expired, err = issue("expired", now.Add(-2*time.Hour), now.Add(-time.Hour)); err != nil {
		return m, err
	}
	serverKey, err := certs.NewKey(rand.Reader, certs.ECDSAP256)
	if err != nil {
		return m, err
	}
	if m.server, err = ca.Issue(rand.Reader, certs.Template{CommonName: "broker", DNSNames: []string{"broker.internal"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), Server: true}, serverKey); err != nil {
		return m, err
	}
	strangerKey, err := certs.NewKey(rand.Reader, certs.ECDSAP256)
	if err != nil {
		return m, err
	}
	m.stranger, err = certs.NewAuthority(rand.Reader, "stranger CA", strangerKey, now.Add(-time.Hour), now.Add(time.Hour))
	return m, err
})

func getMaterial(t *testing.T) material {
	t.Helper()
	m, err := sharedMaterial()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestLoadKeyPair(t *testing.T) {
	m := getMaterial(t)
	dir := t.TempDir()
	const pw = "asdf123"
	combined, err := tlsfiles.EncodePEMKeystore(rand.Reader, m.client, []byte(pw), "kafka_tutorial__meb10000")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"cert":          testsupport.WriteFile(t, filepath.Join(dir, "cert.pem"), testsupport.CertsPEM(m.client.Leaf, m.ca.Cert)),
		"ca first":      testsupport.WriteFile(t, filepath.Join(dir, "cafirst.pem"), testsupport.CertsPEM(m.ca.Cert, m.client.Leaf)),
		"other cert":    testsupport.WriteFile(t, filepath.Join(dir, "other.pem"), testsupport.CertsPEM(m.other.Leaf)),
		"plain key":     testsupport.WriteFile(t, filepath.Join(dir, "key.pem"), testsupport.KeyPEM(t, m.client)),
		"legacy key":    testsupport.WriteFile(t, filepath.Join(dir, "legacy.pem"), testsupport.LegacyKeyPEM(t, m.client, pw)),
		"pkcs8 key":     testsupport.WriteFile(t, filepath.Join(dir, "pkcs8.pem"), testsupport.PKCS8KeyPEM(t, m.client, pw)),
		"combined":      testsupport.WriteFile(t, filepath.Join(dir, "keyStore.pem"), combined),
		"key then cert": testsupport.WriteFile(t, filepath.Join(dir, "keycert.pem"), append(testsupport.KeyPEM(t, m.client), testsupport.CertsPEM(m.client.Leaf)...)),
		"two keys":      testsupport.WriteFile(t, filepath.Join(dir, "twokeys.pem"), append(testsupport.KeyPEM(t, m.client), testsupport.KeyPEM(t, m.other)...)),
		"empty":         testsupport.WriteFile(t, filepath.Join(dir, "empty.pem"), nil),
		"not pem":       testsupport.WriteFile(t, filepath.Join(dir, "keyStore.jks"), []byte{0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2}),
		"missing":       filepath.Join(dir, "missing.pem"),
	}
	cases := []struct {
		name       string
		cert, key  string
		password   string
		wantErr    error
		wantPath   string // the file the error must name
		wantChain  int
		wantInText string
	}{
		{name: "plain", cert: "cert", key: "plain key", wantChain: 1},
		{name: "plain key with a password set", cert: "cert", key: "plain key", password: pw, wantChain: 1},
		{name: "legacy encrypted", cert: "cert", key: "legacy key", password: pw, wantChain: 1},
		{name: "PKCS#8 encrypted", cert: "cert", key: "pkcs8 key", password: pw, wantChain: 1},
		{name: "combined file as openssl writes it", cert: "combined", key: "combined", password: pw, wantChain: 1},
		{name: "key before certificate", cert: "key then cert", key: "key then cert"},
		{name: "leaf after CA", cert: "ca first", key: "plain key", wantChain: 1},
		{name: "legacy wrong password", cert: "cert", key: "legacy key", password: "nope", wantErr: tlsfiles.ErrWrongPassword, wantPath: "legacy key"},
		{name: "PKCS#8 wrong password", cert: "cert", key: "pkcs8 key", password: "nope", wantErr: tlsfiles.ErrWrongPassword, wantPath: "pkcs8 key"},
		{name: "combined wrong password", cert: "combined", key: "combined", password: "nope", wantErr: tlsfiles.ErrWrongPassword, wantPath: "combined"},
		{name: "no password for encrypted key", cert: "cert", key: "pkcs8 key", wantErr: tlsfiles.ErrPasswordRequired, wantPath: "pkcs8 key"},
		{name: "no password for legacy key", cert: "cert", key: "legacy key", wantErr: tlsfiles.ErrPasswordRequired, wantPath: "legacy key", wantInText: "AES-256-CBC"},
		{name: "key of another certificate", cert: "other cert", key: "plain key", wantErr: tlsfiles.ErrKeyMismatch, wantPath: "plain key", wantInText: "CN=other"},
		{name: "no key in file", cert: "cert", key: "cert", wantErr: tlsfiles.ErrNoKey, wantPath: "cert"},
		{name: "no certificate in file", cert: "plain key", key: "plain key", wantErr: tlsfiles.ErrNoCertificate, wantPath: "plain key"},
		{name: "two keys", cert: "cert", key: "two keys", wantPath: "two keys", wantInText: "more than one private key"},
		{name: "missing certificate file", cert: "missing", key: "plain key", wantErr: fs.ErrNotExist, wantPath: "missing"},
		{name: "missing key file", cert: "cert", key: "missing", wantErr: fs.ErrNotExist, wantPath: "missing"},
		{name: "empty key file", cert: "cert", key: "empty", wantPath: "empty", wantInText: "file is empty"},
		{name: "JKS given as PEM", cert: "not pem", key: "plain key", wantErr: tlsfiles.ErrUnsupported, wantPath: "not pem", wantInText: "tls.keystore"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kp, err := tlsfiles.LoadKeyPair(files[c.cert], files[c.key], []byte(c.password))
			if c.wantPath == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !kp.Leaf.Equal(m.client.Leaf) {
					t.Errorf("leaf is %s, want the client certificate", kp.Leaf.Subject)
				}
				if len(kp.Chain) != c.wantChain {
					t.Errorf("chain of %d certificates, want %d", len(kp.Chain), c.wantChain)
				}
				tc := kp.TLSCertificate()
				if len(tc.Certificate) != 1+c.wantChain || !bytes.Equal(tc.Certificate[0], m.client.Leaf.Raw) {
					t.Error("tls.Certificate does not start with the leaf")
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if c.wantErr != nil && !errors.Is(err, c.wantErr) {
				t.Errorf("error %q does not wrap %q", err, c.wantErr)
			}
			if !strings.Contains(err.Error(), files[c.wantPath]) {
				t.Errorf("error %q does not name %s", err, files[c.wantPath])
			}
			if !strings.Contains(err.Error(), c.wantInText) {
				t.Errorf("error %q lacks %q", err, c.wantInText)
			}
			if c.password != "" && strings.Contains(err.Error(), c.password) {
				t.Errorf("error %q shows the password", err)
			}
			if strings.Count(err.Error(), "\n") > 0 {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestKeystoresAndTruststores(t *testing.T) {
	m := getMaterial(t)
	dir := t.TempDir()
	const pw = "MQJNW833YNBR9C0OZYGBGAB09P2PP4H5EHIALGWIT98I2PNSPTIXFCEI72FT0VLE"
	created := time.Now()
	jks, err := tlsfiles.EncodeJKSKeystore(rand.Reader, "kafka_tutorial__meb10000", m.client, []byte(pw), created)
	if err != nil {
		t.Fatal(err)
	}
	jksTrust, err := tlsfiles.EncodeJKSTruststore("hops_root_ca", []*x509.Certificate{m.ca.Cert}, []byte(pw), created)
	if err != nil {
		t.Fatal(err)
	}
	p12, err := tlsfiles.EncodePKCS12Keystore(rand.Reader, m.client, []byte(pw))
	if err != nil {
		t.Fatal(err)
	}
	p12Trust, err := tlsfiles.EncodePKCS12Truststore(rand.Reader, []*x509.Certificate{m.ca.Cert}, []byte(pw))
	if err != nil {
		t.Fatal(err)
	}
	pemStore, err := tlsfiles.EncodePEMKeystore(rand.Reader, m.client, []byte(pw), "alias")
	if err != nil {
		t.Fatal(err)
	}
	// Names lie on purpose: the format comes from the content.
	files := map[string]string{
		"jks":       testsupport.WriteFile(t, filepath.Join(dir, "keyStore.p12"), jks),
		"jks trust": testsupport.WriteFile(t, filepath.Join(dir, "trustStore.p12"), jksTrust),
		"p12":       testsupport.WriteFile(t, filepath.Join(dir, "keyStore.jks"), p12),
		"p12 trust": testsupport.WriteFile(t, filepath.Join(dir, "trustStore.jks"), p12Trust),
		"pem":       testsupport.WriteFile(t, filepath.Join(dir, "keyStore.pem"), pemStore),
		"pem trust": testsupport.WriteFile(t, filepath.Join(dir, "trustStore.pem"), tlsfiles.EncodePEMCertificates([]*x509.Certificate{m.ca.Cert}, "hops_root_ca")),
		// openssl x509 -trustout: the certificate followed by its trust settings.
		"pem trusted": testsupport.WriteFile(t, filepath.Join(dir, "trusted.pem"), pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: append(bytes.Clone(m.ca.Cert.Raw), 0x30, 0x0c, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01)})),
		"garbage":     testsupport.WriteFile(t, filepath.Join(dir, "garbage.bin"), []byte("\x00\x01 not a store")),
		"jceks":       testsupport.WriteFile(t, filepath.Join(dir, "store.jceks"), []byte{0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2}),
	}
	t.Run("keystore", func(t *testing.T) {
		cases := []struct {
			name       string
			file       string
			password   string
			wantFormat tlsfiles.Format
			wantErr    error
			wantInText string
		}{
			{name: "JKS", file: "jks", password: pw, wantFormat: tlsfiles.FormatJKS},
			{name: "PKCS#12", file: "p12", password: pw, wantFormat: tlsfiles.FormatPKCS12},
			{name: "PEM", file: "pem", password: pw, wantFormat: tlsfiles.FormatPEM},
			{name: "JKS wrong password", file: "jks", password: "x", wantFormat: tlsfiles.FormatJKS, wantErr: tlsfiles.ErrWrongPassword},
			{name: "JKS no password", file: "jks", wantFormat: tlsfiles.FormatJKS, wantErr: tlsfiles.ErrPasswordRequired},
			{name: "PKCS#12 wrong password", file: "p12", password: "x", wantFormat: tlsfiles.FormatPKCS12, wantErr: tlsfiles.ErrWrongPassword},
			{name: "PEM wrong password", file: "pem", password: "x", wantFormat: tlsfiles.FormatPEM, wantErr: tlsfiles.ErrWrongPassword},
			{name: "JKS truststore as keystore", file: "jks trust", password: pw, wantFormat: tlsfiles.FormatJKS, wantErr: tlsfiles.ErrNoKey, wantInText: "truststore"},
			{name: "PKCS#12 truststore as keystore", file: "p12 trust", password: pw, wantFormat: tlsfiles.FormatPKCS12, wantInText: "truststore"},
			{name: "garbage", file: "garbage", wantErr: tlsfiles.ErrUnsupported},
			{name: "JCEKS", file: "jceks", wantFormat: tlsfiles.FormatJCEKS, wantErr: tlsfiles.ErrUnsupported, wantInText: "JCEKS"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				kp, format, err := tlsfiles.LoadKeystore(files[c.file], []byte(c.password))
				if format != c.wantFormat {
					t.Errorf("format %s, want %s", format, c.wantFormat)
				}
				if c.wantErr == nil && c.wantInText == "" {
					if err != nil {
						t.Fatal(err)
					}
					if !kp.Leaf.Equal(m.client.Leaf) || len(kp.Chain) != 1 || !kp.Chain[0].Equal(m.ca.Cert) {
						t.Errorf("got leaf %s and %d chain certificates", kp.Leaf.Subject, len(kp.Chain))
					}
					return
				}
				if err == nil {
					t.Fatal("no error")
				}
				if c.wantErr != nil && !errors.Is(err, c.wantErr) {
					t.Errorf("error %q does not wrap %q", err, c.wantErr)
				}
				if !strings.Contains(err.Error(), c.wantInText) || !strings.Contains(err.Error(), files[c.file]) {
					t.Errorf("error %q lacks %q or the file name", err, c.wantInText)
				}
				if strings.Contains(err.Error(), pw) {
					t.Errorf("error shows the password: %q", err)
				}
			})
		}
	})
	t.Run("truststore", func(t *testing.T) {
		cases := []struct {
			name       string
			file       string
			password   string
			wantFormat tlsfiles.Format
			wantErr    error
			wantInText string
		}{
			{name: "JKS", file: "jks trust", password: pw, wantFormat: tlsfiles.FormatJKS},
			{name: "PKCS#12", file: "p12 trust", password: pw, wantFormat: tlsfiles.FormatPKCS12},
			{name: "PEM with bag attributes", file: "pem trust", wantFormat: tlsfiles.FormatPEM},
			{name: "PEM trusted certificate", file: "pem trusted", wantFormat: tlsfiles.FormatPEM},
			{name: "JKS wrong password", file: "jks trust", password: "x", wantFormat: tlsfiles.FormatJKS, wantErr: tlsfiles.ErrWrongPassword},
			{name: "PKCS#12 wrong password", file: "p12 trust", password: "x", wantFormat: tlsfiles.FormatPKCS12, wantErr: tlsfiles.ErrWrongPassword},
			{name: "JKS keystore as truststore", file: "jks", password: pw, wantFormat: tlsfiles.FormatJKS, wantErr: tlsfiles.ErrNoCertificate, wantInText: "keystore"},
			{name: "PKCS#12 keystore as truststore", file: "p12", password: pw, wantFormat: tlsfiles.FormatPKCS12, wantErr: tlsfiles.ErrUnsupported},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, format, err := tlsfiles.LoadCertificates(files[c.file], []byte(c.password))
				if format != c.wantFormat {
					t.Errorf("format %s, want %s", format, c.wantFormat)
				}
				if c.wantErr == nil {
					if err != nil {
						t.Fatal(err)
					}
					if len(got) != 1 || !got[0].Equal(m.ca.Cert) {
						t.Errorf("got %d certificates, want the CA", len(got))
					}
					return
				}
				if !errors.Is(err, c.wantErr) || !strings.Contains(err.Error(), c.wantInText) || !strings.Contains(err.Error(), files[c.file]) {
					t.Errorf("error %v: want %q wrapping %q naming the file", err, c.wantInText, c.wantErr)
				}
			})
		}
	})
}

func TestCheckValidity(t *testing.T) {
	m := getMaterial(t)
	now := time.Now()
	cases := []struct {
		name string
		cert *x509.Certificate
		at   time.Time
		want error
	}{
		{"valid", m.client.Leaf, now, nil},
		{"expired", m.expired.Leaf, now, tlsfiles.ErrExpired},
		{"not yet valid", m.client.Leaf, now.Add(-3 * time.Hour), tlsfiles.ErrNotYetValid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := tlsfiles.CheckValidity(c.cert, c.at)
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			if err != nil && !strings.Contains(err.Error(), c.cert.Subject.CommonName) {
				t.Errorf("error %q does not name the certificate", err)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want tlsfiles.Format
	}{
		{"pem with text before", []byte("Bag Attributes\n-----BEGIN CERTIFICATE-----\n"), tlsfiles.FormatPEM},
		{"jks", []byte{0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2}, tlsfiles.FormatJKS},
		{"jceks", []byte{0xce, 0xce, 0xce, 0xce}, tlsfiles.FormatJCEKS},
		{"der certificate is not a store", getMaterial(t).ca.Cert.Raw, tlsfiles.FormatUnknown},
		{"empty", nil, tlsfiles.FormatUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := tlsfiles.Sniff(c.data); got != c.want {
				t.Errorf("Sniff = %s, want %s", got, c.want)
			}
		})
	}
}
