//go:build !windows

package ui

import (
	"io"
	"os"
	"os/signal"
	"syscall"
)

// consoleInput is the controlling terminal.
const consoleInput = "/dev/tty"

// sizePolled is false: SIGWINCH says when the size changed.
const sizePolled = false

// resizes ticks on every SIGWINCH until stop.
func resizes() (changes <-chan struct{}, stop func()) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGWINCH)
	out := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-sig:
				select {
				case out <- struct{}{}:
				default:
				}
			case <-done:
				return
			}
		}
	}()
	return out, func() {
		signal.Stop(sig)
		close(done)
	}
}

// enableVT is a no-op: Unix terminals take escape sequences as they are.
func enableVT(io.Writer) (restore func() error) {
	return func() error { return nil }
}
