// Package tlsfiles reads and writes the files TLS credentials come in: PEM
// certificates and private keys (plain, legacy-encrypted with
// "Proc-Type: 4,ENCRYPTED", and PKCS#8-encrypted "ENCRYPTED PRIVATE KEY"),
// Java KeyStores (JKS) and PKCS#12 stores, which it tells apart by content,
// not by name. One PEM file may hold both a certificate chain and its key,
// as openssl's PKCS#12 conversion writes it.
//
// Client builds a TLS client configuration from a description of which files
// and passwords apply, each under the name of the caller's setting. It knows
// nothing of Kafka or of a configuration format: errors name the file and
// wrap a sentinel (ErrWrongPassword, ErrKeyMismatch, ErrExpired...); Client's
// errors also name the setting to fix, as the caller spelled it. Passwords
// are never part of an error.
package tlsfiles

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"os"
	"time"
)

// Sentinel errors, wrapped by the errors of this package.
var (
	// ErrWrongPassword means a password did not open an encrypted key or store.
	ErrWrongPassword = errors.New("wrong password")
	// ErrPasswordRequired means a key or store is encrypted and no password was given.
	ErrPasswordRequired = errors.New("encrypted, but no password is set")
	// ErrNoKey means a file holds no private key.
	ErrNoKey = errors.New("no private key found")
	// ErrNoCertificate means a file holds no certificate.
	ErrNoCertificate = errors.New("no certificate found")
	// ErrKeyMismatch means no certificate matches the private key.
	ErrKeyMismatch = errors.New("private key does not match the certificate")
	// ErrExpired means a certificate's validity ended.
	ErrExpired = errors.New("certificate expired")
	// ErrNotYetValid means a certificate's validity has not begun.
	ErrNotYetValid = errors.New("certificate not yet valid")
	// ErrUnsupported means a file uses a format or algorithm this package cannot read.
	ErrUnsupported = errors.New("unsupported")
)

// FileError is a problem with one file.
type FileError struct {
	Path string // the file
	Err  error  // what is wrong
}

// Error returns "path: problem".
func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the problem.
func (e *FileError) Unwrap() error { return e.Err }

// Format is the encoding of a credentials file, as told by its content.
type Format int

// Formats Sniff tells apart.
const (
	FormatUnknown Format = iota
	FormatPEM
	FormatJKS
	FormatPKCS12
	FormatJCEKS
)

// String names the format.
func (f Format) String() string {
	switch f {
	case FormatPEM:
		return "PEM"
	case FormatJKS:
		return "JKS"
	case FormatPKCS12:
		return "PKCS#12"
	case FormatJCEKS:
		return "JCEKS"
	}
	return "unknown format"
}

// Sniff tells a file's format from its first bytes.
func Sniff(data []byte) Format {
	switch {
	case bytes.HasPrefix(data, []byte{0xfe, 0xed, 0xfe, 0xed}):
		return FormatJKS
	case bytes.HasPrefix(data, []byte{0xce, 0xce, 0xce, 0xce}):
		return FormatJCEKS
	case bytes.Contains(data, []byte("-----BEGIN ")):
		return FormatPEM
	case isPFX(data):
		return FormatPKCS12
	}
	return FormatUnknown
}

// isPFX reports whether data starts like a DER PFX: SEQUENCE { INTEGER 3, SEQUENCE ...}.
func isPFX(data []byte) bool {
	var pfx struct {
		Version  int
		AuthSafe asn1.RawValue
		Rest     asn1.RawValue `asn1:"optional"`
	}
	_, err := asn1.Unmarshal(data, &pfx)
	return err == nil && pfx.Version == 3
}

// KeyPair is a certificate chain with its private key.
type KeyPair struct {
	Leaf  *x509.Certificate   // the certificate of Key
	Chain []*x509.Certificate // further certificates found with it (issuers), in file order
	Key   crypto.Signer       // the private key
}

// TLSCertificate returns the pair for tls.Config.Certificates.
func (k KeyPair) TLSCertificate() tls.Certificate {
	c := tls.Certificate{PrivateKey: k.Key, Leaf: k.Leaf, Certificate: [][]byte{k.Leaf.Raw}}
	for _, ca := range k.Chain {
		c.Certificate = append(c.Certificate, ca.Raw)
	}
	return c
}

// CheckValidity reports whether cert is valid at now, wrapping ErrExpired or ErrNotYetValid.
func CheckValidity(cert *x509.Certificate, now time.Time) error {
	switch {
	case now.After(cert.NotAfter):
		return fmt.Errorf("%w: %q expired on %s", ErrExpired, cert.Subject.String(), cert.NotAfter.UTC().Format(time.RFC3339))
	case now.Before(cert.NotBefore):
		return fmt.Errorf("%w: %q is valid from %s", ErrNotYetValid, cert.Subject.String(), cert.NotBefore.UTC().Format(time.RFC3339))
	}
	return nil
}

// readFile reads a file, as a *FileError on failure.
func readFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		// The *PathError already names the file.
		return nil, err
	}
	if len(data) == 0 {
		return nil, &FileError{Path: path, Err: errors.New("file is empty")}
	}
	return data, nil
}

// LoadKeyPair reads a certificate chain from certFile and its private key
// from keyFile, both PEM; they may be the same file. The key may be
// encrypted (legacy or PKCS#8), opened with password. The leaf is the
// certificate matching the key, wherever it is in the file.
func LoadKeyPair(certFile, keyFile string, password []byte) (KeyPair, error) {
	certPEM, err := readFile(certFile)
	if err != nil {
		return KeyPair{}, err
	}
	keyPEM := certPEM
	if keyFile != certFile {
		if keyPEM, err = readFile(keyFile); err != nil {
			return KeyPair{}, err
		}
	}
	if f := Sniff(certPEM); f != FormatPEM {
		return KeyPair{}, &FileError{Path: certFile, Err: fmt.Errorf("%w: a %s file, want PEM (use tls.keystore for JKS and PKCS#12)", ErrUnsupported, f)}
	}
	if f := Sniff(keyPEM); f != FormatPEM {
		return KeyPair{}, &FileError{Path: keyFile, Err: fmt.Errorf("%w: a %s file, want PEM (use tls.keystore for JKS and PKCS#12)", ErrUnsupported, f)}
	}
	key, err := parsePEMKey(keyPEM, password)
	if err != nil {
		return KeyPair{}, &FileError{Path: keyFile, Err: err}
	}
	certs, err := parsePEMCertificates(certPEM)
	if err != nil {
		return KeyPair{}, &FileError{Path: certFile, Err: err}
	}
	kp, err := pair(key, certs)
	if err != nil {
		if keyFile == certFile {
			return KeyPair{}, &FileError{Path: keyFile, Err: err}
		}
		return KeyPair{}, &FileError{Path: keyFile, Err: fmt.Errorf("%w in %s", err, certFile)}
	}
	return kp, nil
}

// pair finds the certificate of key among certs and puts it first.
func pair(key crypto.Signer, certs []*x509.Certificate) (KeyPair, error) {
	for i, c := range certs {
		if publicKeysEqual(c.PublicKey, key.Public()) {
			chain := append(append([]*x509.Certificate(nil), certs[:i]...), certs[i+1:]...)
			return KeyPair{Leaf: c, Chain: chain, Key: key}, nil
		}
	}
	if len(certs) == 1 {
		return KeyPair{}, fmt.Errorf("%w %q", ErrKeyMismatch, certs[0].Subject.String())
	}
	return KeyPair{}, fmt.Errorf("%w: none of the %d certificates is the key's", ErrKeyMismatch, len(certs))
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	switch k := a.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
		return k.(equaler).Equal(b)
	}
	return false
}

// LoadKeystore reads a certificate chain and its private key from a JKS,
// PKCS#12 or PEM (certificate and key in one file) keystore, told apart by
// content. password opens the store and, for JKS and PEM, the key. A store
// with several private keys is refused: which one to use would be a guess.
func LoadKeystore(path string, password []byte) (KeyPair, Format, error) {
	data, err := readFile(path)
	if err != nil {
		return KeyPair{}, FormatUnknown, err
	}
	format := Sniff(data)
	var kp KeyPair
	switch format {
	case FormatJKS:
		kp, err = decodeJKSKeystore(data, password)
	case FormatPKCS12:
		kp, err = decodePKCS12Keystore(data, password)
	case FormatPEM:
		var key crypto.Signer
		if key, err = parsePEMKey(data, password); err == nil {
			var certs []*x509.Certificate
			if certs, err = parsePEMCertificates(data); err == nil {
				kp, err = pair(key, certs)
			}
		}
	default:
		err = fmt.Errorf("%w: %s; want JKS, PKCS#12 or PEM", ErrUnsupported, format)
	}
	if err != nil {
		return KeyPair{}, format, &FileError{Path: path, Err: err}
	}
	return kp, format, nil
}

// LoadCertificates reads trusted certificates from a PEM file, a JKS
// truststore or a PKCS#12 truststore, told apart by content. password is
// needed for JKS (its integrity check) and encrypted PKCS#12; PEM needs none.
func LoadCertificates(path string, password []byte) ([]*x509.Certificate, Format, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, FormatUnknown, err
	}
	format := Sniff(data)
	var certs []*x509.Certificate
	switch format {
	case FormatPEM:
		certs, err = parsePEMCertificates(data)
	case FormatJKS:
		certs, err = decodeJKSTruststore(data, password)
	case FormatPKCS12:
		certs, err = decodePKCS12Truststore(data, password)
	default:
		err = fmt.Errorf("%w: %s; want PEM, JKS or PKCS#12", ErrUnsupported, format)
	}
	if err != nil {
		return nil, format, &FileError{Path: path, Err: err}
	}
	return certs, format, nil
}

// Pool returns a certificate pool holding certs.
func Pool(certs []*x509.Certificate) *x509.CertPool {
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool
}
