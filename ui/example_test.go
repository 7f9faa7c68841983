package ui_test

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/kafkaplot/kafkaplot/ui"
)

// Example shows how a caller wires the dashboard: options, the program, and a
// goroutine that converts its own data into ui messages and sends them in
// batches.
func Example() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var p *tea.Program
	opts := ui.Options{
		Cluster:      "localhost:9092",
		Topic:        "temperature",
		Group:        "kafkaplot",
		SetGenerator: func(on bool) { p.Send(ui.GeneratorMsg{On: on, Rate: ui.DefaultRate}) },
	}
	p = tea.NewProgram(ui.New(opts), tea.WithAltScreen(), tea.WithContext(ctx))
	go func() {
		p.Send(ui.PartitionsMsg{Count: 2})
		p.Send(ui.GroupMsg{Generation: 1, MemberID: "m1", Owned: []int{0, 1},
			Members: []ui.Member{{ClientID: "kafkaplot-1", MemberID: "m1", Partitions: []int{0, 1}}}})
		batch := []ui.Event{{Partition: 0, Offset: 0, Series: "sensor0", Time: time.Now(), Value: 21.5}}
		p.Send(ui.EventsMsg{Events: batch}) // at most ~30 batches a second
	}()
	if _, err := p.Run(); err != nil {
		return
	}
}
