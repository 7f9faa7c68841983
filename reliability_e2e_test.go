package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestProducerGivesUpWhenBrokerDies stops the cluster under a running
// producer: it retries a bounded time, exits non-zero with a clear error,
// and its resume line names the first step not acknowledged.
func TestProducerGivesUpWhenBrokerDies(t *testing.T) {
	endToEnd(t)
	c := cluster{broker: freeAddr(t), registry: freeAddr(t)}
	clusterCmd := exec.Command(kafkaplotBin, "cluster", "--broker", c.broker, "--registry", c.registry)
	if err := clusterCmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer clusterCmd.Process.Kill()
	waitListening(t, c.registry)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	producer := exec.CommandContext(ctx, kafkaplotBin, append([]string{"produce", "-e", "0", "-d", "0.05"}, c.flags()...)...)
	producer.Dir = t.TempDir()
	stdout, err := producer.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	producer.Stderr = &stderr
	if err := producer.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 4096)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var out []string
	for len(out) < 80 { // ten steps delivered, then the broker goes away
		line, ok := <-lines
		if !ok {
			t.Fatalf("producer ended early: %s", stderr.String())
		}
		out = append(out, line)
	}
	clusterCmd.Process.Kill()
	clusterCmd.Wait()
	for line := range lines {
		out = append(out, line)
	}
	err = producer.Wait()
	if ctx.Err() != nil {
		t.Fatal("producer did not give up within 90 s")
	}
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() == 0 {
		t.Fatalf("producer exit: %v, want a non-zero exit code", err)
	}
	if !strings.Contains(stderr.String(), "produce to temperature") {
		t.Errorf("stderr does not say what failed: %q", stderr.String())
	}
	// Deliveries per step, and the resume line.
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
		t.Fatalf("resume line says %d, want at least the 10 steps seen delivered:\n%s", resume, strings.Join(out[len(out)-10:], "\n"))
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

func waitListening(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		conn, err := dialTCP(addr)
		if err == nil {
			conn.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never listened", addr)
		}
		time.Sleep(50 * time.Millisecond)
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
	pipe, err := first.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	// Let it print part of the topic and commit some of it, then kill it.
	var firstOut strings.Builder
	r := bufio.NewReader(pipe)
	for strings.Count(firstOut.String(), "Event record") < 1200 {
		line, err := r.ReadString('\n')
		firstOut.WriteString(line)
		if err != nil {
			break
		}
	}
	time.Sleep(300 * time.Millisecond)
	first.Process.Signal(syscall.SIGKILL)
	rest, _ := io.ReadAll(r)
	firstOut.Write(rest)
	first.Wait()

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
	before, after := perSensor(firstOut.String()), perSensor(second)
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
	tm := newTmux(t)
	dir := t.TempDir()
	flags := fmt.Sprintf("--embedded-broker %s --embedded-registry %s", freeAddr(t), freeAddr(t))
	cmd := func(n int) string {
		return fmt.Sprintf("cd %s && echo $$ > pid%d && exec env TERM=xterm-256color %s %s --log %s/kafkaplot%d.log", dir, n, kafkaplotBin, flags, dir, n)
	}
	tm.start("first", 120, 40, cmd(1))
	tm.waitScreen("first", "the first instance to own both partitions", 20*time.Second, func(s string) bool {
		got, _ := owns(s)
		return got == "0,1"
	})
	tm.start("second", 120, 40, cmd(2))
	tm.waitScreen("first", "a re-split", 20*time.Second, func(s string) bool {
		got, _ := owns(s)
		return got == "0" || got == "1"
	})
	pidText, err := os.ReadFile(dir + "/pid2")
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(pidText)))
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Session timeout 2 s on the embedded cluster, plus a heartbeat.
	tm.waitScreen("first", "the survivor to own both partitions", 4*time.Second, func(s string) bool {
		got, _ := owns(s)
		return got == "0,1"
	})
}
