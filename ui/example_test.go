package ui_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/kafkaplot/kafkaplot/ui"
)

// Example shows how a caller wires the dashboard: options, the program, and a
// goroutine that converts its own data into ui messages and sends them in
// batches. A real caller runs the program on the terminal
// (tea.WithAltScreen()); this one runs it headless with a fixed clock and
// prints the group bar and the legend of the last frame.
func Example() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	var p *tea.Program
	opts := ui.Options{
		Cluster:      "localhost:9092",
		Topic:        "temperature",
		Group:        "kafkaplot",
		SetGenerator: func(on bool) { p.Send(ui.GeneratorMsg{On: on, Rate: ui.DefaultRate}) },
		Now:          func() time.Time { return start.Add(2 * time.Second) },
		FPS:          -1, // frames on FrameMsg only, so the output does not depend on timing
	}
	p = tea.NewProgram(ui.New(opts), tea.WithContext(ctx), tea.WithInput(nil), tea.WithOutput(io.Discard))
	go func() {
		p.Send(tea.WindowSizeMsg{Width: 100, Height: 24})
		p.Send(ui.PartitionsMsg{Count: 2})
		p.Send(ui.GroupMsg{Generation: 1, MemberID: "m1", Owned: []int{0, 1},
			Members: []ui.Member{{ClientID: "kafkaplot-1", MemberID: "m1", Partitions: []int{0, 1}}}})
		batch := []ui.Event{
			{Partition: 0, Offset: 0, Series: "sensor0", Time: start, Value: 21.5},
			{Partition: 0, Offset: 1, Series: "sensor0", Time: start.Add(time.Second), Value: 22.5},
			{Partition: 1, Offset: 0, Series: "sensor4", Time: start, Value: 19},
		}
		p.Send(ui.EventsMsg{Events: batch}) // at most ~30 batches a second
		p.Send(ui.FrameMsg{})
		p.Quit()
	}()
	final, err := p.Run()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(ansi.Strip(final.View()), "\n") {
		if strings.Contains(line, "owns") {
			fmt.Println(strings.TrimSpace(line))
		}
		if _, entry, ok := strings.Cut(line, "● sensor"); ok { // a legend entry: series, last, min, max
			fmt.Println("sensor" + strings.Join(strings.Fields(strings.Trim(entry, "┃│ ")), " "))
		}
	}
	// Output:
	// gen 1 · owns [0,1] · members 1 · last rebalance gen 1: +p0 +p1, 0.0s ago
	// sensor0 22.50 21.50 22.50
	// sensor4 19.00 19.00 19.00
}
