package ui

import (
	"context"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"
)

// WatchSize sends the terminal's size (of out, if it is a terminal) as a
// tea.WindowSizeMsg now and after every resize, until ctx ends; bubbletea
// does not when it runs without a renderer. Unix reports resizes with
// SIGWINCH; Windows has no such signal, so there the size is polled and
// sent when it changed.
func (s *Screen) WatchSize(ctx context.Context, out *os.File, send func(tea.Msg)) {
	if out == nil || !term.IsTerminal(out.Fd()) {
		return
	}
	changes, stop := resizes()
	size := func() (int, int, error) { return term.GetSize(out.Fd()) }
	go func() {
		defer stop()
		watchSize(ctx, size, changes, sizePolled, send)
	}()
}

// watchSize sends size now and after each tick of changes until ctx ends;
// when polled, only a size that differs from the last one sent.
func watchSize(ctx context.Context, size func() (int, int, error), changes <-chan struct{}, polled bool, send func(tea.Msg)) {
	lastW, lastH := -1, -1
	for {
		if w, h, err := size(); err == nil && (!polled || w != lastW || h != lastH) {
			lastW, lastH = w, h
			send(tea.WindowSizeMsg{Width: w, Height: h})
		}
		select {
		case <-ctx.Done():
			return
		case <-changes:
		}
	}
}

// OpenInput returns the keyboard for the Screen and bubbletea to share
// (tea.WithInput): stdin when it is a terminal, else the console's own
// input (/dev/tty on Unix, CONIN$ on Windows), as bubbletea would open on
// its own but without the Screen putting it in raw mode. With no terminal
// at all it returns stdin. The returned func closes what OpenInput opened.
func OpenInput(stdin *os.File) (*os.File, func() error) {
	if term.IsTerminal(stdin.Fd()) {
		return stdin, func() error { return nil }
	}
	tty, err := os.OpenFile(consoleInput, os.O_RDWR, 0)
	if err != nil || !term.IsTerminal(tty.Fd()) {
		if tty != nil {
			tty.Close()
		}
		return stdin, func() error { return nil }
	}
	return tty, tty.Close
}
