// Package certs issues the certificates of a local secure cluster: a
// certificate authority, and server and client certificates it signs. It
// is for rehearsals and tests (kafkaplot cluster --secure), not a PKI.
package certs

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"time"

	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// KeyType selects the algorithm of generated keys.
type KeyType int

// Key types NewKey generates.
const (
	ECDSAP256 KeyType = iota // fast; what tests use
	RSA2048                  // what Hopsworks and keytool's examples use
)

// NewKey generates a private key of the given type.
func NewKey(rand io.Reader, t KeyType) (crypto.Signer, error) {
	switch t {
	case ECDSAP256:
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand)
		if err != nil {
			return nil, fmt.Errorf("generate ECDSA key: %w", err)
		}
		return k, nil
	case RSA2048:
		k, err := rsa.GenerateKey(rand, 2048)
		if err != nil {
			return nil, fmt.Errorf("generate RSA key: %w", err)
		}
		return k, nil
	}
	return nil, fmt.Errorf("generate key: unknown key type %d", t)
}

// Authority is a certificate authority: its self-signed certificate and key.
type Authority struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// NewAuthority creates a self-signed CA named commonName, valid from
// notBefore to notAfter.
func NewAuthority(rand io.Reader, commonName string, key crypto.Signer, notBefore, notAfter time.Time) (*Authority, error) {
	serial, err := serialNumber(rand)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: commonName, Organization: []string{"kafkaplot rehearsal"}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("create CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse CA certificate: %w", err)
	}
	return &Authority{Cert: cert, Key: key}, nil
}

// Template describes a certificate to issue.
type Template struct {
	CommonName string
	DNSNames   []string
	IPs        []net.IP
	NotBefore  time.Time
	NotAfter   time.Time
	Server     bool // usable by a TLS server
	Client     bool // usable by a TLS client
}

// Issue signs a certificate for key and returns it with the CA as its chain.
func (a *Authority) Issue(rand io.Reader, t Template, key crypto.Signer) (tlsfiles.KeyPair, error) {
	if !t.Server && !t.Client {
		return tlsfiles.KeyPair{}, errors.New("issue certificate: neither server nor client usage")
	}
	serial, err := serialNumber(rand)
	if err != nil {
		return tlsfiles.KeyPair{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: t.CommonName, Organization: []string{"kafkaplot rehearsal"}},
		DNSNames:     t.DNSNames,
		IPAddresses:  t.IPs,
		NotBefore:    t.NotBefore,
		NotAfter:     t.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	if _, ok := key.(*rsa.PrivateKey); ok {
		tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
	}
	if t.Server {
		tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageServerAuth)
	}
	if t.Client {
		tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageClientAuth)
	}
	der, err := x509.CreateCertificate(rand, tmpl, a.Cert, key.Public(), a.Key)
	if err != nil {
		return tlsfiles.KeyPair{}, fmt.Errorf("issue certificate %s: %w", t.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return tlsfiles.KeyPair{}, fmt.Errorf("parse certificate %s: %w", t.CommonName, err)
	}
	return tlsfiles.KeyPair{Leaf: cert, Chain: []*x509.Certificate{a.Cert}, Key: key}, nil
}

// SignRequest signs a PKCS#10 certificate request (as `keytool -certreq`
// writes it) for client and server use, keeping its subject and key.
func (a *Authority) SignRequest(rand io.Reader, csrDER []byte, notBefore, notAfter time.Time) (*x509.Certificate, error) {
	csr, err := x509.ParseCertificateRequest(csrDER)
	if err != nil {
		return nil, fmt.Errorf("parse certificate request: %w", err)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("certificate request signature: %w", err)
	}
	serial, err := serialNumber(rand)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      csr.Subject,
		DNSNames:     csr.DNSNames,
		IPAddresses:  csr.IPAddresses,
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand, tmpl, a.Cert, csr.PublicKey, a.Key)
	if err != nil {
		return nil, fmt.Errorf("sign certificate request of %s: %w", csr.Subject, err)
	}
	return x509.ParseCertificate(der)
}

func serialNumber(rand io.Reader) (*big.Int, error) {
	n, err := randInt(rand, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("serial number: %w", err)
	}
	return n.Add(n, big.NewInt(1)), nil
}

// randInt is crypto/rand.Int without importing crypto/rand, so that callers
// choose the source.
func randInt(rand io.Reader, max *big.Int) (*big.Int, error) {
	b := make([]byte, (max.BitLen()+7)/8)
	if _, err := io.ReadFull(rand, b); err != nil {
		return nil, err
	}
	n := new(big.Int).SetBytes(b)
	return n.Mod(n, max), nil
}
