package tlsfiles

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	keystore "github.com/pavlo-v-chernykh/keystore-go/v4"
	"software.sslmate.com/src/go-pkcs12"
)

// loadJKS opens a JKS store, checking its integrity with password.
func loadJKS(data, password []byte) (keystore.KeyStore, error) {
	if len(password) == 0 {
		// Java skips the check without a password; keystore-go cannot, and
		// an unchecked store is not worth trusting anyway.
		return keystore.KeyStore{}, fmt.Errorf("JKS store %w", ErrPasswordRequired)
	}
	ks := keystore.New(keystore.WithOrderedAliases(), keystore.WithCaseExactAliases())
	if err := ks.Load(bytes.NewReader(data), password); err != nil {
		if strings.Contains(err.Error(), "invalid digest") {
			return keystore.KeyStore{}, fmt.Errorf("JKS store: %w (its integrity check failed)", ErrWrongPassword)
		}
		return keystore.KeyStore{}, fmt.Errorf("read JKS store: %w", err)
	}
	return ks, nil
}

// decodeJKSKeystore returns the one private key entry of a JKS store; its
// key is opened with the store's password, as Hopsworks' exports need.
func decodeJKSKeystore(data, password []byte) (KeyPair, error) {
	ks, err := loadJKS(data, password)
	if err != nil {
		return KeyPair{}, err
	}
	var alias string
	for _, a := range ks.Aliases() {
		if !ks.IsPrivateKeyEntry(a) {
			continue
		}
		if alias != "" {
			return KeyPair{}, fmt.Errorf("JKS keystore holds several private keys (%q, %q); keep one", alias, a)
		}
		alias = a
	}
	if alias == "" {
		return KeyPair{}, fmt.Errorf("JKS keystore: %w (is it a truststore?)", ErrNoKey)
	}
	entry, err := ks.GetPrivateKeyEntry(alias, password)
	if err != nil {
		if strings.Contains(err.Error(), "invalid digest") {
			return KeyPair{}, fmt.Errorf("JKS key %q: %w (the key has its own password, unlike the store)", alias, ErrWrongPassword)
		}
		return KeyPair{}, fmt.Errorf("JKS key %q: %w", alias, err)
	}
	key, err := parsePKCS8(entry.PrivateKey, false)
	if err != nil {
		return KeyPair{}, fmt.Errorf("JKS key %q: %w", alias, err)
	}
	var certs []*x509.Certificate
	for i, c := range entry.CertificateChain {
		cert, err := x509.ParseCertificate(c.Content)
		if err != nil {
			return KeyPair{}, fmt.Errorf("JKS key %q: certificate %d: %w", alias, i+1, err)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return KeyPair{}, fmt.Errorf("JKS key %q: %w", alias, ErrNoCertificate)
	}
	return pair(key, certs)
}

// decodeJKSTruststore returns the trusted certificate entries of a JKS store.
func decodeJKSTruststore(data, password []byte) ([]*x509.Certificate, error) {
	ks, err := loadJKS(data, password)
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	for _, a := range ks.Aliases() {
		if !ks.IsTrustedCertificateEntry(a) {
			continue
		}
		e, err := ks.GetTrustedCertificateEntry(a)
		if err != nil {
			return nil, fmt.Errorf("JKS entry %q: %w", a, err)
		}
		c, err := x509.ParseCertificate(e.Certificate.Content)
		if err != nil {
			return nil, fmt.Errorf("JKS entry %q: %w", a, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("JKS truststore: %w (is it a keystore?)", ErrNoCertificate)
	}
	return certs, nil
}

// pkcs12Error maps go-pkcs12's errors onto ours.
func pkcs12Error(err error) error {
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword), errors.Is(err, pkcs12.ErrDecryption):
		return fmt.Errorf("PKCS#12 store: %w", ErrWrongPassword)
	case strings.Contains(err.Error(), "private key missing"):
		return fmt.Errorf("PKCS#12 keystore: %w (is it a truststore?)", ErrNoKey)
	case strings.Contains(err.Error(), "expected exactly one key bag"):
		return errors.New("PKCS#12 keystore holds several private keys; keep one")
	}
	return fmt.Errorf("read PKCS#12 store: %w", err)
}

// decodePKCS12Keystore returns the private key of a PKCS#12 store with its certificates.
func decodePKCS12Keystore(data, password []byte) (KeyPair, error) {
	key, leaf, cas, err := pkcs12.DecodeChain(data, string(password))
	if err != nil {
		return KeyPair{}, pkcs12Error(err)
	}
	s, err := signer(key)
	if err != nil {
		return KeyPair{}, err
	}
	// DecodeChain takes the first certificate as the leaf; find the key's own.
	return pair(s, append([]*x509.Certificate{leaf}, cas...))
}

// decodePKCS12Truststore returns the certificates of a PKCS#12 truststore
// (Java marks each as trusted; keytool's -importkeystore keeps the mark).
func decodePKCS12Truststore(data, password []byte) ([]*x509.Certificate, error) {
	certs, err := pkcs12.DecodeTrustStore(data, string(password))
	if err != nil {
		if _, _, _, kerr := pkcs12.DecodeChain(data, string(password)); kerr == nil {
			return nil, fmt.Errorf("%w: a PKCS#12 keystore (it holds a private key), not a truststore", ErrUnsupported)
		}
		if strings.Contains(err.Error(), "not marked as trusted") {
			return nil, fmt.Errorf("%w: a PKCS#12 store whose certificates are not marked trusted (made by openssl?); use a PEM CA file or a keytool-made truststore", ErrUnsupported)
		}
		return nil, pkcs12Error(err)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("PKCS#12 truststore: %w", ErrNoCertificate)
	}
	return certs, nil
}

// EncodeJKSKeystore writes kp as a JKS keystore with one private key entry
// under alias, store and key protected by password, as Hopsworks exports
// keyStore.jks. rand supplies the key protector's salt.
func EncodeJKSKeystore(rand io.Reader, alias string, kp KeyPair, password []byte, created time.Time) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(kp.Key)
	if err != nil {
		return nil, fmt.Errorf("encode JKS keystore: %w", err)
	}
	entry := keystore.PrivateKeyEntry{CreationTime: created, PrivateKey: der}
	for _, c := range append([]*x509.Certificate{kp.Leaf}, kp.Chain...) {
		entry.CertificateChain = append(entry.CertificateChain, keystore.Certificate{Type: "X509", Content: c.Raw})
	}
	ks := keystore.New(keystore.WithCaseExactAliases(), keystore.WithCustomRandomNumberGenerator(rand))
	if err := ks.SetPrivateKeyEntry(alias, entry, bytes.Clone(password)); err != nil {
		return nil, fmt.Errorf("encode JKS keystore: %w", err)
	}
	var b bytes.Buffer
	if err := ks.Store(&b, bytes.Clone(password)); err != nil {
		return nil, fmt.Errorf("encode JKS keystore: %w", err)
	}
	return b.Bytes(), nil
}

// EncodeJKSTruststore writes certs as trusted certificate entries of a JKS
// store, the first under alias and the others under alias-2, alias-3...
func EncodeJKSTruststore(alias string, certs []*x509.Certificate, password []byte, created time.Time) ([]byte, error) {
	ks := keystore.New(keystore.WithCaseExactAliases())
	for i, c := range certs {
		name := alias
		if i > 0 {
			name = fmt.Sprintf("%s-%d", alias, i+1)
		}
		entry := keystore.TrustedCertificateEntry{CreationTime: created, Certificate: keystore.Certificate{Type: "X509", Content: c.Raw}}
		if err := ks.SetTrustedCertificateEntry(name, entry); err != nil {
			return nil, fmt.Errorf("encode JKS truststore: %w", err)
		}
	}
	var b bytes.Buffer
	if err := ks.Store(&b, bytes.Clone(password)); err != nil {
		return nil, fmt.Errorf("encode JKS truststore: %w", err)
	}
	return b.Bytes(), nil
}

// EncodePKCS12Keystore writes kp as a PKCS#12 store (AES-256-CBC,
// PBKDF2-HMAC-SHA256, HMAC-SHA256 MAC), as keytool -importkeystore does.
func EncodePKCS12Keystore(rand io.Reader, kp KeyPair, password []byte) ([]byte, error) {
	der, err := pkcs12.Modern.WithRand(rand).Encode(kp.Key, kp.Leaf, kp.Chain, string(password))
	if err != nil {
		return nil, fmt.Errorf("encode PKCS#12 keystore: %w", err)
	}
	return der, nil
}

// EncodePKCS12Truststore writes certs as a PKCS#12 truststore, each marked
// trusted for Java.
func EncodePKCS12Truststore(rand io.Reader, certs []*x509.Certificate, password []byte) ([]byte, error) {
	der, err := pkcs12.Modern.WithRand(rand).EncodeTrustStore(certs, string(password))
	if err != nil {
		return nil, fmt.Errorf("encode PKCS#12 truststore: %w", err)
	}
	return der, nil
}
