package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// TestProducerGivesUpWhenBrokerDies stops the cluster under a running
// producer: it retries a bounded time, exits non-zero with a clear error,
// and its resume line names the first step not acknowledged.
func TestProducerGivesUpWhenBrokerDies(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	producer := exec.Command(kafkaplotBin, append([]string{"produce", "-e", "0", "-d", "0.05"}, c.flags()...)...)
	producer.Dir = t.TempDir()
	p := testsupport.Start(t, producer, os.Interrupt, 130)
	// Ten steps delivered, then the broker goes away.
	testsupport.WaitUntil(t, "ten steps delivered", 30*time.Second, func() bool {
		n := 0
		for _, line := range strings.Split(p.Stdout(), "\n") {
			if deliveryLine.MatchString(line) {
				n++
			}
		}
		return n >= 80
	})
	c.proc.Kill()
	code := p.Wait(90 * time.Second)
	if code == 0 || code == testsupport.Killed {
		t.Fatalf("producer exit code %d, want it to give up with a non-zero one", code)
	}
	if !strings.Contains(p.Stderr(), "produce to temperature") {
		t.Errorf("stderr does not say what failed: %q", p.Stderr())
	}
	// Deliveries per step, and the resume line.
	out := strings.Split(strings.TrimSpace(p.Stdout()), "\n")
	delivered := map[int]int{}
	var step, resume = 0, -1
	for _, line := range out {
		if deliveryLine.MatchString(line) {
			delivered[step/8]++
			step++
		}
		if n, ok := strings.CutPrefix(line, "To continue execution start from event "); ok {
			resume, _ = strconv.Atoi(n)
		}
	}
	if resume < 10 {
		t.Fatalf("resume line says %d, want at least the 10 steps seen delivered:\n%s", resume, strings.Join(out[max(0, len(out)-10):], "\n"))
	}
	total := 0
	for _, n := range delivered {
		total += n
	}
	// Every step before the resume point was acknowledged in full, and not more.
	if total < resume*8 || total >= (resume+1)*8 {
		t.Errorf("%d delivery lines but resume from step %d: steps before it must be complete, it must not be", total, resume)
	}
}

var recordText = regexp.MustCompile(`(?m)^Event record (sensor\d): id: sensor\d\n\ttimestamp: ([^\n]+)\n\tvalue: (\S+)$`)

// TestConsumerKillResumesWithoutGap kills a consumer with SIGKILL mid-stream
// and restarts it in the same group: together the two runs print every
// record (at-least-once: duplicates allowed, gaps not).
func TestConsumerKillResumesWithoutGap(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	if _, errOut, code := kafkaplot(t, append([]string{"produce", "-e", "400", "-d", "0", "--quiet", "--noise=false"}, c.flags()...)...); code != 0 {
		t.Fatalf("produce: exit %d: %s", code, errOut)
	}
	first := exec.Command(kafkaplotBin, append([]string{"consume", "--group", "crash"}, c.flags()...)...)
	first.Dir = t.TempDir()
	p := testsupport.Start(t, first, os.Interrupt, 130)
	// Let it print part of the topic and commit some of it, then kill it.
	testsupport.WaitUntil(t, "the first run to print 1200 records", 60*time.Second, func() bool {
		return strings.Count(p.Stdout(), "Event record") >= 1200
	})
	time.Sleep(300 * time.Millisecond)
	p.Kill()
	firstOut := p.Stdout()

	second, errOut, code := kafkaplot(t, append([]string{"consume", "--group", "crash", "--until-end"}, c.flags()...)...)
	if code != 0 {
		t.Fatalf("restarted consume: exit %d: %s", code, errOut)
	}
	// Each run prints a contiguous stretch of each sensor's series in order
	// (one partition each): the first a prefix, the restarted one a suffix
	// starting at the last commit. No gap means they cover all 400 steps.
	perSensor := func(out string) map[string]int {
		n := map[string]int{}
		for _, m := range recordText.FindAllStringSubmatch(out, -1) {
			n[m[1]]++
		}
		return n
	}
	before, after := perSensor(firstOut), perSensor(second)
	for i := range 8 {
		id := fmt.Sprintf("sensor%d", i)
		if before[id]+after[id] < 400 {
			t.Errorf("%s: first run printed %d, restarted run %d: a gap of %d records", id, before[id], after[id], 400-before[id]-after[id])
		}
	}
	if strings.Count(second, "Event record") >= 3200 {
		t.Errorf("the restarted consumer read everything again: the first run's commits were lost")
	}
}

// TestDashboardKilledMemberIsReplaced kills (SIGKILL) the second of two
// dashboards: the first takes its partition within the session timeout.
func TestDashboardKilledMemberIsReplaced(t *testing.T) {
	endToEnd(t)
	needBinary(t)
	tm := testsupport.NewTmux(t)
	dir := t.TempDir()
	flags := []string{"--embedded-broker", freeAddr(t), "--embedded-registry", freeAddr(t)}
	start := func(name string, n int) *testsupport.Program {
		return tm.Start(name, 120, 40, dir, nil, kafkaplotBin, append(slices.Clone(flags), "--log", fmt.Sprintf("%s/kafkaplot%d.log", dir, n))...)
	}
	first := start("first", 1)
	tm.WaitScreen("first", "the first instance to own both partitions", 20*time.Second, func(s string) bool {
		got, _ := owns(s)
		return got == "0,1"
	})
	second := start("second", 2)
	tm.WaitScreen("first", "a re-split", 20*time.Second, func(s string) bool {
		got, _ := owns(s)
		return got == "0" || got == "1"
	})
	second.Want(128 + int(syscall.SIGKILL))
	if err := syscall.Kill(second.Pid(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Session timeout 2 s on the embedded cluster, plus a heartbeat.
	tm.WaitScreen("first", "the survivor to own both partitions", 4*time.Second, func(s string) bool {
		got, _ := owns(s)
		return got == "0,1"
	})
	second.WaitExit(5 * time.Second)
	first.Quit()
}
