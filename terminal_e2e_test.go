package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestDashboardSurvivesTerminalAbuse drives a dashboard in a real shell in
// tmux through a resize storm (including 1×1 and 500×200), a suspend with
// ctrl+z and fg, and a quit, after which the shell's screen must be clean.
func TestDashboardSurvivesTerminalAbuse(t *testing.T) {
	endToEnd(t)
	tm := newTmux(t)
	dir := t.TempDir()
	tm.start("shell", 120, 40, "env -i PATH=/usr/bin:/bin TERM=xterm-256color PS1='$ ' bash --norc --noprofile")
	command := fmt.Sprintf("cd %s && %s --embedded-broker %s --embedded-registry %s --log %s/kafkaplot.log",
		dir, kafkaplotBin, freeAddr(t), freeAddr(t), dir)
	tm.run("send-keys", "-t", "main:shell", command, "Enter")
	charted := func(s string) bool {
		got, _ := owns(s)
		return got == "0,1" && hasBraille(s) && strings.Contains(s, "sensor7")
	}
	tm.waitScreen("shell", "the dashboard", 20*time.Second, charted)

	sizes := [][2]int{{1, 1}, {500, 200}, {40, 12}, {2, 50}, {200, 2}, {80, 24}, {13, 7}, {300, 100}}
	for i := range 120 {
		size := sizes[i%len(sizes)]
		tm.run("resize-window", "-t", "main:shell", "-x", fmt.Sprint(size[0]), "-y", fmt.Sprint(size[1]))
		if i%8 == 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	tm.run("resize-window", "-t", "main:shell", "-x", "120", "-y", "40")
	tm.waitScreen("shell", "the dashboard after the resize storm", 10*time.Second, charted)

	tm.run("send-keys", "-t", "main:shell", "C-z")
	tm.waitScreen("shell", "the shell after ctrl+z", 10*time.Second, func(s string) bool {
		return strings.Contains(s, "Stopped")
	})
	tm.run("send-keys", "-t", "main:shell", "fg", "Enter")
	tm.waitScreen("shell", "the dashboard after fg", 10*time.Second, charted)

	tm.run("send-keys", "-t", "main:shell", "q")
	screen := tm.waitScreen("shell", "the shell prompt after quit", 15*time.Second, func(s string) bool {
		return strings.HasSuffix(strings.TrimRight(s, "\n "), "$")
	})
	if hasBraille(screen) || strings.Contains(screen, "owns [") {
		t.Errorf("the dashboard left its drawing on the terminal after quit:\n%s", screen)
	}
	tm.run("send-keys", "-t", "main:shell", "echo exit=$?", "Enter")
	tm.waitScreen("shell", "exit status 0", 5*time.Second, func(s string) bool {
		return strings.Contains(s, "exit=0")
	})
}
