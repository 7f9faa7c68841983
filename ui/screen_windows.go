//go:build windows

package ui

import (
	"io"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// consoleInput is the console's input buffer.
const consoleInput = "CONIN$"

// sizePolled is true: Windows has no SIGWINCH.
const sizePolled = true

// sizePollInterval is how often the console's size is read.
const sizePollInterval = 250 * time.Millisecond

// resizes ticks every sizePollInterval until stop.
func resizes() (changes <-chan struct{}, stop func()) {
	t := time.NewTicker(sizePollInterval)
	out := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-t.C:
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
		t.Stop()
		close(done)
	}
}

// enableVT makes the console behind out (when it is one) interpret the
// escape sequences the Screen writes, as Windows Terminal and conhost do
// only when asked; restore puts its mode back.
func enableVT(out io.Writer) (restore func() error) {
	noop := func() error { return nil }
	f, ok := out.(*os.File)
	if !ok {
		return noop
	}
	h := windows.Handle(f.Fd())
	var mode uint32
	if windows.GetConsoleMode(h, &mode) != nil {
		return noop
	}
	if windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING) != nil {
		return noop
	}
	return func() error { return windows.SetConsoleMode(h, mode) }
}
