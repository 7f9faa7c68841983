package testsupport

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/embedded/certs"
	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// WriteFile writes data to path (mode 0600) and returns the path.
func WriteFile(tb testing.TB, path string, data []byte) string {
	tb.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatalf("write test file: %v", err)
	}
	return path
}

// WriteVariant writes to dst a copy of the text file src with each old
// string (the even arguments) replaced once by the new one after it, and
// returns dst. An old string src does not hold fails the test.
func WriteVariant(tb testing.TB, src, dst string, oldNew ...string) string {
	tb.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		tb.Fatalf("read the file to vary: %v", err)
	}
	text := string(data)
	for i := 0; i+1 < len(oldNew); i += 2 {
		if !strings.Contains(text, oldNew[i]) {
			tb.Fatalf("%s has no %q", filepath.Base(src), oldNew[i])
		}
		text = strings.Replace(text, oldNew[i], oldNew[i+1], 1)
	}
	return WriteFile(tb, dst, []byte(text))
}

// CertsPEM encodes certificates as PEM CERTIFICATE blocks, in order.
func CertsPEM(cs ...*x509.Certificate) []byte {
	var b bytes.Buffer
	for _, c := range cs {
		// Encoding into a bytes.Buffer cannot fail.
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}

// KeyPEM encodes a key pair's private key unencrypted, as PKCS#8.
func KeyPEM(tb testing.TB, kp tlsfiles.KeyPair) []byte {
	tb.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(kp.Key)
	if err != nil {
		tb.Fatalf("marshal key: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// LegacyKeyPEM encodes a key pair's private key in OpenSSL's traditional
// form (SEC 1 for EC keys, PKCS#1 for RSA), encrypted with the legacy
// DEK-Info PEM encryption (AES-256-CBC) under password.
func LegacyKeyPEM(tb testing.TB, kp tlsfiles.KeyPair, password string) []byte {
	tb.Helper()
	var der []byte
	var kind string
	switch key := kp.Key.(type) {
	case *ecdsa.PrivateKey:
		var err error
		if der, err = x509.MarshalECPrivateKey(key); err != nil {
			tb.Fatalf("marshal key: %v", err)
		}
		kind = "EC PRIVATE KEY"
	case *rsa.PrivateKey:
		der, kind = x509.MarshalPKCS1PrivateKey(key), "RSA PRIVATE KEY"
	default:
		tb.Fatalf("legacy PEM of a %T: want an EC or RSA key", kp.Key)
	}
	b, err := x509.EncryptPEMBlock(rand.Reader, kind, der, []byte(password), x509.PEMCipherAES256)
	if err != nil {
		tb.Fatalf("encrypt key: %v", err)
	}
	return pem.EncodeToMemory(b)
}

// PKCS8KeyPEM encodes a key pair's private key as an encrypted PKCS#8
// block (what openssl pkcs12 -in … writes) under password.
func PKCS8KeyPEM(tb testing.TB, kp tlsfiles.KeyPair, password string) []byte {
	tb.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(kp.Key)
	if err != nil {
		tb.Fatalf("marshal key: %v", err)
	}
	enc, err := tlsfiles.EncryptPKCS8(rand.Reader, der, []byte(password), 0)
	if err != nil {
		tb.Fatalf("encrypt key: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: enc})
}

// NewCA makes a certificate authority valid from an hour ago to an hour
// from now, with an ECDSA P-256 key.
func NewCA(tb testing.TB, name string) *certs.Authority {
	tb.Helper()
	key, err := certs.NewKey(rand.Reader, certs.ECDSAP256)
	if err != nil {
		tb.Fatalf("make CA key: %v", err)
	}
	ca, err := certs.NewAuthority(rand.Reader, name, key, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if err != nil {
		tb.Fatalf("make CA: %v", err)
	}
	return ca
}

// IssueClient has ca sign a client certificate for name, valid from from to
// to, with a new ECDSA P-256 key.
func IssueClient(tb testing.TB, ca *certs.Authority, name string, from, to time.Time) tlsfiles.KeyPair {
	tb.Helper()
	key, err := certs.NewKey(rand.Reader, certs.ECDSAP256)
	if err != nil {
		tb.Fatalf("make client key: %v", err)
	}
	kp, err := ca.Issue(rand.Reader, certs.Template{CommonName: name, NotBefore: from, NotAfter: to, Client: true}, key)
	if err != nil {
		tb.Fatalf("issue client certificate: %v", err)
	}
	return kp
}
