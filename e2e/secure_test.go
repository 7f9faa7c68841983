package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/internal/doctor"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// secureBinaryCluster is a running "kafkaplot cluster --secure DIR".
type secureBinaryCluster struct {
	dir, broker, registry string
	secrets               []string // passwords and API key it wrote
}

// startSecureBinaryCluster starts "kafkaplot cluster --secure" on free
// ports, with extra flags; it is interrupted (and must exit 0) when the
// test ends.
func startSecureBinaryCluster(t *testing.T, extra ...string) secureBinaryCluster {
	t.Helper()
	needBinary(t)
	c := secureBinaryCluster{dir: t.TempDir(), broker: freeAddr(t), registry: freeAddr(t)}
	p := testsupport.Start(t, exec.Command(kafkaplotBin, append([]string{"cluster", "--secure", c.dir, "--broker", c.broker, "--registry", c.registry}, extra...)...), os.Interrupt, 0)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(c.dir, embedded.FileConfigJKS)); err == nil {
			if conn, err := net.DialTimeout("tcp", c.registry, 200*time.Millisecond); err == nil {
				conn.Close()
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("secure cluster did not start: %s%s", p.Stdout(), p.Stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, name := range []string{embedded.FileConfig, embedded.FileConfigJKS} {
		cfg, err := config.Load(filepath.Join(c.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		key, err := cfg.APIKey()
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{cfg.Project.KeyPassword, cfg.TLS.KeystorePassword, key} {
			if s != "" {
				c.secrets = append(c.secrets, s)
			}
		}
	}
	c.checkNoSecrets(t, "the cluster's output", p.Stdout()+p.Stderr())
	return c
}

func (c secureBinaryCluster) path(name string) string { return filepath.Join(c.dir, name) }

// checkNoSecrets fails when any output shows a password or the API key.
func (c secureBinaryCluster) checkNoSecrets(t *testing.T, what string, outputs ...string) {
	t.Helper()
	for _, out := range outputs {
		for _, s := range c.secrets {
			if s != "" && strings.Contains(out, s) {
				t.Errorf("%s shows a secret:\n%s", what, out)
			}
		}
	}
}

// writeVariant writes a copy of the cluster's config.toml with each old
// string replaced by its new one.
func (c secureBinaryCluster) writeVariant(t *testing.T, name string, oldNew ...string) string {
	t.Helper()
	return testsupport.WriteVariant(t, c.path(embedded.FileConfig), c.path(name), oldNew...)
}

// TestSecureClusterEndToEnd runs the rehearsal the issue describes: produce
// and consume over mutual TLS with the tutorial's config.toml as written,
// the same with the JKS stores, refusals of a plaintext and a wrong-CA
// client, and doctor.
func TestSecureClusterEndToEnd(t *testing.T) {
	endToEnd(t)
	c := startSecureBinaryCluster(t)
	var outputs []string
	run := func(args ...string) (string, string, int) {
		t.Helper()
		out, errOut, code := kafkaplot(t, args...)
		outputs = append(outputs, out, errOut)
		return out, errOut, code
	}

	out, errOut, code := run("produce", "-c", c.path(embedded.FileConfig), "-e", "5", "-d", "0")
	if code != 0 {
		t.Fatalf("produce with config.toml: exit %d: %s", code, errOut)
	}
	if n := len(regexp.MustCompile(`(?m)^Sensor Event sensor\d successfully produced to temperature \[\d\] at offset \d+$`).FindAllString(out, -1)); n != 40 {
		t.Errorf("produce: %d delivery lines, want 40:\n%s", n, out)
	}
	out, errOut, code = run("consume", "-c", c.path(embedded.FileConfig), "--until-end")
	if code != 0 || !strings.Contains(out, "consumed 40 records (0 errors)") {
		t.Fatalf("consume with config.toml: exit %d:\n%s\n%s", code, out, errOut)
	}

	// The stores as Hopsworks exports them, no conversion; --register goes
	// through the registry's 415 on the registry content type.
	if _, errOut, code = run("produce", "-c", c.path(embedded.FileConfigJKS), "-t", "5", "-e", "5", "-d", "0", "--register", "--quiet"); code != 0 {
		t.Fatalf("produce with config-jks.toml: exit %d: %s", code, errOut)
	}
	out, errOut, code = run("consume", "-c", c.path(embedded.FileConfigJKS), "--until-end", "--group", "jks", "--quiet")
	if code != 0 || !strings.Contains(out, "consumed 80 records (0 errors)") {
		t.Fatalf("consume with config-jks.toml: exit %d:\n%s\n%s", code, out, errOut)
	}

	refusals := []struct {
		name string
		args []string
		want string
	}{
		{"plaintext client", []string{"produce", "-e", "1", "--brokers", c.broker, "--registry", "https://" + c.registry}, "speaks TLS, but kafka.security_protocol is PLAINTEXT"},
		{"missing CA file", []string{"consume", "--until-end", "-c", c.writeVariant(t, "missing-ca.toml", "ca_file = 'trustStore.pem'", "ca_file = '"+filepath.Join(t.TempDir(), "x")+"'")}, "project.ca_file: "},
	}
	// A CA file that exists but holds another CA.
	other := testsupport.NewCA(t, "another CA")
	otherCA := testsupport.WriteFile(t, c.path("other-ca.pem"), testsupport.CertsPEM(other.Cert))
	refusals = append(refusals, struct {
		name string
		args []string
		want string
	}{"client trusting another CA", []string{"consume", "--until-end", "-c", c.writeVariant(t, "other-ca.toml", "ca_file = 'trustStore.pem'", "ca_file = '"+otherCA+"'")}, "which is not a CA in project.ca_file"})
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			_, errOut, code := run(r.args...)
			if code == 0 || !strings.Contains(errOut, r.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("exit %d, stderr %q: want one line with %q", code, errOut, r.want)
			}
		})
	}

	t.Run("doctor", func(t *testing.T) {
		for _, name := range []string{embedded.FileConfig, embedded.FileConfigJKS} {
			out, errOut, code := run("doctor", "-c", c.path(name))
			if code != 0 || strings.Contains(out, "✗") {
				t.Fatalf("doctor %s: exit %d:\n%s\n%s", name, code, out, errOut)
			}
			for _, check := range []string{"config", "credentials", "kafka dns", "kafka tcp", "kafka tls", "kafka api", "kafka metadata", "topic", "group", "registry tcp", "registry tls", "registry auth", "subject", "compatibility"} {
				if !regexp.MustCompile(`(?m)^✓ ` + regexp.QuoteMeta(check) + ` `).MatchString(out) {
					t.Errorf("doctor %s: no ✓ %s line:\n%s", name, check, out)
				}
			}
			if !strings.Contains(out, "client certificate accepted") || !strings.Contains(out, "temperature: 2 partition(s)") {
				t.Errorf("doctor %s lacks the handshake or topic details:\n%s", name, out)
			}
		}
		_, port, _ := net.SplitHostPort(freeAddr(t))
		cases := []struct {
			name      string
			config    string
			wantCheck string
			wantFix   string
			wantCode  int
		}{
			{"wrong password", c.writeVariant(t, "bad-password.toml", "key_password = '", "key_password = 'x"), "credentials", "project.key_password: ", doctor.ExitConfig},
			{"wrong port", c.writeVariant(t, "bad-port.toml", "port = '", "port = '"+port+"' # was '"), "kafka tcp", "check hops.url and kafka.port", doctor.ExitNetwork},
			{"wrong API key", c.writeVariant(t, "bad-key.toml", "key = '", "key = 'not-the-key' # was '"), "registry auth", "check api.key (or KAFKAPLOT_API_KEY)", doctor.ExitAuth},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				out, errOut, code := run("doctor", "-c", tc.config)
				line := regexp.MustCompile(`(?m)^✗ ` + regexp.QuoteMeta(tc.wantCheck) + ` .*$`).FindString(out)
				if code != tc.wantCode || line == "" || !strings.Contains(line, tc.wantFix) {
					t.Fatalf("exit %d (want %d); want a ✗ %s line with %q:\n%s\n%s", code, tc.wantCode, tc.wantCheck, tc.wantFix, out, errOut)
				}
				if !strings.Contains(errOut, "the first: "+tc.wantCheck) {
					t.Errorf("stderr %q does not name the first failed check", errOut)
				}
			})
		}
	})
	c.checkNoSecrets(t, "a command's output", outputs...)
}

// TestSecurePythonInterop runs the tutorial's library with the PEM files
// and the tutorial's config.toml against the secure cluster, both ways.
func TestSecurePythonInterop(t *testing.T) {
	endToEnd(t)
	needPythonKafka(t)
	c := startSecureBinaryCluster(t)
	if _, errOut, code := kafkaplot(t, "produce", "-c", c.path(embedded.FileConfig), "-e", "3", "-d", "0", "--noise=false"); code != 0 {
		t.Fatalf("produce: exit %d: %s", code, errOut)
	}
	python := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, python, append([]string{"../testdata/interop/secure_client.py", c.path(embedded.FileConfig)}, args...)...)
		// requests lets these override hops.verify.
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "REQUESTS_CA_BUNDLE=") && !strings.HasPrefix(kv, "CURL_CA_BUNDLE=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("python %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	lines := strings.Split(strings.TrimSpace(python("consume", "24")), "\n")
	if len(lines) != 24 {
		t.Fatalf("python decoded %d records, want 24:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for _, line := range lines {
		if f := strings.Fields(line); len(f) != 5 || f[0] != f[3] {
			t.Errorf("python decoded %q: key and id differ", line)
		}
	}
	produced := strings.Split(strings.TrimSpace(python("produce", "2")), "\n")
	if len(produced) != 16 {
		t.Fatalf("python produced %d records, want 16", len(produced))
	}
	out, errOut, code := kafkaplot(t, "consume", "-c", c.path(embedded.FileConfig), "--until-end", "--group", "after-python")
	if code != 0 || !strings.Contains(out, "consumed 40 records (0 errors)") {
		t.Fatalf("consume after python: exit %d:\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "\tvalue: 101.7\n") || !strings.Contains(out, "\ttimestamp: "+time.UnixMilli(1_700_000_001_000).Format("2006-01-02 15:04:05.000")) {
		t.Errorf("python's records not decoded as written:\n%s", out)
	}
}

// TestSecureDashboardInTmux runs the dashboard on the secure cluster with
// the tutorial's config.toml and its secrets in the environment instead, and
// a second one with the JKS configuration: sensors are charted, and neither
// screen nor log shows a secret.
func TestSecureDashboardInTmux(t *testing.T) {
	endToEnd(t)
	needBinary(t)
	tm := testsupport.NewTmux(t)
	c := startSecureBinaryCluster(t)
	dir := t.TempDir()
	cfg, err := config.Load(c.path(embedded.FileConfig))
	if err != nil {
		t.Fatal(err)
	}
	// The file keeps no secret: the key password comes from the environment.
	noSecret := c.writeVariant(t, "env.toml", "key_password = '"+cfg.Project.KeyPassword+"'", "key_password = 'from-environment'")
	logPath := filepath.Join(dir, "dashboard.log")
	// A password in the registry's URL must not reach the log either.
	const urlSecret = "url-secret-d41d8cd9"
	c.secrets = append(c.secrets, urlSecret)
	registryURL := strings.Replace(cfg.RegistryURL(), "https://", "https://kafkaplot:"+urlSecret+"@", 1)
	secure := tm.Start("secure", 160, 48, dir, []string{"KAFKAPLOT_PROJECT_KEY_PASSWORD=" + cfg.Project.KeyPassword, "KAFKAPLOT_REGISTRY_URL=" + registryURL},
		kafkaplotBin, "-c", noSecret, "--generate", "--log", logPath)
	screen := tm.WaitScreen("secure", "all eight sensors charted", 30*time.Second, func(s string) bool {
		for i := range 8 {
			if !strings.Contains(s, fmt.Sprintf("sensor%d", i)) {
				return false
			}
		}
		return hasBraille(s)
	})
	if !strings.Contains(screen, c.broker) {
		t.Errorf("the dashboard does not name the broker %s:\n%s", c.broker, screen)
	}
	// The same with the JKS stores, in its own group.
	jksLog := filepath.Join(dir, "dashboard-jks.log")
	jks := tm.Start("jks", 160, 48, dir, nil, kafkaplotBin, "-c", c.path(embedded.FileConfigJKS), "--group", "jks", "--log", jksLog)
	jksScreen := tm.WaitScreen("jks", "all eight sensors charted from the JKS configuration", 30*time.Second, func(s string) bool {
		for i := range 8 {
			if !strings.Contains(s, fmt.Sprintf("sensor%d", i)) {
				return false
			}
		}
		got, ok := owns(s)
		return ok && got == "0,1" && hasBraille(s)
	})
	jks.Quit()
	secure.Quit()
	var logs []string
	for _, p := range []string{logPath, jksLog} {
		log, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		logs = append(logs, string(log))
	}
	c.checkNoSecrets(t, "the dashboard", append(logs, screen, jksScreen, secure.Stderr(), jks.Stderr())...)
}
