package testsupport

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// recorder is a test that keeps the errors the harness reports instead of
// failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Helper() {}

// wantErrors checks that the recorded errors hold each of want, in order,
// and no more.
func (r *recorder) wantErrors(t *testing.T, want ...string) {
	t.Helper()
	if len(r.errors) != len(want) {
		t.Fatalf("errors %q, want %d holding %q", r.errors, len(want), want)
	}
	for i, w := range want {
		if !strings.Contains(r.errors[i], w) {
			t.Errorf("error %q lacks %q", r.errors[i], w)
		}
	}
}

// race is what a program prints when the race detector finds a race.
const race = "==================\nWARNING: DATA RACE\nWrite at 0x00c000012345 by goroutine 7:\n"

func TestProcChecks(t *testing.T) {
	tests := []struct {
		name   string
		script string
		end    func(p *Proc)
		want   []string
	}{
		{"clean exit", "echo ok", func(p *Proc) { p.Wait(5 * time.Second) }, nil},
		{"a race, exit 0", "printf '" + race + "' >&2", func(p *Proc) { p.Wait(5 * time.Second) }, []string{"the race detector found a data race"}},
		{"a race on stdout, exit 66", "printf '" + race + "'; exit 66", func(p *Proc) { p.Wait(5 * time.Second) }, []string{"DATA RACE"}},
		{"interrupted, exits as wanted", "trap 'exit 130' INT; while :; do sleep 0.05; done",
			func(p *Proc) { time.Sleep(100 * time.Millisecond); p.Stop(os.Interrupt, 130) }, nil},
		{"interrupted, exits otherwise", "trap 'exit 0' INT; while :; do sleep 0.05; done",
			func(p *Proc) { time.Sleep(100 * time.Millisecond); p.Stop(os.Interrupt, 130) }, []string{"exit code 0, want 130"}},
		{"ended before the stop with another code", "exit 3", func(p *Proc) { <-p.Done(); p.Stop(os.Interrupt, 0) }, []string{"exit code 3, want 0"}},
		{"killed: the status is not checked, the output is", "printf '" + race + "' >&2; sleep 10",
			func(p *Proc) { time.Sleep(200 * time.Millisecond); p.Kill() }, []string{"data race"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			tt.end(Start(r, exec.Command("sh", "-c", tt.script), syscall.SIGKILL, Killed))
			r.wantErrors(t, tt.want...)
		})
	}
}

func TestRunReturnsTheExitCode(t *testing.T) {
	r := &recorder{TB: t}
	stdout, stderr, code := Run(r, exec.Command("sh", "-c", "echo out; echo err >&2; exit 2"), 5*time.Second)
	if stdout != "out\n" || stderr != "err\n" || code != 2 {
		t.Errorf("Run = %q, %q, %d; want out, err, 2", stdout, stderr, code)
	}
	r.wantErrors(t)
}

func TestTmuxProgramChecks(t *testing.T) {
	tests := []struct {
		name   string
		script string
		want   int
		errors []string
	}{
		{"clean exit", "echo drawn", 0, nil},
		{"a race on stderr, exit 66", "echo drawn; printf '" + race + "' >&2; exit 66", 0, []string{"exit code 66, want 0", "the race detector found a data race"}},
		{"the exit code wanted", "exit 137", 137, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			tm := NewTmux(r)
			p := tm.Start("prog", 80, 24, t.TempDir(), nil, "sh", "-c", tt.script)
			p.Want(tt.want)
			p.WaitExit(10 * time.Second)
			if pid := p.Pid(); pid <= 0 {
				t.Errorf("pid %d", pid)
			}
			r.wantErrors(t, tt.errors...)
		})
	}
}
