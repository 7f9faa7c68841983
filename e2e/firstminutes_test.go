package e2e

// This file holds issue 21's acceptance ("the first ten minutes with your
// own cluster") that no other file's tests show.

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// TestKcatJSONTopicPlottedOverTs is issue 21's acceptance for your own
// topic: 200 plain JSON records written by kcat, not by kafkaplot, each
// {"device", "ts" (epoch ms), "temp_c", "rpm", "meta": {"load"}}, are
// plotted by device over ts, ts is not among the values (no line of it,
// no axis up to 1.8e+12) and the header counts them as events 200, not
// the 600 values plotted.
func TestKcatJSONTopicPlottedOverTs(t *testing.T) {
	endToEnd(t)
	kcat := needTool(t, "kcat")
	c := startCluster(t, "--topic", "devices")
	start := time.Now().Add(-100 * time.Second).Truncate(time.Millisecond)
	var lines strings.Builder
	for i := range 200 {
		fmt.Fprintf(&lines, `{"device":"d%d","ts":%d,"temp_c":%.1f,"rpm":%d,"meta":{"load":%.2f}}`+"\n",
			i%4, start.Add(time.Duration(i)*500*time.Millisecond).UnixMilli(), 20+float64(i%10)/2, 1200+i%50, float64(i%20)/20)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, kcat, "-P", "-b", c.broker, "-t", "devices")
	cmd.Stdin = strings.NewReader(lines.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kcat -P: %v: %s", err, out)
	}

	tm := testsupport.NewTmux(t)
	dir := t.TempDir()
	dash := tm.Start("dash", 200, 50, dir, nil, kafkaplotBin,
		append([]string{"--topic", "devices", "--group", "devices-dash", "--log", dir + "/kafkaplot.log"}, c.flags()...)...)
	const plotting = "plotting temp_c, rpm, meta.load by device over ts" // the values in the order the records have them
	screen := tm.WaitScreen("dash", plotting+" and events 200", 20*time.Second, func(s string) bool {
		return strings.Contains(s, plotting) && headerEvents(s) == 200 && hasBraille(s)
	})
	for _, want := range []string{"schemas plain JSON ×200", "d0.temp_c", "d3.meta.load"} {
		if !strings.Contains(screen, want) {
			t.Errorf("dashboard lacks %q:\n%s", want, screen)
		}
	}
	for _, unwanted := range []string{".ts ", "e+12", "over record time"} {
		if strings.Contains(screen, unwanted) {
			t.Errorf("dashboard has %q: ts is plotted as a value, or not the time axis:\n%s", unwanted, screen)
		}
	}
	time.Sleep(time.Second) // nothing more to read: the count stays at the records
	if screen = tm.Screen("dash"); headerEvents(screen) != 200 {
		t.Errorf("events %d a second later, want 200:\n%s", headerEvents(screen), screen)
	}
	dash.Quit()
}

// TestGeneratorAsksOnForeignCluster is issue 21's acceptance for g: in a
// dashboard on a cluster that is not its own embedded one, g only asks
// ("write synthetic sensor events into topic T on B? y/N"), writes nothing
// while the question stands, and n leaves the generator off; y starts it.
func TestGeneratorAsksOnForeignCluster(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	tm := testsupport.NewTmux(t)
	dir := t.TempDir()
	dash := tm.Start("dash", 160, 40, dir, nil, kafkaplotBin,
		append([]string{"--group", "foreign", "--log", dir + "/kafkaplot.log"}, c.flags()...)...)
	tm.WaitScreen("dash", "the dashboard with no events", 20*time.Second, func(s string) bool {
		return headerEvents(s) == 0 && strings.Contains(s, "generator off") && strings.Contains(s, "owns [0,1]")
	})
	question := "write synthetic sensor events into topic temperature on " + c.broker + "? y/N"
	for _, answer := range []string{"n", "y"} {
		tm.Keys("dash", "g")
		tm.WaitScreen("dash", "g to ask first", 10*time.Second, func(s string) bool { return strings.Contains(s, question) })
		time.Sleep(2 * time.Second) // the generator would write 2 steps a second
		if s := tm.Screen("dash"); headerEvents(s) != 0 || !strings.Contains(s, "generator off") {
			t.Fatalf("something was written before the answer:\n%s", s)
		}
		tm.Keys("dash", answer)
		tm.WaitScreen("dash", "the question answered", 10*time.Second, func(s string) bool { return !strings.Contains(s, question) })
	}
	tm.WaitScreen("dash", "y to start the generator and its events to be read", 30*time.Second, func(s string) bool {
		return strings.Contains(s, "generator on") && headerEvents(s) > 0 && !strings.Contains(s, question)
	})
	dash.Quit()
}

// TestTwelvePartitionsAt80x24 runs a dashboard of 12 partitions in an 80×24
// tmux window (issue 21): every pane's title is whole and compact (pN · lag
// N), never the committed offset cut short, and the panes that have data
// say the range of their values in their bottom border.
func TestTwelvePartitionsAt80x24(t *testing.T) {
	endToEnd(t)
	c := startCluster(t, "--partitions", "12")
	if _, errOut, code := kafkaplot(t, append([]string{"produce", "-e", "20", "-d", "0"}, c.flags()...)...); code != 0 {
		t.Fatalf("produce: exit %d: %s", code, errOut)
	}
	tm := testsupport.NewTmux(t)
	dir := t.TempDir()
	dash := tm.Start("dash", 80, 24, dir, nil, kafkaplotBin,
		append([]string{"--group", "twelve", "--from", "earliest", "--log", dir + "/kafkaplot.log"}, c.flags()...)...)
	titles := regexp.MustCompile(`[━─] p(\d+) · lag \d+[ ━─]`)
	ranges := regexp.MustCompile(`[━─] -?\d+\.\d+–-?\d+\.\d+ `)
	screen := tm.WaitScreen("dash", "12 compact titles and a value range", 30*time.Second, func(s string) bool {
		return len(titles.FindAllString(s, -1)) == 12 && ranges.MatchString(s) && headerEvents(s) == 160
	})
	if strings.Contains(screen, "committe") || strings.Contains(screen, "…╮") || strings.Contains(screen, "…┓") {
		t.Errorf("a pane's title is cut:\n%s", screen)
	}
	dash.Quit()
}
