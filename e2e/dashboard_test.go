package e2e

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

var ownsRE = regexp.MustCompile(`gen \d+ · owns \[([0-9,]*)\]`)

func owns(screen string) (string, bool) {
	m := ownsRE.FindStringSubmatch(screen)
	if m == nil {
		return "", false
	}
	return m[1], true
}

func hasBraille(screen string) bool {
	for _, r := range screen {
		if r > 0x2800 && r <= 0x28ff {
			return true
		}
	}
	return false
}

// headerStep returns the generator's step the header shows, 0 if none.
func headerStep(screen string) int {
	m := regexp.MustCompile(`generator on \S+ step ([\d,]+)`).FindStringSubmatch(screen)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	return n
}

// handOver bounds the time from q in one of two dashboards to the other
// owning every partition: below the embedded cluster's 2 s session
// timeout, so that only a dashboard that leaves the group passes.
const handOver = 1500 * time.Millisecond

// TestDashboardRebalanceInTmux drives two real dashboards in tmux on an
// embedded cluster: the second joins the first's group, the partitions are
// re-split in both, and go back to the first within handOver of q in the
// second.
func TestDashboardRebalanceInTmux(t *testing.T) {
	endToEnd(t)
	needBinary(t)
	tm := testsupport.NewTmux(t)
	dir := t.TempDir()
	flags := []string{"--embedded-broker", freeAddr(t), "--embedded-registry", freeAddr(t)}
	start := func(name string, n int) *testsupport.Program {
		return tm.Start(name, 160, 48, dir, nil, kafkaplotBin, append(slices.Clone(flags), "--log", fmt.Sprintf("%s/kafkaplot%d.log", dir, n))...)
	}
	first := start("first", 1)
	tm.WaitScreen("first", "all eight sensors charted", 20*time.Second, func(s string) bool {
		for i := range 8 {
			if !strings.Contains(s, fmt.Sprintf("sensor%d", i)) {
				return false
			}
		}
		got, ok := owns(s)
		return ok && got == "0,1" && hasBraille(s)
	})

	// The header's step follows the generator, no key pressed.
	var step0 int
	tm.WaitScreen("first", "the header to show the generator's step", 5*time.Second, func(s string) bool {
		step0 = headerStep(s)
		return step0 > 0
	})
	tm.WaitScreen("first", "the header's step to advance", 5*time.Second, func(s string) bool {
		return headerStep(s) > step0
	})

	second := start("second", 2)
	var firstOwns, secondOwns string
	tm.WaitScreen("second", "the second instance to own one partition", 20*time.Second, func(s string) bool {
		secondOwns, _ = owns(s)
		return secondOwns == "0" || secondOwns == "1"
	})
	tm.WaitScreen("first", "the first instance to own the other partition", 3*time.Second, func(s string) bool {
		firstOwns, _ = owns(s)
		return (firstOwns == "0" || firstOwns == "1") && firstOwns != secondOwns
	})
	if s := tm.Screen("second"); !strings.Contains(s, "joined embedded cluster on 127.0.0.1:") {
		t.Errorf("the second instance's header does not say it joined the embedded cluster:\n%s", s)
	}
	if s := tm.Screen("first"); strings.Contains(s, "joined embedded cluster") {
		t.Errorf("the first instance, which started the cluster, says it joined one:\n%s", s)
	}

	quit := time.Now()
	tm.Keys("second", "q")
	tm.WaitScreen("first", fmt.Sprintf("the first instance to own both partitions again within %s of q (the session timeout is 2 s: the second must leave the group)", handOver), handOver, func(s string) bool {
		got, _ := owns(s)
		return got == "0,1"
	})
	t.Logf("the first instance owned both partitions %s after q in the second", time.Since(quit).Round(time.Millisecond))
	second.WaitExit(15 * time.Second)
	first.Quit()
	if log, err := os.ReadFile(dir + "/kafkaplot2.log"); err != nil || !strings.Contains(string(log), "joining running embedded cluster") {
		t.Errorf("the second instance did not join the first one's cluster (%v); its log:\n%s", err, log)
	}
}
