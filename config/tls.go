package config

import (
	"cmp"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// TLSInfo says where the TLS material of a connection came from, for
// messages and for kafkaplot doctor. It holds no secret.
type TLSInfo struct {
	Certificate       *x509.Certificate // the client certificate; nil when none is configured
	CertificateKey    string            // its setting: "tls.keystore" or "project.certificate_file"
	CertificatePath   string            // its file
	CertificateFormat tlsfiles.Format   // the file's format (PEM, JKS, PKCS#12)
	Roots             []*x509.Certificate
	RootsKey          string          // the trusted CAs' setting: "tls.truststore", "project.ca_file" or "hops.verify"; nil Roots: the system's
	RootsPath         string          // their file
	RootsFormat       tlsfiles.Format // the file's format
	SkipHostname      bool            // the chain is verified but not the host name
	Insecure          bool            // nothing is verified (hops.verify = false)
}

// KafkaTLS loads the TLS client configuration for the brokers (nil for
// PLAINTEXT and SASL_PLAINTEXT): the client certificate from tls.keystore,
// else project.certificate_file and key_file; the trusted CAs from
// tls.truststore, else project.ca_file, else the system's; the chain but not
// the name with tls.skip_hostname_verification. Every error names the
// setting to fix and the file; a certificate invalid at now is an error.
func (c Config) KafkaTLS(now time.Time) (*tls.Config, TLSInfo, error) {
	var info TLSInfo
	if !c.UsesTLS() {
		return nil, info, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	var kp tlsfiles.KeyPair
	var err error
	format, certKey, certPath := tlsfiles.FormatPEM, "tls.keystore", c.TLS.Keystore
	switch {
	case c.TLS.Keystore != "":
		if kp, format, err = tlsfiles.LoadKeystore(c.TLS.Keystore, []byte(c.TLS.KeystorePassword)); err != nil {
			return nil, info, tlsError(err, "tls.keystore", "tls.keystore_password")
		}
	case c.Project.CertificateFile == "" && c.Project.KeyFile != "":
		return nil, info, &Error{Key: "project.certificate_file", Err: fmt.Errorf("%w with project.key_file", ErrRequired)}
	case c.Project.CertificateFile != "" && c.Project.KeyFile == "":
		return nil, info, &Error{Key: "project.key_file", Err: fmt.Errorf("%w with project.certificate_file (it may name the same file)", ErrRequired)}
	case c.Project.CertificateFile != "":
		certKey, certPath = "project.certificate_file", c.Project.CertificateFile
		if kp, err = tlsfiles.LoadKeyPair(c.Project.CertificateFile, c.Project.KeyFile, []byte(c.Project.KeyPassword)); err != nil {
			return nil, info, keyPairError(err, c.Project.CertificateFile, c.Project.KeyFile)
		}
	}
	if kp.Leaf != nil {
		if err := tlsfiles.CheckValidity(kp.Leaf, now); err != nil {
			return nil, info, &Error{Key: certKey, Err: &tlsfiles.FileError{Path: certPath, Err: err}}
		}
		info.Certificate, info.CertificateKey, info.CertificatePath, info.CertificateFormat = kp.Leaf, certKey, certPath, format
		// Present the certificate whenever the server asks, even when it names acceptable CAs that did
		// not issue it: the server's refusal then says what is wrong, where silence would not.
		cert := kp.TLSCertificate()
		tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }
	}

	rootsKey, rootsPath, password := "tls.truststore", c.TLS.Truststore, cmp.Or(c.TLS.TruststorePassword, c.TLS.KeystorePassword)
	if rootsPath == "" {
		rootsKey, rootsPath, password = "project.ca_file", c.Project.CAFile, ""
	}
	if rootsPath != "" {
		roots, format, err := tlsfiles.LoadCertificates(rootsPath, []byte(password))
		if err != nil {
			return nil, info, tlsError(err, rootsKey, "tls.truststore_password")
		}
		if err := anyValid(roots, now); err != nil {
			return nil, info, &Error{Key: rootsKey, Err: &tlsfiles.FileError{Path: rootsPath, Err: err}}
		}
		info.Roots, info.RootsKey, info.RootsPath, info.RootsFormat = roots, rootsKey, rootsPath, format
		tc.RootCAs = tlsfiles.Pool(roots)
	}
	if c.TLS.InsecureSkipHostname {
		info.SkipHostname = true
		verifyChainOnly(tc)
	}
	return tc, info, nil
}

// RegistryTLS returns the TLS client configuration for an https registry
// (nil for http) by hops.verify: true verifies against the system's roots, a
// path against that file's CAs (PEM, JKS or PKCS#12 with
// tls.truststore_password), false nothing (info.Insecure; the caller warns).
func (c Config) RegistryTLS() (*tls.Config, TLSInfo, error) {
	var info TLSInfo
	if !strings.HasPrefix(c.RegistryURL(), "https://") {
		return nil, info, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	v := c.Hops.Verify
	switch {
	case !v.Enabled:
		tc.InsecureSkipVerify = true
		info.Insecure = true
	case v.CAFile != "":
		roots, format, err := tlsfiles.LoadCertificates(v.CAFile, []byte(cmp.Or(c.TLS.TruststorePassword, c.TLS.KeystorePassword)))
		if err != nil {
			return nil, info, tlsError(err, "hops.verify", "tls.truststore_password")
		}
		tc.RootCAs = tlsfiles.Pool(roots)
		info.Roots, info.RootsKey, info.RootsPath, info.RootsFormat = roots, "hops.verify", v.CAFile, format
	}
	return tc, info, nil
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
		err := tlsfiles.CheckValidity(c, now)
		if err == nil {
			return nil
		}
		first = cmp.Or(first, err)
	}
	return fmt.Errorf("no CA certificate is valid now: %w", first)
}

// tlsError names the setting behind a failure to load a store: its
// password setting for password problems, else the file's setting.
func tlsError(err error, fileKey, passwordKey string) error {
	key := fileKey
	if errors.Is(err, tlsfiles.ErrWrongPassword) || errors.Is(err, tlsfiles.ErrPasswordRequired) {
		key = passwordKey
	}
	return &Error{Key: key, Err: err}
}

// keyPairError names the setting behind a failure of project.certificate_file
// and project.key_file: the certificate's for its own faults, else tlsError's.
func keyPairError(err error, certFile, keyFile string) error {
	var pe *fs.PathError
	var fe *tlsfiles.FileError
	switch {
	case errors.Is(err, tlsfiles.ErrWrongPassword), errors.Is(err, tlsfiles.ErrPasswordRequired),
		errors.Is(err, tlsfiles.ErrNoKey), errors.Is(err, tlsfiles.ErrKeyMismatch):
	case errors.Is(err, tlsfiles.ErrNoCertificate), errors.As(err, &pe) && pe.Path == certFile,
		errors.As(err, &fe) && fe.Path == certFile && certFile != keyFile:
		return &Error{Key: "project.certificate_file", Err: err}
	}
	return tlsError(err, "project.key_file", "project.key_password")
}
