package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// TestDashboardSurvivesTerminalAbuse drives a dashboard in a real shell in
// tmux through a resize storm (including 1×1 and 500×200), a suspend with
// ctrl+z (twice: it runs the embedded cluster) and fg, and a quit, after
// which the shell's screen must be clean.
func TestDashboardSurvivesTerminalAbuse(t *testing.T) {
	endToEnd(t)
	needBinary(t)
	tm := testsupport.NewTmux(t)
	dir := t.TempDir()
	tm.Window("shell", 120, 40, "env -i PATH=/usr/bin:/bin TERM=xterm-256color PS1='$ ' bash --norc --noprofile")
	dash := tm.Wrap("dash", dir, nil, kafkaplotBin, "--embedded-broker", freeAddr(t), "--embedded-registry", freeAddr(t), "--log", dir+"/kafkaplot.log")
	tm.Keys("shell", dash.Command(), "Enter")
	charted := func(s string) bool {
		got, _ := owns(s)
		return got == "0,1" && hasBraille(s) && strings.Contains(s, "sensor7")
	}
	tm.WaitScreen("shell", "the dashboard", 20*time.Second, charted)

	sizes := [][2]int{{1, 1}, {500, 200}, {40, 12}, {2, 50}, {200, 2}, {80, 24}, {13, 7}, {300, 100}}
	for i := range 120 {
		size := sizes[i%len(sizes)]
		tm.Run("resize-window", "-t", "main:shell", "-x", fmt.Sprint(size[0]), "-y", fmt.Sprint(size[1]))
		if i%8 == 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	tm.Run("resize-window", "-t", "main:shell", "-x", "120", "-y", "40")
	tm.WaitScreen("shell", "the dashboard after the resize storm", 10*time.Second, charted)

	// This instance runs the embedded cluster: the first ctrl+z warns.
	tm.Keys("shell", "C-z")
	tm.WaitScreen("shell", "the warning that suspending freezes the others", 10*time.Second, func(s string) bool {
		return strings.Contains(s, "runs the embedded cluster")
	})
	tm.Keys("shell", "C-z")
	tm.WaitScreen("shell", "the shell after ctrl+z", 10*time.Second, func(s string) bool {
		return strings.Contains(s, "Stopped")
	})
	tm.Keys("shell", "fg", "Enter")
	tm.WaitScreen("shell", "the dashboard after fg", 10*time.Second, charted)

	tm.Keys("shell", "q")
	screen := tm.WaitScreen("shell", "the shell prompt after quit", 15*time.Second, func(s string) bool {
		return strings.HasSuffix(strings.TrimRight(s, "\n "), "$")
	})
	if hasBraille(screen) || strings.Contains(screen, "owns [") {
		t.Errorf("the dashboard left its drawing on the terminal after quit:\n%s", screen)
	}
	tm.Keys("shell", "echo exit=$?", "Enter")
	tm.WaitScreen("shell", "exit status 0", 5*time.Second, func(s string) bool {
		return strings.Contains(s, "exit=0")
	})
	dash.WaitExit(5 * time.Second)
}
