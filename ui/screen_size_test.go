package ui

import (
	"context"
	"slices"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func TestWatchSize(t *testing.T) {
	// Sizes read at start and after each of three ticks.
	sizes := [][2]int{{80, 24}, {80, 24}, {100, 30}, {100, 30}}
	tests := []struct {
		name   string
		polled bool
		want   [][2]int
	}{
		{"signalled: every resize is sent", false, sizes},
		{"polled: only a changed size is sent", true, [][2]int{{80, 24}, {100, 30}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			changes := make(chan struct{})
			read := 0
			size := func() (int, int, error) {
				s := sizes[read]
				read++
				return s[0], s[1], nil
			}
			var got [][2]int
			send := func(msg tea.Msg) {
				m := msg.(tea.WindowSizeMsg)
				got = append(got, [2]int{m.Width, m.Height})
			}
			done := make(chan struct{})
			go func() {
				defer close(done)
				watchSize(ctx, size, changes, tt.polled, send)
			}()
			for range len(sizes) - 1 {
				changes <- struct{}{}
			}
			cancel()
			<-done
			if !slices.Equal(got, tt.want) {
				t.Errorf("sent %v, want %v", got, tt.want)
			}
		})
	}
}
