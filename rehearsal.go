package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/internal/certs"
	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// Names of the files "kafkaplot cluster --secure" writes, as Hopsworks
// exports them and the tutorial's conversion names them.
const (
	fileKeyStoreJKS   = "keyStore.jks"
	fileTrustStoreJKS = "trustStore.jks"
	fileKeyStorePEM   = "keyStore.pem"
	fileTrustStorePEM = "trustStore.pem"
	fileAPIKey        = "apiKeyFile"
	fileConfig        = "config.toml"
	fileConfigJKS     = "config-jks.toml"
)

// hopsworksAPIBase is api.base of the tutorial.
const hopsworksAPIBase = "/hopsworks-api/api"

// rehearsal is the credentials of a local secure cluster: a CA, the
// broker's and registry's certificate, the project's client certificate,
// the store and key passwords and an API key.
type rehearsal struct {
	project, projectID string
	ca                 *certs.Authority
	server, client     tlsfiles.KeyPair
	storePassword      string // of keyStore.jks and trustStore.jks, as Hopsworks shows it
	keyPassword        string // of keyStore.pem's encrypted key, chosen during the tutorial's conversion
	apiKey             string
}

// newRehearsal generates the credentials: RSA-2048 keys, as Hopsworks uses,
// valid for a year from now.
func newRehearsal(rand io.Reader, now time.Time, project, projectID string) (*rehearsal, error) {
	r := &rehearsal{project: project, projectID: projectID}
	from, to := now.Add(-time.Hour), now.AddDate(1, 0, 0)
	caKey, err := certs.NewKey(rand, certs.RSA2048)
	if err != nil {
		return nil, err
	}
	if r.ca, err = certs.NewAuthority(rand, "kafkaplot rehearsal root CA", caKey, from, to); err != nil {
		return nil, err
	}
	serverKey, err := certs.NewKey(rand, certs.RSA2048)
	if err != nil {
		return nil, err
	}
	if r.server, err = r.ca.Issue(rand, certs.Template{
		CommonName: "localhost", DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		NotBefore: from, NotAfter: to, Server: true,
	}, serverKey); err != nil {
		return nil, err
	}
	clientKey, err := certs.NewKey(rand, certs.RSA2048)
	if err != nil {
		return nil, err
	}
	if r.client, err = r.ca.Issue(rand, certs.Template{
		CommonName: project + "__meb10000", NotBefore: from, NotAfter: to, Client: true,
	}, clientKey); err != nil {
		return nil, err
	}
	if r.storePassword, err = randomText(rand, 64, upperDigits); err != nil {
		return nil, err
	}
	if r.keyPassword, err = randomText(rand, 20, alphanumeric); err != nil {
		return nil, err
	}
	prefix, err := randomText(rand, 16, alphanumeric)
	if err != nil {
		return nil, err
	}
	secret, err := randomText(rand, 64, alphanumeric)
	if err != nil {
		return nil, err
	}
	r.apiKey = prefix + "." + secret
	return r, nil
}

const (
	upperDigits  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// randomText returns n characters drawn uniformly from alphabet.
func randomText(rand io.Reader, n int, alphabet string) (string, error) {
	var b strings.Builder
	size := len(alphabet)
	limit := 256 - 256%size // rejection sampling keeps the draw uniform
	buf := make([]byte, 1)
	for b.Len() < n {
		if _, err := io.ReadFull(rand, buf); err != nil {
			return "", fmt.Errorf("random text: %w", err)
		}
		if v := int(buf[0]); v < limit {
			b.WriteByte(alphabet[v%size])
		}
	}
	return b.String(), nil
}

// alias is the key entry's alias, as Hopsworks names it.
func (r *rehearsal) alias() string {
	return strings.ToLower(r.project) + "__meb10000"
}

// brokerTLS is the broker's TLS configuration: mutual TLS, client
// certificates signed by the CA required.
func (r *rehearsal) brokerTLS() *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{r.server.TLSCertificate()},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    tlsfiles.Pool([]*x509.Certificate{r.ca.Cert}),
		MinVersion:   tls.VersionTLS12,
	}
}

// registryTLS is the registry's TLS configuration: server authentication only.
func (r *rehearsal) registryTLS() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{r.server.TLSCertificate()}, MinVersion: tls.VersionTLS12}
}

// basePath is the registry's path, as Hopsworks serves it.
func (r *rehearsal) basePath() string {
	return hopsworksAPIBase + "/project/" + r.projectID + "/kafka"
}

// write puts the credentials and two configurations into dir: the files
// Hopsworks exports (keyStore.jks, trustStore.jks, with storePassword),
// those the tutorial's keytool + openssl conversion produces (keyStore.pem
// with the encrypted key and its certificates, trustStore.pem), apiKeyFile,
// config.toml in the tutorial's format (PEM files) and config-jks.toml (the
// stores, no conversion). brokerPort and registryAddr are where the cluster
// listens. It returns the paths written.
func (r *rehearsal) write(rand io.Reader, dir, brokerPort, registryAddr, topic, subject string, now time.Time) ([]string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("secure cluster directory: %w", err)
	}
	keyJKS, err := tlsfiles.EncodeJKSKeystore(rand, r.alias(), r.client, []byte(r.storePassword), now)
	if err != nil {
		return nil, err
	}
	trustJKS, err := tlsfiles.EncodeJKSTruststore("hops_root_ca", []*x509.Certificate{r.ca.Cert}, []byte(r.storePassword), now)
	if err != nil {
		return nil, err
	}
	keyPEM, err := tlsfiles.EncodePEMKeystore(rand, r.client, []byte(r.keyPassword), r.alias())
	if err != nil {
		return nil, err
	}
	trustPEM := tlsfiles.EncodePEMCertificates([]*x509.Certificate{r.ca.Cert}, "hops_root_ca")
	files := []struct {
		name string
		data []byte
	}{
		{fileKeyStoreJKS, keyJKS},
		{fileTrustStoreJKS, trustJKS},
		{fileKeyStorePEM, keyPEM},
		{fileTrustStorePEM, trustPEM},
		{fileAPIKey, []byte(r.apiKey + "\n")},
		{fileConfig, []byte(r.tutorialConfig(registryAddr, brokerPort, topic, subject))},
		{fileConfigJKS, []byte(r.storesConfig(registryAddr, brokerPort, topic, subject))},
	}
	var written []string
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, f.data, 0o600); err != nil {
			return written, fmt.Errorf("write %s: %w", path, err)
		}
		written = append(written, path)
	}
	// Both configurations must work as written: load them back.
	for _, name := range []string{fileConfig, fileConfigJKS} {
		cfg, err := config.Load(filepath.Join(dir, name))
		if err != nil {
			return written, fmt.Errorf("check %s: %w", name, err)
		}
		if _, _, err := cfg.KafkaTLS(now); err != nil {
			return written, fmt.Errorf("check %s: %w", name, err)
		}
		if _, _, err := cfg.RegistryTLS(); err != nil {
			return written, fmt.Errorf("check %s: %w", name, err)
		}
	}
	return written, nil
}

// tutorialConfig is config.toml in the tutorial's format. hops.url carries
// the registry's port unless it is 443 (where the tutorial's Hopsworks
// serves it); kafkaplot takes the Kafka port from kafka.port.
func (r *rehearsal) tutorialConfig(registryAddr, brokerPort, topic, subject string) string {
	return fmt.Sprintf(`# Written by "kafkaplot cluster --secure" for its local rehearsal cluster, in the
# format of the Hopsworks tutorial's config.toml: mutual TLS with the PEM files the
# tutorial's keytool + openssl conversion produces, and the registry's API key.
# hops.url carries the registry's port; kafka.port is the broker's.

[hops]
url = '%s'

# false, or the path of the CA file that signed the registry's certificate
verify = '%s'

[project]
name = '%s'
id = '%s'
ca_file = '%s'
certificate_file = '%s'
key_file = '%s'
key_password = '%s'

[kafka]
topic = '%s'
schema = '%s'
port = '%s'

[kafka.consumer]
group_id = 'TutorialGroup'
auto_offset_reset = 'earliest'

[api]
base = '%s'
key_file = '%s'
`, hopsURL(registryAddr), fileTrustStorePEM, r.project, r.projectID, fileTrustStorePEM, fileKeyStorePEM, fileKeyStorePEM,
		r.keyPassword, topic, subject, brokerPort, hopsworksAPIBase, fileAPIKey)
}

// hopsURL is hops.url for a registry at addr: the host alone on 443, where
// the tutorial's Hopsworks serves it (its scripts then work unchanged),
// else host:port.
func hopsURL(addr string) string {
	if host, port, err := net.SplitHostPort(addr); err == nil && port == "443" {
		if strings.Contains(host, ":") {
			return "[" + host + "]"
		}
		return host
	}
	return addr
}

// storesConfig is the same configuration reading Hopsworks' exported JKS
// stores directly: no conversion.
func (r *rehearsal) storesConfig(registryAddr, brokerPort, topic, subject string) string {
	return fmt.Sprintf(`# Written by "kafkaplot cluster --secure": the rehearsal cluster reached with the
# keyStore.jks and trustStore.jks Hopsworks exports, as they are: no keytool, no openssl.

[hops]
url = '%s'
verify = '%s'

[project]
name = '%s'
id = '%s'

[kafka]
topic = '%s'
schema = '%s'
port = '%s'

[kafka.consumer]
group_id = 'TutorialGroup'
auto_offset_reset = 'earliest'

[api]
base = '%s'
key_file = '%s'

[tls]
keystore = '%s'
keystore_password = '%s'
truststore = '%s'
truststore_password = '%s'
`, hopsURL(registryAddr), fileTrustStoreJKS, r.project, r.projectID, topic, subject, brokerPort, hopsworksAPIBase, fileAPIKey,
		fileKeyStoreJKS, r.storePassword, fileTrustStoreJKS, r.storePassword)
}
