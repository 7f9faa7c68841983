package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startClusterProcess starts "kafkaplot cluster" on c's addresses and returns a
// function that stops it and waits for it to exit.
func startClusterProcess(t *testing.T, c cluster) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, kafkaplotBin, "cluster", "--broker", c.broker, "--registry", c.registry)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			cancel()
			cmd.Wait()
		}
	}
	t.Cleanup(stop)
	deadline := time.Now().Add(15 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", c.registry, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			return stop
		}
		if time.Now().After(deadline) {
			t.Fatalf("cluster did not start: %s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var eventsRE = regexp.MustCompile(`events ([\d,]+) at`)

// headerEvents returns the event count the header shows, -1 if none.
func headerEvents(screen string) int {
	m := eventsRE.FindStringSubmatch(screen)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	return n
}

// TestClusterRestartedUnderDashboard: "kafkaplot cluster" stopped and
// started again (a new, empty log) under a running dashboard. The new log's
// records, at offsets below the old position, are drawn, nothing is counted
// as re-delivered, and the panes say the log was reset.
func TestClusterRestartedUnderDashboard(t *testing.T) {
	endToEnd(t)
	c := cluster{broker: freeAddr(t), registry: freeAddr(t)}
	stop := startClusterProcess(t, c)
	produce := func(steps int) {
		t.Helper()
		if _, errOut, code := kafkaplot(t, append([]string{"produce", "-e", strconv.Itoa(steps), "-d", "0"}, c.flags()...)...); code != 0 {
			t.Fatalf("produce exit %d: %s", code, errOut)
		}
	}
	produce(40) // offsets 0..159 in each partition
	tm := newTmux(t)
	dir := t.TempDir()
	tm.start("dash", 140, 40, fmt.Sprintf("cd %s && TERM=xterm-256color %s --group restart %s --log %s/kafkaplot.log",
		dir, kafkaplotBin, strings.Join(c.flags(), " "), dir))
	tm.waitScreen("dash", "the first log's 320 events", 20*time.Second, func(s string) bool { return headerEvents(s) == 320 })

	stop()
	tm.waitScreen("dash", "the dashboard to notice the outage", 20*time.Second, func(s string) bool { return strings.Contains(s, "✗ broker") })
	startClusterProcess(t, c)
	produce(10) // offsets 0..39 of a new log
	screen := tm.waitScreen("dash", "the new log's 80 events drawn", 30*time.Second, func(s string) bool { return headerEvents(s) == 400 })
	if strings.Contains(screen, "re-delivered") {
		t.Errorf("records of the new log counted as re-delivered:\n%s", screen)
	}
	if n := strings.Count(screen, "log reset: reading from offset 0"); n != 2 {
		t.Errorf("%d panes say the log was reset, want 2:\n%s", n, screen)
	}
}
