package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

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
	c := startCluster(t)
	produce := func(steps int) {
		t.Helper()
		if _, errOut, code := kafkaplot(t, append([]string{"produce", "-e", strconv.Itoa(steps), "-d", "0"}, c.flags()...)...); code != 0 {
			t.Fatalf("produce exit %d: %s", code, errOut)
		}
	}
	produce(40) // offsets 0..159 in each partition
	tm := testsupport.NewTmux(t)
	dir := t.TempDir()
	dash := tm.Start("dash", 140, 40, dir, nil, kafkaplotBin, append([]string{"--group", "restart", "--log", dir + "/kafkaplot.log"}, c.flags()...)...)
	tm.WaitScreen("dash", "the first log's 320 events", 20*time.Second, func(s string) bool { return headerEvents(s) == 320 })

	c.stop(t)
	tm.WaitScreen("dash", "the dashboard to notice the outage", 20*time.Second, func(s string) bool { return strings.Contains(s, "✗ broker") })
	c = startClusterAt(t, c.broker, c.registry)
	produce(10) // offsets 0..39 of a new log
	screen := tm.WaitScreen("dash", "the new log's 80 events drawn", 30*time.Second, func(s string) bool { return headerEvents(s) == 400 })
	if strings.Contains(screen, "re-delivered") {
		t.Errorf("records of the new log counted as re-delivered:\n%s", screen)
	}
	if n := strings.Count(screen, "log reset: reading from offset 0"); n != 2 {
		t.Errorf("%d panes say the log was reset, want 2:\n%s", n, screen)
	}
	dash.Quit()
}
