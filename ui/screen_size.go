package ui

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"
)

// WatchSize sends the terminal's size (of out, if it is a terminal) as a
// tea.WindowSizeMsg now and after every resize, until ctx ends; bubbletea
// does not when it runs without a renderer.
func (s *Screen) WatchSize(ctx context.Context, out *os.File, send func(tea.Msg)) {
	if out == nil || !term.IsTerminal(out.Fd()) {
		return
	}
	resized := make(chan os.Signal, 1)
	signal.Notify(resized, syscall.SIGWINCH)
	go func() {
		defer signal.Stop(resized)
		for {
			if w, h, err := term.GetSize(out.Fd()); err == nil {
				send(tea.WindowSizeMsg{Width: w, Height: h})
			}
			select {
			case <-ctx.Done():
				return
			case <-resized:
			}
		}
	}()
}

// OpenInput returns the keyboard for the Screen and bubbletea to share
// (tea.WithInput): stdin when it is a terminal, else the controlling
// terminal /dev/tty, as bubbletea would open on its own but without the
// Screen putting it in raw mode. With no terminal at all it returns stdin.
// The returned func closes what OpenInput opened.
func OpenInput(stdin *os.File) (*os.File, func() error) {
	if term.IsTerminal(stdin.Fd()) {
		return stdin, func() error { return nil }
	}
	tty, err := os.Open("/dev/tty")
	if err != nil || !term.IsTerminal(tty.Fd()) {
		if tty != nil {
			tty.Close()
		}
		return stdin, func() error { return nil }
	}
	return tty, tty.Close
}
