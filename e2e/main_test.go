package e2e

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// The end-to-end tests run the real binary, built once with the race
// detector (a race in it fails the test that ran it: exit status 66).
var kafkaplotBin string

// e2eParallel is how many end-to-end tests run at once unless -parallel is
// given: they mostly wait on processes, so more than the CPUs (go test's
// default) keeps the suite short on a 2-core machine.
const e2eParallel = 6

func TestMain(m *testing.M) {
	flag.Parse()
	parallelSet := false
	flag.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "test.parallel" })
	if !parallelSet {
		flag.Set("test.parallel", strconv.Itoa(max(e2eParallel, runtime.GOMAXPROCS(0))))
	}
	if testing.Short() { // the end-to-end tests skip themselves: no binary needed
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "kafkaplot-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	kafkaplotBin = filepath.Join(dir, "kafkaplot")
	// -buildvcs=auto stamps the commit in a clone whatever GOFLAGS says
	// (TestVersionFlag checks it) and nothing in a git worktree.
	build := exec.Command("go", "build", "-race", "-buildvcs=auto", "-o", kafkaplotBin, ".")
	build.Dir, build.Stderr = "..", os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build kafkaplot:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// endToEnd marks a test that starts processes, clusters or external tools
// (testsupport.EndToEnd: skipped by -short, run in parallel).
func endToEnd(t *testing.T) {
	t.Helper()
	testsupport.EndToEnd(t)
}

// needBinary fails a test that runs the binary without being marked
// endToEnd (under -short the binary is not built).
func needBinary(t *testing.T) {
	t.Helper()
	if kafkaplotBin == "" {
		t.Fatal("this test runs the kafkaplot binary: mark it endToEnd")
	}
}

// needTool is testsupport.NeedTool.
func needTool(t *testing.T, name string) string {
	t.Helper()
	return testsupport.NeedTool(t, name)
}

// freeAddr is testsupport.FreeAddr, under the name the package's unit
// tests use.
func freeAddr(t *testing.T) string {
	t.Helper()
	return testsupport.FreeAddr(t)
}

// cluster is a running "kafkaplot cluster" process.
type cluster struct {
	broker, registry string
	proc             *testsupport.Proc
}

func (c cluster) flags() []string {
	return []string{"--brokers", c.broker, "--registry", "http://" + c.registry}
}

// startCluster starts "kafkaplot cluster" on free ports with extra flags.
func startCluster(t *testing.T, extra ...string) cluster {
	t.Helper()
	return startClusterAt(t, freeAddr(t), freeAddr(t), extra...)
}

// startClusterAt starts "kafkaplot cluster" on the given addresses and
// waits until it is ready; it is interrupted (and must exit 0) when the
// test ends, or earlier by c.stop.
func startClusterAt(t *testing.T, broker, registry string, extra ...string) cluster {
	t.Helper()
	needBinary(t)
	c := cluster{broker: broker, registry: registry}
	c.proc = testsupport.Start(t, exec.Command(kafkaplotBin, append([]string{"cluster", "--broker", c.broker, "--registry", c.registry}, extra...)...), os.Interrupt, 0)
	// Ready once the registry lists the subject the cluster registers on
	// start (accepting connections comes before that).
	deadline := time.Now().Add(15 * time.Second)
	hc := http.Client{Timeout: time.Second}
	for {
		if resp, err := hc.Get("http://" + c.registry + "/subjects"); err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.Trim(strings.TrimSpace(string(body)), "[]") != "" {
				break
			}
		}
		select {
		case <-c.proc.Done():
			t.Fatalf("cluster exited at start: %s%s", c.proc.Stdout(), c.proc.Stderr())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("cluster did not start: %s%s", c.proc.Stdout(), c.proc.Stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return c
}

// stop interrupts the cluster and waits for it to exit 0.
func (c cluster) stop(t *testing.T) {
	t.Helper()
	c.proc.Stop(os.Interrupt, 0)
}

// kafkaplot runs the binary and returns stdout, stderr and the exit code.
func kafkaplot(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return kafkaplotEnv(t, nil, args...)
}

// kafkaplotEnv is kafkaplot with variables (KEY=value) added to the
// environment of the binary only, so that the test may run in parallel. A
// data race in its output, or a run over 60 s, fails the test.
func kafkaplotEnv(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	needBinary(t)
	cmd := exec.Command(kafkaplotBin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = t.TempDir() // no ./config.toml
	return testsupport.Run(t, cmd, 60*time.Second)
}
