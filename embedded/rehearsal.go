package embedded

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

	"github.com/pelletier/go-toml/v2"

	"github.com/kafkaplot/kafkaplot/embedded/certs"
	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// Names of the files a secure rehearsal writes, as Hopsworks exports them
// and the tutorial's conversion names them.
const (
	FileKeyStoreJKS   = "keyStore.jks"
	FileTrustStoreJKS = "trustStore.jks"
	FileKeyStorePEM   = "keyStore.pem"
	FileTrustStorePEM = "trustStore.pem"
	FileAPIKey        = "apiKeyFile"
	// FileConfig is config.toml in the tutorial's format (the PEM files).
	FileConfig = "config.toml"
	// FileConfigJKS is the same configuration reading the JKS stores.
	FileConfigJKS = "config-jks.toml"
)

// HopsworksAPIBase is the tutorial's api.base.
const HopsworksAPIBase = "/hopsworks-api/api"

// Rehearsal is the credentials of a local secure cluster that rehearses a
// Hopsworks one: a CA, the broker's and registry's certificate, the
// project's client certificate, the store and key passwords and an API key.
type Rehearsal struct {
	Project, ProjectID string
	CA                 *certs.Authority
	Server, Client     tlsfiles.KeyPair
	// StorePassword protects keyStore.jks and trustStore.jks, as Hopsworks shows it.
	StorePassword string
	// KeyPassword protects keyStore.pem's encrypted key, as chosen during
	// the tutorial's conversion.
	KeyPassword string
	// APIKey is the registry's Hopsworks API key.
	APIKey string
}

// NewRehearsal generates the credentials: RSA-2048 keys, as Hopsworks uses,
// valid for a year from now.
func NewRehearsal(rand io.Reader, now time.Time, project, projectID string) (*Rehearsal, error) {
	r := &Rehearsal{Project: project, ProjectID: projectID}
	from, to := now.Add(-time.Hour), now.AddDate(1, 0, 0)
	caKey, err := certs.NewKey(rand, certs.RSA2048)
	if err != nil {
		return nil, err
	}
	if r.CA, err = certs.NewAuthority(rand, "kafkaplot rehearsal root CA", caKey, from, to); err != nil {
		return nil, err
	}
	serverKey, err := certs.NewKey(rand, certs.RSA2048)
	if err != nil {
		return nil, err
	}
	if r.Server, err = r.CA.Issue(rand, certs.Template{
		CommonName: "localhost", DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		NotBefore: from, NotAfter: to, Server: true,
	}, serverKey); err != nil {
		return nil, err
	}
	clientKey, err := certs.NewKey(rand, certs.RSA2048)
	if err != nil {
		return nil, err
	}
	if r.Client, err = r.CA.Issue(rand, certs.Template{
		CommonName: project + "__meb10000", NotBefore: from, NotAfter: to, Client: true,
	}, clientKey); err != nil {
		return nil, err
	}
	if r.StorePassword, err = randomText(rand, 64, upperDigits); err != nil {
		return nil, err
	}
	if r.KeyPassword, err = randomText(rand, 20, alphanumeric); err != nil {
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
	r.APIKey = prefix + "." + secret
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
func (r *Rehearsal) alias() string {
	return strings.ToLower(r.Project) + "__meb10000"
}

// BrokerTLS is the broker's TLS configuration: mutual TLS, client
// certificates signed by the CA required.
func (r *Rehearsal) BrokerTLS() *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{r.Server.TLSCertificate()},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    tlsfiles.Pool([]*x509.Certificate{r.CA.Cert}),
		MinVersion:   tls.VersionTLS12,
	}
}

// RegistryTLS is the registry's TLS configuration: server authentication only.
func (r *Rehearsal) RegistryTLS() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{r.Server.TLSCertificate()}, MinVersion: tls.VersionTLS12}
}

// BasePath is the registry's path, as Hopsworks serves it.
func (r *Rehearsal) BasePath() string {
	return HopsworksAPIBase + "/project/" + r.ProjectID + "/kafka"
}

// Secure sets cfg up as the rehearsal's cluster: a mutual-TLS broker and a
// Hopsworks-style HTTPS registry behind the API key.
func (r *Rehearsal) Secure(cfg *Config) {
	cfg.TLS = r.BrokerTLS()
	cfg.RegistryTLS = r.RegistryTLS()
	cfg.RegistryBasePath = r.BasePath()
	cfg.RegistryAPIKey = r.APIKey
}

// Write puts the credentials and two configurations for the cluster cfg
// describes into dir: the files Hopsworks exports (keyStore.jks,
// trustStore.jks, with StorePassword), those the tutorial's keytool +
// openssl conversion produces (keyStore.pem with the encrypted key and its
// certificates, trustStore.pem), apiKeyFile, config.toml in the tutorial's
// format (PEM files) and config-jks.toml (the stores, no conversion). It
// returns the paths written.
func (r *Rehearsal) Write(rand io.Reader, dir string, cfg Config, now time.Time) ([]string, error) {
	cfg.defaults()
	_, brokerPort, err := net.SplitHostPort(cfg.BrokerAddr)
	if err != nil {
		return nil, fmt.Errorf("secure cluster broker address %q: %w", cfg.BrokerAddr, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("secure cluster directory: %w", err)
	}
	keyJKS, err := tlsfiles.EncodeJKSKeystore(rand, r.alias(), r.Client, []byte(r.StorePassword), now)
	if err != nil {
		return nil, err
	}
	trustJKS, err := tlsfiles.EncodeJKSTruststore("hops_root_ca", []*x509.Certificate{r.CA.Cert}, []byte(r.StorePassword), now)
	if err != nil {
		return nil, err
	}
	keyPEM, err := tlsfiles.EncodePEMKeystore(rand, r.Client, []byte(r.KeyPassword), r.alias())
	if err != nil {
		return nil, err
	}
	trustPEM := tlsfiles.EncodePEMCertificates([]*x509.Certificate{r.CA.Cert}, "hops_root_ca")
	tutorial, err := r.tutorialConfig(cfg.RegistryAddr, brokerPort, cfg.Topic, cfg.Subject)
	if err != nil {
		return nil, err
	}
	stores, err := r.storesConfig(cfg.RegistryAddr, brokerPort, cfg.Topic, cfg.Subject)
	if err != nil {
		return nil, err
	}
	files := []struct {
		name string
		data []byte
	}{
		{FileKeyStoreJKS, keyJKS},
		{FileTrustStoreJKS, trustJKS},
		{FileKeyStorePEM, keyPEM},
		{FileTrustStorePEM, trustPEM},
		{FileAPIKey, []byte(r.APIKey + "\n")},
		{FileConfig, tutorial},
		{FileConfigJKS, stores},
	}
	var written []string
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, f.data, 0o600); err != nil {
			return written, fmt.Errorf("write %s: %w", path, err)
		}
		written = append(written, path)
	}
	return written, nil
}

// The sections of the configurations Write writes, in the tutorial's order.
type (
	hopsSection struct {
		URL    string `toml:"url"`
		Verify string `toml:"verify" comment:"false, or the path of the CA file that signed the registry's certificate"`
	}
	projectSection struct {
		Name            string `toml:"name"`
		ID              string `toml:"id"`
		CAFile          string `toml:"ca_file,omitempty"`
		CertificateFile string `toml:"certificate_file,omitempty"`
		KeyFile         string `toml:"key_file,omitempty"`
		KeyPassword     string `toml:"key_password,omitempty"`
	}
	consumerSection struct {
		GroupID         string `toml:"group_id"`
		AutoOffsetReset string `toml:"auto_offset_reset"`
	}
	kafkaSection struct {
		Topic    string          `toml:"topic"`
		Schema   string          `toml:"schema"`
		Port     string          `toml:"port"`
		Consumer consumerSection `toml:"consumer"`
	}
	apiSection struct {
		Base    string `toml:"base"`
		Key     string `toml:"key"`
		KeyFile string `toml:"key_file"`
	}
	storesSection struct {
		Keystore           string `toml:"keystore"`
		KeystorePassword   string `toml:"keystore_password"`
		Truststore         string `toml:"truststore"`
		TruststorePassword string `toml:"truststore_password"`
	}
	rehearsalConfig struct {
		Hops    hopsSection    `toml:"hops"`
		Project projectSection `toml:"project"`
		Kafka   kafkaSection   `toml:"kafka"`
		API     apiSection     `toml:"api"`
		TLS     *storesSection `toml:"tls,omitempty"`
	}
)

// base is what both configurations share.
func (r *Rehearsal) base(registryAddr, brokerPort, topic, subject string, verify string) rehearsalConfig {
	return rehearsalConfig{
		Hops:    hopsSection{URL: HopsURL(registryAddr), Verify: verify},
		Project: projectSection{Name: r.Project, ID: r.ProjectID},
		Kafka: kafkaSection{Topic: topic, Schema: subject, Port: brokerPort,
			Consumer: consumerSection{GroupID: "TutorialGroup", AutoOffsetReset: "earliest"}},
		API: apiSection{Base: HopsworksAPIBase, Key: r.APIKey, KeyFile: FileAPIKey},
	}
}

// encodeConfig writes a header comment and c as TOML.
func encodeConfig(header string, c rehearsalConfig) ([]byte, error) {
	b, err := toml.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode rehearsal configuration: %w", err)
	}
	return append([]byte(header), b...), nil
}

// tutorialConfig is config.toml in the tutorial's format, with api.key (its
// scripts read conf['api']['key']) as well as api.key_file, as the tutorial's
// own file has them. hops.url carries the registry's port unless it is 443
// (where the tutorial's Hopsworks serves it); kafkaplot takes the Kafka port
// from kafka.port.
func (r *Rehearsal) tutorialConfig(registryAddr, brokerPort, topic, subject string) ([]byte, error) {
	c := r.base(registryAddr, brokerPort, topic, subject, FileTrustStorePEM)
	c.Project.CAFile, c.Project.CertificateFile, c.Project.KeyFile = FileTrustStorePEM, FileKeyStorePEM, FileKeyStorePEM
	c.Project.KeyPassword = r.KeyPassword
	return encodeConfig(`# Written by "kafkaplot cluster --secure" for its local rehearsal cluster, in the
# format of the Hopsworks tutorial's config.toml: mutual TLS with the PEM files the
# tutorial's keytool + openssl conversion produces, and the registry's API key.
# hops.url carries the registry's port; kafka.port is the broker's.

`, c)
}

// storesConfig is the same configuration reading Hopsworks' exported JKS
// stores directly: no conversion.
func (r *Rehearsal) storesConfig(registryAddr, brokerPort, topic, subject string) ([]byte, error) {
	c := r.base(registryAddr, brokerPort, topic, subject, FileTrustStoreJKS)
	c.TLS = &storesSection{
		Keystore: FileKeyStoreJKS, KeystorePassword: r.StorePassword,
		Truststore: FileTrustStoreJKS, TruststorePassword: r.StorePassword,
	}
	return encodeConfig(`# Written by "kafkaplot cluster --secure": the rehearsal cluster reached with the
# keyStore.jks and trustStore.jks Hopsworks exports, as they are: no keytool, no openssl.

`, c)
}

// HopsURL is hops.url for a registry at addr: the host alone on 443, where
// the tutorial's Hopsworks serves it (its scripts then work unchanged),
// else host:port.
func HopsURL(addr string) string {
	if host, port, err := net.SplitHostPort(addr); err == nil && port == "443" {
		if strings.Contains(host, ":") {
			return "[" + host + "]"
		}
		return host
	}
	return addr
}
