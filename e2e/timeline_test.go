package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// paneTitle returns the top border of partition p's pane on a screen, ""
// if it is not there.
func paneTitle(screen string, p string) string {
	for _, l := range strings.Split(screen, "\n") {
		if i := strings.Index(l, "[p"+p+"]"); i >= 0 {
			return l[i:]
		}
	}
	return ""
}

// timelineRow returns partition p's row of the group timeline (G).
func timelineRow(screen string, p string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, "p"+p+" ") {
			return l
		}
	}
	return ""
}

var stalledTitle = regexp.MustCompile(`lag [\d,]+ · [\dhms.]+ behind · no commit for \d+s`)

// TestTimelineStallAndTakeover runs a dashboard with its generator in a
// group with the tutorial's library (librdkafka), which takes a partition
// and is then frozen (SIGSTOP) past its session timeout: the partition's
// title says how far behind in time the group is and for how long nothing
// was committed, the dashboard takes the partition over, and the group
// timeline (G) shows the partition owned by the dashboard, then librdkafka,
// stalled, then the dashboard again.
func TestTimelineStallAndTakeover(t *testing.T) {
	endToEnd(t)
	needBinary(t)
	needPythonKafka(t)
	tm := testsupport.NewTmux(t)
	dir := t.TempDir()
	broker := freeAddr(t)
	dash := tm.Start("dash", 200, 50, dir, nil, kafkaplotBin, "--embedded-broker", broker, "--embedded-registry", freeAddr(t), "--log", dir+"/kafkaplot.log")
	tm.WaitScreen("dash", "the dashboard owning both partitions and drawing", 30*time.Second, func(s string) bool {
		got, ok := owns(s)
		return ok && got == "0,1" && hasBraille(s)
	})
	time.Sleep(8 * time.Second) // the dashboard's own span has room for its name

	// librdkafka's default assignors, and a session long enough for the
	// stall to be told before the partition moves (a stall is told up to
	// 7 s after the freeze: librdkafka commits every 5 s).
	py := startPython(t, broker, "kafkaplot", "range,roundrobin", "15000")
	var theirs string
	testsupport.WaitUntil(t, "librdkafka to own a partition", 30*time.Second, func() bool {
		theirs, _ = py.owns()
		return theirs == "0" || theirs == "1"
	})
	tm.WaitScreen("dash", "the dashboard to own the other partition and see the rebalance", 20*time.Second, func(s string) bool {
		got, _ := owns(s)
		return got != "" && got != theirs && got != "0,1"
	})
	time.Sleep(15 * time.Second) // librdkafka reads and commits a while: its span has room for its name

	if err := py.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	frozen := time.Now()
	defer func() {
		py.cmd.Process.Signal(syscall.SIGCONT)
		py.cmd.Process.Kill() // frozen, it may log its own eviction: not a protocol problem
		<-py.done
	}()
	screen := tm.WaitScreen("dash", "p"+theirs+"'s title to say how far behind it is and since when nothing was committed", 15*time.Second, func(s string) bool {
		return stalledTitle.MatchString(paneTitle(s, theirs))
	})
	took := time.Since(frozen)
	t.Logf("stall told %s after the freeze: %s", took.Round(100*time.Millisecond), stalledTitle.FindString(paneTitle(screen, theirs)))
	// librdkafka commits every 5 s: its last commit was up to 5 s before
	// the freeze, and a stall is told 5 s (and a second's slack) after the
	// last commit seen, read every second.
	if took > 9*time.Second {
		t.Errorf("the stall was told %s after the freeze, want within 9s", took.Round(100*time.Millisecond))
	}
	if bar := regexp.MustCompile(`worst p` + theirs + ` no commit for \d+s`); !bar.MatchString(screen) {
		t.Errorf("the group bar does not name p%s as the worst partition:\n%s", theirs, screen)
	}

	tm.WaitScreen("dash", "the dashboard to take the frozen member's partition over", 20*time.Second, func(s string) bool {
		got, _ := owns(s)
		return got == "0,1" && !strings.Contains(paneTitle(s, theirs), "no commit")
	})
	tm.Keys("dash", "G")
	screen = tm.WaitScreen("dash", fmt.Sprintf("the timeline's p%s row: the dashboard, librdkafka stalled, the dashboard again", theirs), 20*time.Second, func(s string) bool {
		row := timelineRow(s, theirs)
		here, rd, st := strings.Index(row, "here ("), strings.Index(row, "rdkafka"), strings.Index(row, "stalled")
		return here >= 0 && rd > here && st > rd && strings.LastIndex(row, "here (") > st
	})
	if !strings.Contains(screen, "group timeline of kafkaplot") || !regexp.MustCompile(`g\d+ +g\d+`).MatchString(screen) {
		t.Errorf("the timeline lacks its title or its generations:\n%s", screen)
	}
	other := map[string]string{"0": "1", "1": "0"}[theirs]
	if row := timelineRow(screen, other); !strings.Contains(row, "here (") || strings.Contains(row, "rdkafka") {
		t.Errorf("p%s's row %q: want the dashboard's only", other, row)
	}
	tm.Keys("dash", "G")
	tm.WaitScreen("dash", "G to return to the panes", 5*time.Second, func(s string) bool {
		return paneTitle(s, theirs) != "" && !strings.Contains(s, "group timeline")
	})
	dash.Quit()
}
