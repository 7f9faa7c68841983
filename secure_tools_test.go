package main

import (
	"bytes"
	"crypto/rand"
	"encoding/pem"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/embedded"
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
	keytool := needTool(t, "keytool")
	openssl := needTool(t, "openssl")
	c := startSecureCluster(t)
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
	signed, err := c.r.CA.SignRequest(rand.Reader, block.Bytes, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, dir+"/ca.crt", certsPEM(c.r.CA.Cert))
	writeTestFile(t, dir+"/client.crt", certsPEM(signed))
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
			cfg := c.config(t, embedded.FileConfig)
			cfg.Project.CAFile, cfg.Project.CertificateFile, cfg.Project.KeyFile, cfg.Project.KeyPassword = "", "", "", ""
			tc.change(&cfg)
			var warn bytes.Buffer
			s := settingsFor(cfg, &warn)
			_, info, err := s.dial()
			if err != nil {
				t.Fatal(err)
			}
			if info.Certificate == nil || !info.Certificate.Equal(signed) {
				t.Fatalf("client certificate %v, want the one keytool requested", info.Certificate)
			}
			if err := connectAndProduce(t, s); err != nil {
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
			cfg := c.config(t, embedded.FileConfig)
			cfg.Project.CAFile, cfg.Project.CertificateFile, cfg.Project.KeyFile, cfg.Project.KeyPassword = "", "", "", ""
			tc.change(&cfg)
			var warn bytes.Buffer
			_, err := settingsFor(cfg, &warn).connection()
			if err == nil || !strings.HasPrefix(err.Error(), tc.wantKey) {
				t.Fatalf("got %v, want an error naming %s", err, tc.wantKey)
			}
		})
	}
}
