package config

import (
	"cmp"
	"strings"

	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// KafkaTLS states the brokers' TLS material (nil for PLAINTEXT and
// SASL_PLAINTEXT): the client certificate from tls.keystore, else
// project.certificate_file and key_file; the trusted CAs from
// tls.truststore, else project.ca_file, else the system's; the chain but not
// the name with tls.skip_hostname_verification. Its Load reads the files and
// names these settings in every error.
func (c Config) KafkaTLS() *tlsfiles.Client {
	if !c.UsesTLS() {
		return nil
	}
	d := &tlsfiles.Client{Roots: c.truststore("tls.truststore", c.TLS.Truststore), SkipHostname: c.TLS.InsecureSkipHostname}
	if c.TLS.Keystore != "" {
		d.Keystore = tlsfiles.Source{Setting: "tls.keystore", Path: c.TLS.Keystore, PasswordSetting: "tls.keystore_password", Password: []byte(c.TLS.KeystorePassword)}
	} else {
		d.Certificate = tlsfiles.Source{Setting: "project.certificate_file", Path: c.Project.CertificateFile}
		d.Key = tlsfiles.Source{Setting: "project.key_file", Path: c.Project.KeyFile, PasswordSetting: "project.key_password", Password: []byte(c.Project.KeyPassword)}
	}
	if c.TLS.Truststore == "" {
		d.Roots = tlsfiles.Source{Setting: "project.ca_file", Path: c.Project.CAFile, PasswordSetting: "tls.truststore_password"}
	}
	return d
}

// RegistryTLS states an https registry's TLS material (nil for http) by
// hops.verify: true verifies against the system's roots, a path against
// that file's CAs (PEM, JKS or PKCS#12 with tls.truststore_password), false
// nothing (Insecure; the caller warns).
func (c Config) RegistryTLS() *tlsfiles.Client {
	if !strings.HasPrefix(c.RegistryURL(), "https://") {
		return nil
	}
	return &tlsfiles.Client{Roots: c.truststore("hops.verify", c.Hops.Verify.CAFile), Insecure: !c.Hops.Verify.Enabled}
}

// truststore is a file of trusted CAs that setting names, opened with
// tls.truststore_password, which defaults to tls.keystore_password.
func (c Config) truststore(setting, path string) tlsfiles.Source {
	password := cmp.Or(c.TLS.TruststorePassword, c.TLS.KeystorePassword)
	return tlsfiles.Source{Setting: setting, Path: path, PasswordSetting: "tls.truststore_password", Password: []byte(password)}
}
