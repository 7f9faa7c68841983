package e2e

import (
	"fmt"
	"os"
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
		here, rd, st := strings.Index(row, "here ("), strings.Index(row, "rdkafka"), strings.Index(row, "stall")
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

var (
	othersRE    = regexp.MustCompile(`others: (\S+) `)
	axisMarkRE  = regexp.MustCompile(`(^|\s)g\d+\s+.*\d\d:\d\d:\d\d|\d\d:\d\d:\d\d.*\sg\d+(\s|$)`)
	consumeWait = 15 * time.Second // consume reads a while: its span has room for its name
)

// TestGroupOverTime is issue 22's acceptance: a dashboard with its
// generator on; kafkaplot consume joins its group and takes a partition; a
// rebalance mark gN appears under the dashboard's pane's time axis;
// consume is frozen (SIGSTOP): within 7 s that partition's title says how
// far behind in time the group is and for how long nothing was committed;
// after consume leaves (its session ends), G shows the partitions' rows
// naming both owners over time, and the stall.
func TestGroupOverTime(t *testing.T) {
	endToEnd(t)
	needBinary(t)
	tm := testsupport.NewTmux(t)
	dir := t.TempDir()
	c := cluster{broker: freeAddr(t), registry: freeAddr(t)}
	dash := tm.Start("dash", 200, 50, dir, nil, kafkaplotBin, "--embedded-broker", c.broker, "--embedded-registry", c.registry, "--log", dir+"/kafkaplot.log")
	tm.WaitScreen("dash", "the dashboard owning both partitions and drawing", 30*time.Second, func(s string) bool {
		got, ok := owns(s)
		return ok && got == "0,1" && hasBraille(s)
	})
	time.Sleep(8 * time.Second) // the dashboard's own span has room for its name

	consume := startConsume(t, c, "kafkaplot")
	var theirs, mine, client string
	screen := tm.WaitScreen("dash", "consume to take a partition", 30*time.Second, func(s string) bool {
		mine, _ = owns(s)
		theirs, _ = consume.owns()
		m := othersRE.FindStringSubmatch(s)
		if m != nil {
			client = m[1]
		}
		return (mine == "0" || mine == "1") && theirs != "" && theirs != mine && client != ""
	})
	tm.WaitScreen("dash", "a rebalance mark under the time axis of p"+mine, 10*time.Second, func(s string) bool {
		in := false
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "[p"+mine+"]") {
				in = true
			}
			if in && axisMarkRE.MatchString(l) {
				return true
			}
		}
		return false
	})
	time.Sleep(consumeWait)

	if err := syscall.Kill(consume.proc.Pid(), syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	frozen := time.Now()
	screen = tm.WaitScreen("dash", "p"+theirs+"'s title to say how far behind and since when nothing was committed", 15*time.Second, func(s string) bool {
		return stalledTitle.MatchString(paneTitle(s, theirs))
	})
	took := time.Since(frozen)
	t.Logf("stall told %s after the freeze: %s", took.Round(100*time.Millisecond), stalledTitle.FindString(paneTitle(screen, theirs)))
	if took > 7500*time.Millisecond {
		t.Errorf("the stall was told %s after the freeze, want within 7 s", took.Round(100*time.Millisecond))
	}

	// Frozen, consume leaves the group when its session ends.
	tm.WaitScreen("dash", "the dashboard to take p"+theirs+" over", 30*time.Second, func(s string) bool {
		got, _ := owns(s)
		return got == "0,1"
	})
	syscall.Kill(consume.proc.Pid(), syscall.SIGCONT)
	consume.proc.Stop(os.Interrupt, 130)
	tm.Keys("dash", "G")
	short := client[:min(len(client), 9)] // its name may be cut short (…) in its span
	screen = tm.WaitScreen("dash", "the timeline naming both owners of p"+theirs, 20*time.Second, func(s string) bool {
		row := timelineRow(s, theirs)
		them := -1 // consume's name, not this dashboard's "here (…)"
		if loc := regexp.MustCompile(`[━┃]` + regexp.QuoteMeta(short)).FindStringIndex(row); loc != nil {
			them = loc[0]
		}
		here, st := strings.Index(row, "here ("), strings.Index(row, "stall")
		return here >= 0 && them > here && st > them && strings.LastIndex(row, "here (") > st && strings.Contains(timelineRow(s, mine), "here (")
	})
	t.Logf("timeline:\n%s\n%s", timelineRow(screen, "0"), timelineRow(screen, "1"))
	dash.Quit()
}
