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
