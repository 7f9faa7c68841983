package tlsfiles

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ParsePrivateKey finds the one private key in PEM data (PKCS#1, SEC 1 or
// PKCS#8; plain, legacy-encrypted or PKCS#8-encrypted) and opens it with
// password if it is encrypted.
func ParsePrivateKey(data, password []byte) (crypto.Signer, error) {
	return parsePEMKey(data, password)
}

// parsePEMKey finds the one private key in PEM data and decrypts it if needed.
func parsePEMKey(data, password []byte) (crypto.Signer, error) {
	var found *pem.Block
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if !strings.HasSuffix(b.Type, "PRIVATE KEY") {
			continue
		}
		if found != nil {
			return nil, errors.New("more than one private key; keep one per file")
		}
		found = b
	}
	if found == nil {
		return nil, ErrNoKey
	}
	return decodeKeyBlock(found, password)
}

// decodeKeyBlock parses one private key block: PKCS#1, SEC 1 or PKCS#8,
// plain, legacy-encrypted or PKCS#8-encrypted.
func decodeKeyBlock(b *pem.Block, password []byte) (crypto.Signer, error) {
	der := b.Bytes
	encrypted := false
	switch {
	case b.Type == "ENCRYPTED PRIVATE KEY":
		if len(password) == 0 {
			return nil, fmt.Errorf("private key %w", ErrPasswordRequired)
		}
		plain, err := DecryptPKCS8(der, password)
		if err != nil {
			return nil, fmt.Errorf("encrypted private key: %w", err)
		}
		return parsePKCS8(plain, true)
	case x509.IsEncryptedPEMBlock(b):
		// Legacy PEM encryption (RFC 1423) is deprecated for writing; older
		// openssl and `openssl rsa -aes256 -traditional` still produce it.
		if len(password) == 0 {
			return nil, fmt.Errorf("private key (%s) %w", b.Headers["DEK-Info"], ErrPasswordRequired)
		}
		plain, err := x509.DecryptPEMBlock(b, password)
		if errors.Is(err, x509.IncorrectPasswordError) {
			return nil, fmt.Errorf("encrypted private key: %w", ErrWrongPassword)
		}
		if err != nil {
			return nil, fmt.Errorf("encrypted private key: %w", err)
		}
		der, encrypted = plain, true
	}
	var key any
	var err error
	switch b.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(der)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(der)
	case "PRIVATE KEY":
		return parsePKCS8(der, encrypted)
	default:
		return nil, fmt.Errorf("%w: PEM block %q", ErrUnsupported, b.Type)
	}
	if err != nil {
		if encrypted {
			// Legacy encryption has no integrity check beyond the padding.
			return nil, fmt.Errorf("encrypted private key: %w", ErrWrongPassword)
		}
		return nil, fmt.Errorf("parse private key: %w", err)
	}
	return signer(key)
}

func parsePKCS8(der []byte, decrypted bool) (crypto.Signer, error) {
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		if decrypted {
			return nil, fmt.Errorf("encrypted private key: %w", ErrWrongPassword)
		}
		return nil, fmt.Errorf("parse private key: %w", err)
	}
	return signer(key)
}

func signer(key any) (crypto.Signer, error) {
	s, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: private key type %T", ErrUnsupported, key)
	}
	return s, nil
}

// parsePEMCertificates returns every certificate in PEM data, in order.
func parsePEMCertificates(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		der := b.Bytes
		switch b.Type {
		case "CERTIFICATE":
		case "TRUSTED CERTIFICATE":
			// openssl's trusted form: the certificate, then trust settings.
			var first asn1.RawValue
			if _, err := asn1.Unmarshal(der, &first); err != nil {
				return nil, fmt.Errorf("certificate %d: %w", len(certs)+1, err)
			}
			der = first.FullBytes
		default:
			continue
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", len(certs)+1, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, ErrNoCertificate
	}
	return certs, nil
}

// EncodePEMKeystore writes a key pair the way `openssl pkcs12 -in
// keyStore.p12 -out keyStore.pem` does: each certificate with its bag
// attributes, subject and issuer, then the private key, PKCS#8-encrypted
// with password (AES-256-CBC, PBKDF2-HMAC-SHA256), or plain PKCS#8 when
// password is empty. friendlyName is the store's alias.
func EncodePEMKeystore(rand io.Reader, kp KeyPair, password []byte, friendlyName string) ([]byte, error) {
	localKeyID := sha1.Sum(kp.Leaf.Raw)
	var b bytes.Buffer
	writeBag := func(withID bool) {
		b.WriteString("Bag Attributes\n")
		if withID {
			fmt.Fprintf(&b, "    localKeyID: %s \n", spacedHex(localKeyID[:]))
		}
		fmt.Fprintf(&b, "    friendlyName: %s\n", friendlyName)
	}
	for i, c := range append([]*x509.Certificate{kp.Leaf}, kp.Chain...) {
		if i == 0 {
			writeBag(true)
		} else {
			b.WriteString("Bag Attributes: <No Attributes>\n")
		}
		fmt.Fprintf(&b, "subject=%s\nissuer=%s\n", c.Subject, c.Issuer)
		if err := pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}); err != nil {
			return nil, fmt.Errorf("encode certificate: %w", err)
		}
	}
	der, err := x509.MarshalPKCS8PrivateKey(kp.Key)
	if err != nil {
		return nil, fmt.Errorf("encode private key: %w", err)
	}
	block := &pem.Block{Type: "PRIVATE KEY", Bytes: der}
	if len(password) > 0 {
		enc, err := EncryptPKCS8(rand, der, password, 0)
		if err != nil {
			return nil, err
		}
		block = &pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: enc}
	}
	writeBag(true)
	b.WriteString("Key Attributes: <No Attributes>\n")
	if err := pem.Encode(&b, block); err != nil {
		return nil, fmt.Errorf("encode private key: %w", err)
	}
	return b.Bytes(), nil
}

// EncodePEMCertificates writes certificates the way openssl's PKCS#12
// conversion of a truststore does, each with its alias as friendlyName
// (aliases[i], or the last alias when there are fewer).
func EncodePEMCertificates(certs []*x509.Certificate, aliases ...string) []byte {
	var b bytes.Buffer
	for i, c := range certs {
		switch {
		case len(aliases) == 0:
			b.WriteString("Bag Attributes: <No Attributes>\n")
		default:
			fmt.Fprintf(&b, "Bag Attributes\n    friendlyName: %s\n    2.16.840.1.113894.746875.1.1: <Unsupported tag 6>\n", aliases[min(i, len(aliases)-1)])
		}
		fmt.Fprintf(&b, "subject=%s\nissuer=%s\n", c.Subject, c.Issuer)
		// pem.Encode into a bytes.Buffer cannot fail.
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}

// spacedHex writes b as upper-case hex pairs separated by spaces, as openssl does.
func spacedHex(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02X", c)
	}
	return strings.Join(parts, " ")
}
