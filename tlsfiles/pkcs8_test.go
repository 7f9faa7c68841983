package tlsfiles_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kafkaplot/kafkaplot/embedded/certs"
	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

var update = flag.Bool("update", false, "regenerate testdata/keys with openssl")

// fixturePassword is the tutorial's key_password.
const fixturePassword = "asdf123"

// keyFixture is a private key file openssl wrote, and how it was made.
type keyFixture struct {
	name string   // file under testdata/keys
	base string   // the plain key it encrypts: rsa.pem or ec.pem
	args []string // openssl arguments; IN and OUT are replaced by paths
}

var keyFixtures = []keyFixture{
	{"rsa.pem", "", []string{"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "OUT"}},
	{"ec.pem", "", []string{"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "OUT"}},
	{"rsa-pkcs1.pem", "rsa.pem", []string{"rsa", "-in", "IN", "-traditional", "-out", "OUT"}},
	{"ec-sec1.pem", "ec.pem", []string{"ec", "-in", "IN", "-out", "OUT"}},
	{"pkcs8-aes256-sha256.pem", "rsa.pem", []string{"pkcs8", "-topk8", "-in", "IN", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256", "-passout", "pass:" + fixturePassword, "-out", "OUT"}},
	{"pkcs8-aes128-sha1.pem", "rsa.pem", []string{"pkcs8", "-topk8", "-in", "IN", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1", "-passout", "pass:" + fixturePassword, "-out", "OUT"}},
	{"pkcs8-aes192-sha512.pem", "ec.pem", []string{"pkcs8", "-topk8", "-in", "IN", "-v2", "aes-192-cbc", "-v2prf", "hmacWithSHA512", "-passout", "pass:" + fixturePassword, "-out", "OUT"}},
	{"pkcs8-des3-sha1.pem", "rsa.pem", []string{"pkcs8", "-topk8", "-in", "IN", "-v2", "des3", "-v2prf", "hmacWithSHA1", "-passout", "pass:" + fixturePassword, "-out", "OUT"}},
	{"pkcs8-des3-sha256.pem", "ec.pem", []string{"pkcs8", "-topk8", "-in", "IN", "-v2", "des3", "-v2prf", "hmacWithSHA256", "-passout", "pass:" + fixturePassword, "-out", "OUT"}},
	{"pkcs8-scrypt.pem", "ec.pem", []string{"pkcs8", "-topk8", "-in", "IN", "-scrypt", "-passout", "pass:" + fixturePassword, "-out", "OUT"}},
	{"legacy-rsa-aes256.pem", "rsa.pem", []string{"rsa", "-in", "IN", "-traditional", "-aes256", "-passout", "pass:" + fixturePassword, "-out", "OUT"}},
	{"legacy-rsa-des3.pem", "rsa.pem", []string{"rsa", "-in", "IN", "-traditional", "-des3", "-passout", "pass:" + fixturePassword, "-out", "OUT"}},
	{"legacy-ec-aes128.pem", "ec.pem", []string{"ec", "-in", "IN", "-aes128", "-passout", "pass:" + fixturePassword, "-out", "OUT"}},
	{"pkcs8-v1-sha1-3des.pem", "rsa.pem", []string{"pkcs8", "-topk8", "-in", "IN", "-v1", "PBE-SHA1-3DES", "-passout", "pass:" + fixturePassword, "-out", "OUT"}},
}

// TestUpdateKeyFixtures rewrites testdata/keys with openssl under -update.
func TestUpdateKeyFixtures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate testdata/keys with openssl")
	}
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Fatal("-update needs openssl")
	}
	dir := filepath.Join("testdata", "keys")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range keyFixtures {
		args := make([]string, len(f.args))
		for i, a := range f.args {
			switch a {
			case "IN":
				a = filepath.Join(dir, f.base)
			case "OUT":
				a = filepath.Join(dir, f.name)
			}
			args[i] = a
		}
		if out, err := exec.Command(openssl, args...).CombinedOutput(); err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "keys", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOpenSSLKeyFixtures(t *testing.T) {
	for _, f := range keyFixtures {
		if f.base == "" {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			want, err := tlsfiles.ParsePrivateKey(readFixture(t, f.base), nil)
			if err != nil {
				t.Fatalf("plain %s: %v", f.base, err)
			}
			data := readFixture(t, f.name)
			encrypted := bytes.Contains(data, []byte("ENCRYPTED"))
			got, err := tlsfiles.ParsePrivateKey(data, []byte(fixturePassword))
			if f.name == "pkcs8-v1-sha1-3des.pem" {
				if !errors.Is(err, tlsfiles.ErrUnsupported) || !strings.Contains(err.Error(), "openssl pkcs8 -topk8 -v2 aes256") {
					t.Fatalf("PBES1 key: got %v, want ErrUnsupported with the conversion command", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("open with the right password: %v", err)
			}
			if !got.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(want.Public()) {
				t.Fatal("decrypted key differs from the plain key")
			}
			if !encrypted {
				return
			}
			if _, err := tlsfiles.ParsePrivateKey(data, []byte("wrong"+fixturePassword)); !errors.Is(err, tlsfiles.ErrWrongPassword) {
				t.Errorf("wrong password: got %v, want ErrWrongPassword", err)
			}
			if _, err := tlsfiles.ParsePrivateKey(data, nil); !errors.Is(err, tlsfiles.ErrPasswordRequired) {
				t.Errorf("no password: got %v, want ErrPasswordRequired", err)
			}
		})
	}
}

// TestEncryptPKCS8 checks our encrypter against our decrypter and, when
// openssl is installed, against openssl.
func TestEncryptPKCS8(t *testing.T) {
	key, err := certs.NewKey(rand.Reader, certs.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		password   string
		iterations int
	}{
		{"openssl default iterations", "pass phrase", 0},
		{"one iteration", "x", 1},
		{"long unicode password", strings.Repeat("pässwörd-", 20), 3000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			enc, err := tlsfiles.EncryptPKCS8(rand.Reader, der, []byte(c.password), c.iterations)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := tlsfiles.DecryptPKCS8(enc, []byte(c.password))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(plain, der) {
				t.Fatal("round trip changed the key")
			}
			if _, err := tlsfiles.DecryptPKCS8(enc, []byte(c.password+"!")); !errors.Is(err, tlsfiles.ErrWrongPassword) {
				t.Errorf("wrong password: %v", err)
			}
			openssl, err := exec.LookPath("openssl")
			switch {
			case err != nil && os.Getenv("CI") != "":
				t.Fatalf("openssl is not installed (CI must install it to check our encrypted keys): %v", err)
			case err != nil:
				t.Skipf("openssl is not installed, so it does not read our encrypted key (the round trip passed): %v", err)
			}
			path := filepath.Join(t.TempDir(), "key.pem")
			if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: enc}), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(openssl, "pkey", "-in", path, "-passin", "pass:"+c.password, "-pubout").CombinedOutput()
			if err != nil {
				t.Fatalf("openssl cannot open our encrypted key: %v\n%s", err, out)
			}
			pub, _ := x509.MarshalPKIXPublicKey(key.Public())
			if !bytes.Contains(out, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})) {
				t.Errorf("openssl read another key:\n%s", out)
			}
		})
	}
}

// TestDecryptPKCS8Malformed feeds broken structures; none may panic and
// each must fail.
func TestDecryptPKCS8Malformed(t *testing.T) {
	key, err := certs.NewKey(rand.Reader, certs.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	good, err := tlsfiles.EncryptPKCS8(rand.Reader, der, []byte("pw"), 1)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"not DER", []byte("hello")},
		{"truncated", good[:len(good)-5]},
		{"trailing data", append(bytes.Clone(good), 0)},
		{"plain PKCS#8 instead", der},
		{"ciphertext not whole blocks", append(bytes.Clone(good[:len(good)-16]), 1, 2, 3)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := tlsfiles.DecryptPKCS8(c.data, []byte("pw")); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func FuzzDecryptPKCS8(f *testing.F) {
	der, _ := os.ReadFile(filepath.Join("testdata", "keys", "pkcs8-aes128-sha1.pem"))
	if b, _ := pem.Decode(der); b != nil {
		f.Add(b.Bytes)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = tlsfiles.DecryptPKCS8(data, []byte(fixturePassword))
	})
}
