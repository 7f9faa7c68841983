package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/simulate"
)

// The end-to-end tests run the real binary, built once with the race
// detector (a race in it fails the test that ran it: exit status 66).
var kafkaplotBin string

// e2eParallel is how many end-to-end tests run at once unless -parallel is
// given: they mostly wait on processes, so more than the CPUs (go test's
// default) keeps the suite short on a 2-core machine.
const e2eParallel = 4

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
	build := exec.Command("go", "build", "-race", "-o", kafkaplotBin, ".")
	build.Stderr = os.Stderr
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

var deliveryLine = regexp.MustCompile(`^Sensor Event (sensor\d) successfully produced to temperature \[(\d)\] at offset (\d+)$`)

func TestProduceConsumeEndToEnd(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	out, errOut, code := kafkaplot(t, append([]string{"produce", "-e", "5", "-d", "0"}, c.flags()...)...)
	if code != 0 {
		t.Fatalf("produce exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var deliveries int
	for _, line := range lines {
		m := deliveryLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		deliveries++
		sensor := m[1][len("sensor"):]
		wantPartition := "0"
		if sensor >= "4" {
			wantPartition = "1"
		}
		if m[2] != wantPartition {
			t.Errorf("%s on [%s], want [%s]", m[1], m[2], wantPartition)
		}
	}
	if deliveries != 40 {
		t.Errorf("got %d delivery lines, want 40:\n%s", deliveries, out)
	}
	if last := lines[len(lines)-1]; last != "To continue execution start from event 5" {
		t.Errorf("last line %q", last)
	}
	// The tutorial's producer says when it flushes, after its loop.
	if i := slices.Index(lines, "Flushing records..."); i < 2 || i >= len(lines)-1 || strings.Count(out, "Flushing records...") != 1 {
		t.Errorf("want one \"Flushing records...\" line between the deliveries and the last line:\n%s", out)
	}

	out, errOut, code = kafkaplot(t, append([]string{"consume", "--until-end", "--group", "e2e"}, c.flags()...)...)
	if code != 0 {
		t.Fatalf("consume exit %d: %s", code, errOut)
	}
	if n := strings.Count(out, "Event record sensor"); n != 40 {
		t.Errorf("consume printed %d records, want 40:\n%s", n, out)
	}
	// Values print as the tutorial's Python prints a double.
	for _, m := range recordText.FindAllStringSubmatch(out, -1) {
		if !strings.ContainsAny(m[3], ".e") {
			t.Errorf("value %q of %s is not printed as Python prints a double", m[3], m[1])
		}
	}
	if !strings.Contains(out, "consumed 40 records (0 errors)") {
		t.Errorf("no summary line in:\n%s", out)
	}

	out, _, code = kafkaplot(t, append([]string{"consume", "--until-end", "--group", "e2e", "--quiet"}, c.flags()...)...)
	if code != 0 || !strings.Contains(out, "consumed 0 records (0 errors)") {
		t.Errorf("same group again: exit %d, %q; want 0 records", code, out)
	}
	out, _, code = kafkaplot(t, append([]string{"consume", "--until-end", "--group", "other", "--quiet"}, c.flags()...)...)
	if code != 0 || !strings.Contains(out, "consumed 40 records (0 errors)") {
		t.Errorf("new group: exit %d, %q; want 40 records", code, out)
	}
}

// TestProduceContinuesSeries checks that -t resumes the model where a run
// stopped: with noise off, the values are exactly the model's at steps 5–9.
func TestProduceContinuesSeries(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	for _, args := range [][]string{{"-e", "5"}, {"-t", "5", "-e", "5"}} {
		out, errOut, code := kafkaplot(t, append(append([]string{"produce", "-d", "0", "--noise=false"}, args...), c.flags()...)...)
		if code != 0 {
			t.Fatalf("produce %v: exit %d: %s", args, code, errOut)
		}
		if want := fmt.Sprintf("To continue execution start from event %s", map[bool]string{true: "5", false: "10"}[len(args) == 2]); !strings.Contains(out, want) {
			t.Fatalf("produce %v: no %q in:\n%s", args, want, out)
		}
	}
	out, errOut, code := kafkaplot(t, append([]string{"consume", "--until-end", "--group", "series"}, c.flags()...)...)
	if code != 0 {
		t.Fatalf("consume: exit %d: %s", code, errOut)
	}
	values := map[string][]float64{}
	record := regexp.MustCompile(`Event record (sensor\d): id: sensor\d\n\ttimestamp: [^\n]+\n\tvalue: ([^\n]+)\n`)
	for _, m := range record.FindAllStringSubmatch(out, -1) {
		var v float64
		if _, err := fmt.Sscan(m[2], &v); err != nil {
			t.Fatal(err)
		}
		values[m[1]] = append(values[m[1]], v)
	}
	for _, s := range simulate.TutorialSensors() {
		got := values[s.ID]
		if len(got) != 10 {
			t.Fatalf("%s: %d values, want 10", s.ID, len(got))
		}
		for step, v := range got {
			if want := s.Clean(float64(step)); math.Abs(v-want) > 1e-9 {
				t.Errorf("%s step %d: %v, want %v", s.ID, step, v, want)
			}
		}
	}
}
