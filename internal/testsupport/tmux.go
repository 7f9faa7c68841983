package testsupport

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Tmux is a private tmux server for one test (its own socket and
// configuration; the windows' panes stay when their program ends).
// Programs run in it by Start or Wrap keep their stderr and exit status in
// files: the test fails on a data race in that stderr, and on an exit
// status other than the one expected once the program ended (WaitExit,
// and the end of the test, when a program still running fails it too).
type Tmux struct {
	tb       testing.TB
	tmux     string
	socket   string
	dir      string
	started  bool
	programs []*Program
}

// NewTmux starts nothing yet: the server starts with the first window.
// The test is skipped if tmux is missing (failed in CI).
func NewTmux(tb testing.TB) *Tmux {
	tb.Helper()
	s := &Tmux{tb: tb, tmux: NeedTool(tb, "tmux"), dir: tb.TempDir(),
		socket: fmt.Sprintf("kafkaplot-test-%d-%d", os.Getpid(), time.Now().UnixNano())}
	// The server reads this instead of the user's configuration when it
	// starts: panes stay when their program ends, from the first window on.
	WriteFile(tb, filepath.Join(s.dir, "tmux.conf"), []byte("set-option -g remain-on-exit on\n"))
	tb.Cleanup(func() { exec.Command(s.tmux, s.args("kill-server")...).Run() })
	tb.Cleanup(s.checkAll) // runs before kill-server
	return s
}

// Run runs a tmux command on the server, failing the test if it fails.
func (s *Tmux) Run(args ...string) string {
	s.tb.Helper()
	out, err := exec.Command(s.tmux, s.args(args...)...).CombinedOutput()
	if err != nil {
		s.tb.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Window opens a window named name of the given size running command (a
// shell command line).
func (s *Tmux) Window(name string, width, height int, command string) {
	s.tb.Helper()
	if s.started {
		s.Run("new-window", "-t", "main", "-n", name, command)
		return
	}
	s.started = true
	s.Run("new-session", "-d", "-s", "main", "-n", name, "-x", fmt.Sprint(width), "-y", fmt.Sprint(height), command)
}

// args are a tmux command's arguments on this server.
func (s *Tmux) args(command ...string) []string {
	return append([]string{"-L", s.socket, "-f", filepath.Join(s.dir, "tmux.conf")}, command...)
}

// Start opens a window named name running prog with args in dir, with
// TERM=xterm-256color and env (KEY=value) added to its environment; the
// program must exit 0 unless the test says otherwise (Program.Want).
func (s *Tmux) Start(name string, width, height int, dir string, env []string, prog string, args ...string) *Program {
	s.tb.Helper()
	p := s.Wrap(name, dir, append([]string{"TERM=xterm-256color"}, env...), prog, args...)
	s.Window(name, width, height, p.Command())
	return p
}

// Wrap returns prog with args as a program to run in a window, in dir with
// env added, through a wrapper script that keeps its stderr, process id and
// exit status (and exits with it): for a shell in a window, Command is the
// line to type.
func (s *Tmux) Wrap(name, dir string, env []string, prog string, args ...string) *Program {
	s.tb.Helper()
	base := filepath.Join(s.dir, name)
	p := &Program{s: s, name: name, script: base + ".sh", stderrPath: base + ".stderr", statusPath: base + ".status", pidPath: base + ".pid"}
	words := []string{"env"}
	words = append(words, env...)
	words = append(words, prog)
	words = append(words, args...)
	for i, w := range words {
		words[i] = shellQuote(w)
	}
	script := fmt.Sprintf(`#!/bin/sh
cd %s || exit 125
sh -c 'echo $$ > "$0"; exec "$@"' %s %s 2>>%s
status=$?
echo $status > %s.tmp && mv %s.tmp %s
exit $status
`, shellQuote(dir), shellQuote(p.pidPath), strings.Join(words, " "), shellQuote(p.stderrPath),
		shellQuote(p.statusPath), shellQuote(p.statusPath), shellQuote(p.statusPath))
	if err := os.WriteFile(p.script, []byte(script), 0o700); err != nil {
		s.tb.Fatalf("write the wrapper of %s: %v", name, err)
	}
	s.programs = append(s.programs, p)
	return p
}

// shellQuote quotes s for sh.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Screen returns what window name shows ("" if it cannot be read).
func (s *Tmux) Screen(name string) string {
	out, err := exec.Command(s.tmux, s.args("capture-pane", "-p", "-t", "main:"+name)...).CombinedOutput()
	if err != nil {
		return ""
	}
	return string(out)
}

// Keys sends keys (tmux send-keys words) to window name.
func (s *Tmux) Keys(name string, keys ...string) {
	s.tb.Helper()
	s.Run(append([]string{"send-keys", "-t", "main:" + name}, keys...)...)
}

// WaitScreen polls window name every 100 ms until cond holds, and returns
// that screen; after within it fails the test with the screen and the
// stderr of the programs that ended.
func (s *Tmux) WaitScreen(name, what string, within time.Duration, cond func(string) bool) string {
	s.tb.Helper()
	deadline := time.Now().Add(within)
	for {
		screen := s.Screen(name)
		if cond(screen) {
			return screen
		}
		if time.Now().After(deadline) {
			s.tb.Fatalf("%s: timed out after %s waiting for %s; screen:\n%s%s", name, within, what, screen, s.ended())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ended describes the programs that ended, for a failure message.
func (s *Tmux) ended() string {
	var b strings.Builder
	for _, p := range s.programs {
		if code, ok := p.status(); ok {
			fmt.Fprintf(&b, "\n%s exited %d; stderr:\n%s", p.name, code, p.Stderr())
		}
	}
	return b.String()
}

// checkAll checks every program at the end of the test.
func (s *Tmux) checkAll() {
	for _, p := range s.programs {
		p.check()
	}
}

// Program is a program run in a window through a wrapper script.
type Program struct {
	s                                             *Tmux
	name, script, stderrPath, statusPath, pidPath string
	want                                          int
	checked                                       bool
}

// Command is the command line that runs the program.
func (p *Program) Command() string { return "sh " + shellQuote(p.script) }

// Want sets the exit code the program must end with (0 unless set; 137
// for a program the test kills with SIGKILL).
func (p *Program) Want(code int) { p.want = code }

// Stderr returns what the program wrote to stderr so far.
func (p *Program) Stderr() string {
	b, _ := os.ReadFile(p.stderrPath)
	return string(b)
}

// Pid returns the program's process id, waiting up to 5 s for it to start.
func (p *Program) Pid() int {
	p.s.tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, err := os.ReadFile(p.pidPath)
		if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && perr == nil {
			return pid
		}
		if time.Now().After(deadline) {
			p.s.tb.Fatalf("%s: no process id after 5s", p.name)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// status returns the exit code once the program ended.
func (p *Program) status() (int, bool) {
	b, err := os.ReadFile(p.statusPath)
	if err != nil {
		return 0, false
	}
	code, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return code, err == nil
}

// WaitExit waits up to within for the program to end and checks it: an
// exit code other than the one wanted, or a data race in its stderr, fails
// the test.
func (p *Program) WaitExit(within time.Duration) {
	p.s.tb.Helper()
	deadline := time.Now().Add(within)
	for {
		if _, ok := p.status(); ok {
			break
		}
		if time.Now().After(deadline) {
			p.s.tb.Fatalf("%s: did not exit within %s; screen:\n%s\nstderr:\n%s", p.name, within, p.s.Screen(p.name), p.Stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.check()
}

// Quit sends q to the program's window and waits up to 15 s for it to
// exit, checked as WaitExit does.
func (p *Program) Quit() {
	p.s.tb.Helper()
	p.s.Keys(p.name, "q")
	p.WaitExit(15 * time.Second)
}

// check fails the test on a data race in the program's stderr and, once
// it ended, on an exit code other than the one wanted; at the end of the
// test a program still running fails a test that had not failed yet.
func (p *Program) check() {
	p.s.tb.Helper()
	if p.checked {
		return
	}
	p.checked = true
	code, ok := p.status()
	switch {
	case ok && code != p.want:
		p.s.tb.Errorf("%s: exit code %d, want %d; stderr:\n%s", p.name, code, p.want, p.Stderr())
	case !ok && !p.s.tb.Failed():
		p.s.tb.Errorf("%s: still running at the end of the test (a test ends what it starts and checks how it ended)", p.name)
	}
	CheckRace(p.s.tb, p.name, p.Stderr())
}
