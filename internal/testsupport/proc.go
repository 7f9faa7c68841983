package testsupport

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RaceReport is what the race detector writes when it finds a data race.
const RaceReport = "DATA RACE"

// Buffer is a bytes.Buffer a process writes to while the test reads.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Killed is the exit code Proc reports for a process ended by a signal.
const Killed = -1

// stopWithin bounds how long a process may take to end once asked to.
const stopWithin = 20 * time.Second

// Proc is a program a test started. Its output is kept. When it ends —
// Stop, Kill, Wait, or the end of the test — the test fails on a data race
// in its output, and on an exit status other than the one expected (Stop
// and the end of the test) or when the test does not look at it (Wait
// returns it).
type Proc struct {
	tb             testing.TB
	name           string
	cmd            *exec.Cmd
	stdout, stderr Buffer
	done           chan struct{}
	code           int
	checked        sync.Once
	stopSignal     os.Signal
	stopCode       int
}

// Start starts cmd with its output kept (cmd.Stdout and cmd.Stderr must be
// unset). If it still runs when the test ends it is sent stopSignal, and
// must then exit with stopCode (for kafkaplot: 0 for cluster, 130 for a
// command that reports the interruption).
func Start(tb testing.TB, cmd *exec.Cmd, stopSignal os.Signal, stopCode int) *Proc {
	tb.Helper()
	p := &Proc{tb: tb, name: procName(cmd), cmd: cmd, done: make(chan struct{}), stopSignal: stopSignal, stopCode: stopCode}
	cmd.Stdout, cmd.Stderr = &p.stdout, &p.stderr
	if cmd.WaitDelay == 0 {
		cmd.WaitDelay = time.Second // a child left holding the output does not hold Wait
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", p.name, err)
	}
	go func() {
		err := cmd.Wait()
		p.code = 0
		var exit *exec.ExitError
		switch {
		case errors.As(err, &exit) && exit.ExitCode() >= 0:
			p.code = exit.ExitCode()
		case err != nil:
			p.code = Killed
		}
		close(p.done)
	}()
	tb.Cleanup(func() {
		select {
		case <-p.done:
			p.check(nil)
		default:
			p.Stop(p.stopSignal, p.stopCode)
		}
	})
	return p
}

// procName names a command by its program and first argument.
func procName(cmd *exec.Cmd) string {
	name := filepath.Base(cmd.Path)
	if len(cmd.Args) > 1 {
		name += " " + cmd.Args[1]
	}
	return name
}

// Run runs cmd to its end (killing it after within, which fails the test)
// and returns its output and exit code; a data race in the output fails
// the test.
func Run(tb testing.TB, cmd *exec.Cmd, within time.Duration) (stdout, stderr string, code int) {
	tb.Helper()
	p := Start(tb, cmd, os.Kill, Killed)
	code = p.Wait(within)
	return p.Stdout(), p.Stderr(), code
}

// Stdout returns what the process wrote to stdout so far.
func (p *Proc) Stdout() string { return p.stdout.String() }

// Stderr returns what the process wrote to stderr so far.
func (p *Proc) Stderr() string { return p.stderr.String() }

// Done is closed when the process has ended.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Pid is the process id.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Wait waits for the process to end by itself and returns its exit code
// (Killed if a signal ended it), for the test to check; it kills the
// process and fails the test if it runs longer than within.
func (p *Proc) Wait(within time.Duration) int {
	p.tb.Helper()
	select {
	case <-p.done:
	case <-time.After(within):
		p.cmd.Process.Kill()
		<-p.done
		p.tb.Errorf("%s: still running after %s: killed\n%s", p.name, within, p.output())
	}
	p.check(nil)
	return p.code
}

// Stop sends sig and waits for the process to end (killing it after 20 s,
// which fails the test); an exit code other than want fails the test. A
// process that had already ended is checked the same way.
func (p *Proc) Stop(sig os.Signal, want int) {
	p.tb.Helper()
	select {
	case <-p.done:
	default:
		p.cmd.Process.Signal(sig)
		select {
		case <-p.done:
		case <-time.After(stopWithin):
			p.cmd.Process.Kill()
			<-p.done
			p.tb.Errorf("%s: did not end within %s of %v: killed", p.name, stopWithin, sig)
		}
	}
	p.check(&want)
}

// Kill ends the process with SIGKILL and waits; its exit status is not
// checked, its output is.
func (p *Proc) Kill() {
	p.tb.Helper()
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	want := Killed
	if p.code != Killed { // it ended before the signal: that must have been a clean end
		want = 0
	}
	p.check(&want)
}

// check fails the test on a data race in the output and, with want, on
// another exit code; once per process.
func (p *Proc) check(want *int) {
	p.tb.Helper()
	p.checked.Do(func() {
		if want != nil && p.code != *want {
			p.tb.Errorf("%s: exit code %d, want %d\n%s", p.name, p.code, *want, p.output())
		}
		CheckRace(p.tb, p.name, p.Stdout()+p.Stderr())
	})
}

// output is the process's output for a failure message.
func (p *Proc) output() string {
	return "stdout:\n" + p.Stdout() + "\nstderr:\n" + p.Stderr()
}

// CheckRace fails the test if output holds a race detector report.
func CheckRace(tb testing.TB, name, output string) {
	tb.Helper()
	if i := strings.Index(output, RaceReport); i >= 0 {
		tb.Errorf("%s: the race detector found a data race:\n%s", name, output[max(0, i-16):])
	}
}
