package main

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tmuxServer is a private tmux server for one test.
type tmuxServer struct {
	t       *testing.T
	tmux    string
	socket  string
	started bool
}

func newTmux(t *testing.T) *tmuxServer {
	t.Helper()
	needBinary(t)
	s := &tmuxServer{t: t, tmux: needTool(t, "tmux"), socket: fmt.Sprintf("kafkaplot-test-%d-%d", os.Getpid(), time.Now().UnixNano())}
	t.Cleanup(func() { exec.Command(s.tmux, "-L", s.socket, "kill-server").Run() })
	return s
}

func (s *tmuxServer) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command(s.tmux, append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// start opens a window running command at the given size.
func (s *tmuxServer) start(name string, width, height int, command string) {
	s.t.Helper()
	if s.started {
		s.run("new-window", "-t", "main", "-n", name, command)
		return
	}
	s.started = true
	s.run("new-session", "-d", "-s", "main", "-n", name, "-x", fmt.Sprint(width), "-y", fmt.Sprint(height), command)
	s.run("set-option", "-t", "main", "remain-on-exit", "on")
}

func (s *tmuxServer) screen(name string) string {
	s.t.Helper()
	out, err := exec.Command(s.tmux, "-L", s.socket, "capture-pane", "-p", "-t", "main:"+name).CombinedOutput()
	if err != nil {
		return ""
	}
	return string(out)
}

// waitScreen polls a window until cond holds.
func (s *tmuxServer) waitScreen(name, what string, within time.Duration, cond func(string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(within)
	for {
		screen := s.screen(name)
		if cond(screen) {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s: timed out after %s waiting for %s; screen:\n%s", name, within, what, screen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

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

// TestDashboardRebalanceInTmux drives two real dashboards in tmux on an
// embedded cluster: the second joins the first's group, the partitions are
// re-split in both, and go back to the first when the second quits.
func TestDashboardRebalanceInTmux(t *testing.T) {
	endToEnd(t)
	tm := newTmux(t)
	dir := t.TempDir()
	flags := fmt.Sprintf("--embedded-broker %s --embedded-registry %s", freeAddr(t), freeAddr(t))
	cmd := func(n int) string {
		return fmt.Sprintf("cd %s && TERM=xterm-256color %s %s --log %s/kafkaplot%d.log", dir, kafkaplotBin, flags, dir, n)
	}
	tm.start("first", 160, 48, cmd(1))
	tm.waitScreen("first", "all eight sensors charted", 20*time.Second, func(s string) bool {
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
	tm.waitScreen("first", "the header to show the generator's step", 5*time.Second, func(s string) bool {
		step0 = headerStep(s)
		return step0 > 0
	})
	tm.waitScreen("first", "the header's step to advance", 5*time.Second, func(s string) bool {
		return headerStep(s) > step0
	})

	tm.start("second", 160, 48, cmd(2))
	const within = 3 * time.Second
	var firstOwns, secondOwns string
	tm.waitScreen("second", "the second instance to own one partition", 20*time.Second, func(s string) bool {
		secondOwns, _ = owns(s)
		return secondOwns == "0" || secondOwns == "1"
	})
	tm.waitScreen("first", "the first instance to own the other partition", within, func(s string) bool {
		firstOwns, _ = owns(s)
		return (firstOwns == "0" || firstOwns == "1") && firstOwns != secondOwns
	})
	if s := tm.screen("second"); !strings.Contains(s, "joined embedded cluster on 127.0.0.1:") {
		t.Errorf("the second instance's header does not say it joined the embedded cluster:\n%s", s)
	}
	if s := tm.screen("first"); strings.Contains(s, "joined embedded cluster") {
		t.Errorf("the first instance, which started the cluster, says it joined one:\n%s", s)
	}

	tm.run("send-keys", "-t", "main:second", "q")
	tm.waitScreen("first", "the first instance to own both partitions again", within, func(s string) bool {
		got, _ := owns(s)
		return got == "0,1"
	})
	tm.run("send-keys", "-t", "main:first", "q")
	time.Sleep(500 * time.Millisecond)
	if log, err := os.ReadFile(dir + "/kafkaplot2.log"); err == nil && !strings.Contains(string(log), "joining running embedded cluster") {
		t.Errorf("the second instance did not join the first one's cluster; its log:\n%s", log)
	}
}
