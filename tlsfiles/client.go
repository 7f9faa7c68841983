package tlsfiles

import (
	"cmp"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"time"
)

// ErrRequired means a setting must be set together with another one.
var ErrRequired = errors.New("required")

// SettingError is a problem with the file or password a setting names: the
// setting to fix, as the caller's Source spelled it.
type SettingError struct {
	Setting string // the setting, such as "tls.keystore"
	Err     error  // what is wrong; a *FileError when a file is at fault
}

// Error returns "setting: problem".
func (e *SettingError) Error() string { return e.Setting + ": " + e.Err.Error() }

// Unwrap returns the problem.
func (e *SettingError) Unwrap() error { return e.Err }

// Source is a file a setting names and the password that opens it.
type Source struct {
	Setting         string // the setting naming the file, named by errors about the file
	Path            string // the file; empty when the setting is not set
	PasswordSetting string // the setting of its password, named by password errors
	Password        []byte // the file's password; nil when none
}

// Client describes the TLS material of a client connection: which files
// apply, under which settings. Load builds the tls.Config from it.
type Client struct {
	Keystore     Source // the client certificate and key in one store (PEM, JKS or PKCS#12) ...
	Certificate  Source // ... or the certificate chain, PEM (its Password is unused) ...
	Key          Source // ... and its private key, PEM (it may be the certificate's file)
	Roots        Source // the trusted CAs (PEM, JKS or PKCS#12); no Path: the system's
	SkipHostname bool   // verify the server's chain but not its host name
	Insecure     bool   // verify nothing (testing only)
}

// Info says where the TLS material of a connection came from, for messages
// and for kafkaplot doctor. It holds no secret.
type Info struct {
	Certificate        *x509.Certificate // the client certificate; nil when none is configured
	CertificateSetting string            // its setting, such as "tls.keystore"
	CertificatePath    string            // its file
	CertificateFormat  Format            // the file's format
	Roots              []*x509.Certificate
	RootsSetting       string // the trusted CAs' setting; nil Roots: the system's
	RootsPath          string // their file
	RootsFormat        Format // the file's format
	SkipHostname       bool   // the chain is verified but not the host name
	Insecure           bool   // nothing is verified
}

// Load reads c's files and returns the TLS client configuration (nil for a
// nil c) and where its material came from. The client certificate and at
// least one of the roots must be valid at now. Every error is a
// *SettingError naming the setting to fix (the password's for a wrong or
// missing password) and the file.
func (c *Client) Load(now time.Time) (*tls.Config, Info, error) {
	var info Info
	if c == nil {
		return nil, info, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	kp, from, format, err := c.clientCertificate()
	if err != nil {
		return nil, info, err
	}
	if kp.Leaf != nil {
		if err := CheckValidity(kp.Leaf, now); err != nil {
			return nil, info, &SettingError{Setting: from.Setting, Err: &FileError{Path: from.Path, Err: err}}
		}
		info.Certificate, info.CertificateSetting, info.CertificatePath, info.CertificateFormat = kp.Leaf, from.Setting, from.Path, format
		// Present the certificate whenever the server asks, even when it names acceptable CAs that did
		// not issue it: the server's refusal then says what is wrong, where silence would not.
		cert := kp.TLSCertificate()
		tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }
	}
	if r := c.Roots; r.Path != "" {
		roots, format, err := LoadCertificates(r.Path, r.Password)
		if err != nil {
			return nil, info, r.settingError(err)
		}
		if err := anyValid(roots, now); err != nil {
			return nil, info, &SettingError{Setting: r.Setting, Err: &FileError{Path: r.Path, Err: err}}
		}
		info.Roots, info.RootsSetting, info.RootsPath, info.RootsFormat = roots, r.Setting, r.Path, format
		tc.RootCAs = Pool(roots)
	}
	switch {
	case c.Insecure:
		tc.InsecureSkipVerify, info.Insecure = true, true
	case c.SkipHostname:
		info.SkipHostname = true
		verifyChainOnly(tc)
	}
	return tc, info, nil
}

// clientCertificate loads the client certificate and key, from the keystore
// or the certificate and key files, and says which source it came from.
func (c *Client) clientCertificate() (KeyPair, Source, Format, error) {
	switch ks, cert, key := c.Keystore, c.Certificate, c.Key; {
	case ks.Path != "":
		kp, format, err := LoadKeystore(ks.Path, ks.Password)
		if err != nil {
			return KeyPair{}, ks, format, ks.settingError(err)
		}
		return kp, ks, format, nil
	case cert.Path == "" && key.Path != "":
		return KeyPair{}, cert, FormatUnknown, &SettingError{Setting: cert.Setting, Err: fmt.Errorf("%w with %s", ErrRequired, key.Setting)}
	case cert.Path != "" && key.Path == "":
		return KeyPair{}, key, FormatUnknown, &SettingError{Setting: key.Setting, Err: fmt.Errorf("%w with %s (it may name the same file)", ErrRequired, cert.Setting)}
	case cert.Path != "":
		kp, err := LoadKeyPair(cert.Path, key.Path, key.Password)
		if err != nil {
			return KeyPair{}, cert, FormatPEM, keyPairError(err, cert, key)
		}
		return kp, cert, FormatPEM, nil
	}
	return KeyPair{}, Source{}, FormatUnknown, nil
}

// settingError names the setting behind a failure to load s's file: its
// password's for password problems, else its own.
func (s Source) settingError(err error) error {
	setting := s.Setting
	if errors.Is(err, ErrWrongPassword) || errors.Is(err, ErrPasswordRequired) {
		setting = s.PasswordSetting
	}
	return &SettingError{Setting: setting, Err: err}
}

// keyPairError names the setting behind a failure of a certificate and a key
// file: the certificate's for its own faults, else the key's settingError.
func keyPairError(err error, cert, key Source) error {
	var pe *fs.PathError
	var fe *FileError
	switch {
	case errors.Is(err, ErrWrongPassword), errors.Is(err, ErrPasswordRequired),
		errors.Is(err, ErrNoKey), errors.Is(err, ErrKeyMismatch):
	case errors.Is(err, ErrNoCertificate), errors.As(err, &pe) && pe.Path == cert.Path,
		errors.As(err, &fe) && fe.Path == cert.Path && cert.Path != key.Path:
		return &SettingError{Setting: cert.Setting, Err: err}
	}
	return key.settingError(err)
}

// verifyChainOnly replaces the standard verification of tc by one that
// checks the server's chain against tc.RootCAs (nil: the system's) but not
// its host name, as Kafka clients do with
// ssl.endpoint.identification.algorithm="".
func verifyChainOnly(tc *tls.Config) {
	tc.InsecureSkipVerify = true
	roots := tc.RootCAs
	tc.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("tls: server sent no certificate")
		}
		opts := x509.VerifyOptions{Roots: roots, Intermediates: x509.NewCertPool()}
		for _, c := range cs.PeerCertificates[1:] {
			opts.Intermediates.AddCert(c)
		}
		_, err := cs.PeerCertificates[0].Verify(opts)
		return err
	}
}

// anyValid fails when none of the CA certificates is valid at now.
func anyValid(certs []*x509.Certificate, now time.Time) error {
	var first error
	for _, c := range certs {
		err := CheckValidity(c, now)
		if err == nil {
			return nil
		}
		first = cmp.Or(first, err)
	}
	return fmt.Errorf("no CA certificate is valid now: %w", first)
}
