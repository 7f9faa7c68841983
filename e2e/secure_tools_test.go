package e2e

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/internal/testsupport/rehearsal"
	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// run runs a tool in dir and fails the test with its output if it fails.
func runTool(t *testing.T, dir string, stdin []byte, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// TestToolMadeCredentialsConnect makes the credentials the way Hopsworks
// and the tutorial do, with the real tools: keytool generates the key pair
// in a JKS keystore, the cluster's CA signs its request, keytool converts
// the stores to PKCS#12 (the tutorial's -importkeystore) and openssl to PEM
// (the tutorial's `openssl pkcs12 -in keyStore.p12 -out keyStore.pem`, an
// encrypted key), plus a legacy-encrypted key and an openssl-made PKCS#12.
// Every one connects to the mutual-TLS broker.
func TestToolMadeCredentialsConnect(t *testing.T) {
	endToEnd(t)
	keytool := needTool(t, "keytool")
	openssl := needTool(t, "openssl")
	c := rehearsal.Start(t)
	dir := t.TempDir()
	const (
		storePass = "MQJNW833YNBR9C0OZYGBGAB09P2PP4H5EHIALGWIT98I2PNSPTIXFCEI72FT0VLE"
		pemPass   = "asdf123"
		alias     = "kafka_tutorial__meb10000"
	)
	started := time.Now()
	// -J flags start the JVM faster: these runs are short.
	jvm := []string{"-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"}
	keytoolRun := func(args ...string) { runTool(t, dir, nil, keytool, append(append([]string(nil), jvm...), args...)...) }
	keytoolRun("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Kafka_Tutorial__meb10000",
		"-validity", "30", "-keystore", "keyStore.jks", "-storetype", "JKS", "-storepass", storePass, "-keypass", storePass)
	keytoolRun("-certreq", "-alias", alias, "-keystore", "keyStore.jks", "-storepass", storePass, "-file", "client.csr")
	csrPEM, err := os.ReadFile(dir + "/client.csr")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(csrPEM)
	if block == nil {
		t.Fatalf("keytool wrote no PEM request:\n%s", csrPEM)
	}
	signed, err := c.R.CA.SignRequest(rand.Reader, block.Bytes, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	testsupport.WriteFile(t, dir+"/ca.crt", testsupport.CertsPEM(c.R.CA.Cert))
	testsupport.WriteFile(t, dir+"/client.crt", testsupport.CertsPEM(signed))
	keytoolRun("-importcert", "-alias", "hops_root_ca", "-file", "ca.crt", "-keystore", "keyStore.jks", "-storepass", storePass, "-noprompt")
	keytoolRun("-importcert", "-alias", alias, "-file", "client.crt", "-keystore", "keyStore.jks", "-storepass", storePass, "-noprompt")
	keytoolRun("-importcert", "-alias", "hops_root_ca", "-file", "ca.crt", "-keystore", "trustStore.jks", "-storetype", "JKS", "-storepass", storePass, "-noprompt")
	// The tutorial's conversion, passwords given on the command line.
	for _, store := range []string{"keyStore", "trustStore"} {
		keytoolRun("-importkeystore", "-srckeystore", store+".jks", "-destkeystore", store+".p12", "-srcstoretype", "jks", "-deststoretype", "pkcs12",
			"-srcstorepass", storePass, "-deststorepass", storePass, "-noprompt")
		runTool(t, dir, nil, openssl, "pkcs12", "-in", store+".p12", "-out", store+".pem", "-passin", "pass:"+storePass, "-passout", "pass:"+pemPass)
	}
	// A legacy-encrypted key and its certificate, and a PKCS#12 made by openssl.
	plainKey := runTool(t, dir, nil, openssl, "pkcs12", "-in", "keyStore.p12", "-nocerts", "-nodes", "-passin", "pass:"+storePass)
	runTool(t, dir, plainKey, openssl, "rsa", "-aes256", "-traditional", "-passout", "pass:"+pemPass, "-out", "legacy.key")
	runTool(t, dir, plainKey, openssl, "pkcs8", "-topk8", "-nocrypt", "-out", "plain.key")
	runTool(t, dir, nil, openssl, "pkcs12", "-in", "keyStore.p12", "-nokeys", "-clcerts", "-passin", "pass:"+storePass, "-out", "client-cert.pem")
	runTool(t, dir, nil, openssl, "pkcs12", "-export", "-in", "client-cert.pem", "-inkey", "plain.key", "-out", "openssl.p12", "-passout", "pass:"+storePass)
	t.Logf("keytool and openssl made the credentials in %s", time.Since(started).Round(time.Millisecond))

	pemKey, err := os.ReadFile(dir + "/keyStore.pem")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(pemKey, []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----")) || !bytes.Contains(pemKey, []byte("Bag Attributes")) {
		t.Fatalf("openssl's keyStore.pem is not the tutorial's combined, encrypted file:\n%s", pemKey)
	}
	legacy, err := os.ReadFile(dir + "/legacy.key")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(legacy, []byte("Proc-Type: 4,ENCRYPTED")) {
		t.Fatalf("legacy.key is not legacy-encrypted:\n%s", legacy)
	}

	path := func(name string) string { return dir + "/" + name }
	cases := []struct {
		name   string
		change func(*config.Config)
	}{
		{"keytool JKS stores", func(cfg *config.Config) {
			cfg.TLS = config.TLS{Keystore: path("keyStore.jks"), KeystorePassword: storePass, Truststore: path("trustStore.jks"), TruststorePassword: storePass}
		}},
		{"keytool PKCS#12 stores", func(cfg *config.Config) {
			cfg.TLS = config.TLS{Keystore: path("keyStore.p12"), KeystorePassword: storePass, Truststore: path("trustStore.p12"), TruststorePassword: storePass}
		}},
		{"openssl PEM: combined file, PKCS#8-encrypted key (the tutorial)", func(cfg *config.Config) {
			cfg.Project.CAFile, cfg.Project.CertificateFile, cfg.Project.KeyFile, cfg.Project.KeyPassword = path("trustStore.pem"), path("keyStore.pem"), path("keyStore.pem"), pemPass
		}},
		{"openssl PEM: legacy-encrypted key", func(cfg *config.Config) {
			cfg.Project.CAFile, cfg.Project.CertificateFile, cfg.Project.KeyFile, cfg.Project.KeyPassword = path("ca.crt"), path("client-cert.pem"), path("legacy.key"), pemPass
		}},
		{"openssl PKCS#12 keystore", func(cfg *config.Config) {
			cfg.Project.CAFile = path("trustStore.pem")
			cfg.TLS = config.TLS{Keystore: path("openssl.p12"), KeystorePassword: storePass}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := c.Config(t, embedded.FileConfig)
			cfg.Project.CAFile, cfg.Project.CertificateFile, cfg.Project.KeyFile, cfg.Project.KeyPassword = "", "", "", ""
			tc.change(&cfg)
			var warn bytes.Buffer
			s := connect.New(cfg, "test")
			s.Warn = &warn // the default deadlines: a mutual TLS handshake with a -race broker under load takes over a second
			_, info, err := s.Dial()
			if err != nil {
				t.Fatal(err)
			}
			if info.Certificate == nil || !info.Certificate.Equal(signed) {
				t.Fatalf("client certificate %v, want the one keytool requested", info.Certificate)
			}
			conn, err := s.Connection(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if err := rehearsal.ProduceOne(conn, s.Cfg.Kafka.Topic); err != nil {
				t.Fatal(err)
			}
		})
	}
	bad := []struct {
		name    string
		change  func(*config.Config)
		wantKey string
	}{
		{"keytool JKS, wrong password", func(cfg *config.Config) {
			cfg.TLS = config.TLS{Keystore: path("keyStore.jks"), KeystorePassword: "wrong", Truststore: path("trustStore.jks"), TruststorePassword: storePass}
		}, "tls.keystore_password: "},
		{"keytool PKCS#12, wrong password", func(cfg *config.Config) {
			cfg.TLS = config.TLS{Keystore: path("keyStore.p12"), KeystorePassword: "wrong", Truststore: path("trustStore.p12"), TruststorePassword: storePass}
		}, "tls.keystore_password: "},
		{"openssl PEM, wrong password", func(cfg *config.Config) {
			cfg.Project.CAFile, cfg.Project.CertificateFile, cfg.Project.KeyFile, cfg.Project.KeyPassword = path("trustStore.pem"), path("keyStore.pem"), path("keyStore.pem"), "wrong"
		}, "project.key_password: "},
		{"openssl legacy PEM, wrong password", func(cfg *config.Config) {
			cfg.Project.CAFile, cfg.Project.CertificateFile, cfg.Project.KeyFile, cfg.Project.KeyPassword = path("ca.crt"), path("client-cert.pem"), path("legacy.key"), "wrong"
		}, "project.key_password: "},
		{"keytool truststore as keystore", func(cfg *config.Config) {
			cfg.TLS = config.TLS{Keystore: path("trustStore.jks"), KeystorePassword: storePass}
		}, "tls.keystore: "},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			cfg := c.Config(t, embedded.FileConfig)
			cfg.Project.CAFile, cfg.Project.CertificateFile, cfg.Project.KeyFile, cfg.Project.KeyPassword = "", "", "", ""
			tc.change(&cfg)
			var warn bytes.Buffer
			s := connect.New(cfg, "test")
			s.Warn, s.DialTimeout = &warn, time.Second
			_, err := s.Connection(context.Background())
			if err == nil || !strings.HasPrefix(err.Error(), tc.wantKey) {
				t.Fatalf("got %v, want an error naming %s", err, tc.wantKey)
			}
		})
	}
}

// TestKeytoolReadsOurStores has Java's keytool read the stores that
// `cluster --secure` writes (keyStore.jks with the client's key and chain,
// trustStore.jks with the CA) and the PKCS#12 stores tlsfiles encodes: it
// lists each with the certificate we wrote, and converts the JKS keystore
// to PKCS#12 (the tutorial's -importkeystore), which needs the private key
// decrypted, giving back the same key.
func TestKeytoolReadsOurStores(t *testing.T) {
	endToEnd(t)
	keytool := needTool(t, "keytool")
	c := startSecureBinaryCluster(t)
	cfg, err := config.Load(c.path(embedded.FileConfigJKS))
	if err != nil {
		t.Fatal(err)
	}
	pass := cfg.TLS.KeystorePassword
	pair, _, err := tlsfiles.LoadKeystore(c.path(embedded.FileKeyStoreJKS), []byte(pass))
	if err != nil {
		t.Fatal(err)
	}
	cas, _, err := tlsfiles.LoadCertificates(c.path(embedded.FileTrustStoreJKS), []byte(cfg.TLS.TruststorePassword))
	if err != nil || len(cas) != 1 {
		t.Fatalf("truststore: %d certificates, %v", len(cas), err)
	}
	dir := t.TempDir()
	p12, err := tlsfiles.EncodePKCS12Keystore(rand.Reader, pair, []byte(pass))
	if err != nil {
		t.Fatal(err)
	}
	p12Trust, err := tlsfiles.EncodePKCS12Truststore(rand.Reader, cas, []byte(pass))
	if err != nil {
		t.Fatal(err)
	}
	testsupport.WriteFile(t, filepath.Join(dir, "ours.p12"), p12)
	testsupport.WriteFile(t, filepath.Join(dir, "ours-trust.p12"), p12Trust)

	jvm := []string{"-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"}
	list := func(path, storetype string) string {
		t.Helper()
		return string(runTool(t, dir, nil, keytool, append(jvm, "-list", "-v", "-keystore", path, "-storetype", storetype, "-storepass", pass)...))
	}
	for _, tc := range []struct {
		name, path, storetype, entry string
		leaf                         *x509.Certificate
		chain                        int
	}{
		{"cluster's keyStore.jks", c.path(embedded.FileKeyStoreJKS), "JKS", "PrivateKeyEntry", pair.Leaf, 1 + len(pair.Chain)},
		{"cluster's trustStore.jks", c.path(embedded.FileTrustStoreJKS), "JKS", "trustedCertEntry", cas[0], 0},
		{"tlsfiles' PKCS#12 keystore", filepath.Join(dir, "ours.p12"), "PKCS12", "PrivateKeyEntry", pair.Leaf, 1 + len(pair.Chain)},
		{"tlsfiles' PKCS#12 truststore", filepath.Join(dir, "ours-trust.p12"), "PKCS12", "trustedCertEntry", cas[0], 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := list(tc.path, tc.storetype)
			if !strings.Contains(out, "Your keystore contains 1 entry") || !strings.Contains(out, "Entry type: "+tc.entry) {
				t.Errorf("keytool does not list one %s:\n%s", tc.entry, out)
			}
			if want := "SHA256: " + fingerprint(tc.leaf); !strings.Contains(out, want) {
				t.Errorf("keytool shows no certificate with %s:\n%s", want, out)
			}
			if tc.chain > 0 && !strings.Contains(out, fmt.Sprintf("Certificate chain length: %d", tc.chain)) {
				t.Errorf("keytool shows another chain length than %d:\n%s", tc.chain, out)
			}
		})
	}

	runTool(t, dir, nil, keytool, append(jvm, "-importkeystore", "-srckeystore", c.path(embedded.FileKeyStoreJKS), "-srcstorepass", pass,
		"-destkeystore", "converted.p12", "-deststoretype", "PKCS12", "-deststorepass", pass, "-noprompt")...)
	converted, _, err := tlsfiles.LoadKeystore(filepath.Join(dir, "converted.p12"), []byte(pass))
	if err != nil {
		t.Fatalf("keytool's PKCS#12 conversion of keyStore.jks: %v", err)
	}
	if !converted.Leaf.Equal(pair.Leaf) || !pair.Leaf.PublicKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(converted.Key.Public()) {
		t.Errorf("keytool's conversion holds another certificate or key than keyStore.jks")
	}
}

// fingerprint is a certificate's SHA-256 fingerprint as keytool prints it.
func fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	hexes := make([]string, len(sum))
	for i, b := range sum {
		hexes[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(hexes, ":")
}
