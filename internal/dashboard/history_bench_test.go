package dashboard

import (
	"context"
	"fmt"
	"io"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui"
)

// BenchmarkHistoryDrawn measures a partition's history through the
// dashboard's own path: an embedded cluster holding
// KAFKAPLOT_BENCH_HISTORY_RECORDS records of the tutorial's sensors in
// partition 0, stamped evenly over the minute before now; a consumer in
// a new group at the latest offsets reading the window's history; the
// bridge (run at 30 fps); and the dashboard's model on a Screen at 200×50
// rendering on its own frame ticks. Each iteration is a new group; it
// reports the time from the assignment to the frame that draws the whole
// history (ms/history), the CPU time of the process from the consumer's
// start to then (cpu-ms/history, the in-process broker's included) and the
// events drawn.
func BenchmarkHistoryDrawn(b *testing.B) {
	ctx, conn, reg, cfg := benchCluster(b)
	records := benchRecords(b, "KAFKAPLOT_BENCH_HISTORY_RECORDS")
	// Stamped over half the window: a fill of up to a minute (10,000,000
	// records on a busy machine) still leaves every record in it.
	now := time.Now()
	if err := fillSensors(ctx, conn, reg, cfg, records, now.Add(-cfg.Plot.Window.Duration/2), now, 0); err != nil {
		b.Fatal(err)
	}
	var total, cpu time.Duration
	var events int64
	for i := 0; b.Loop(); i++ {
		c0 := cpuTime(b)
		d, n := historyDrawn(b, ctx, conn, reg, cfg, fmt.Sprintf("history-%d", i))
		cpu += cpuTime(b) - c0
		total += d
		events = n
	}
	if events != int64(records) {
		b.Fatalf("drew %d events of the %d records", events, records)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/history")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/history")
	b.ReportMetric(float64(events), "events")
}

// cpuTime returns the CPU time the process (the broker in it included)
// has used so far, which other processes on the machine do not inflate.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// historyDrawn runs the dashboard's consumer, bridge and model in group
// until partition 0's history is drawn, and returns the time from the
// assignment and the events drawn.
func historyDrawn(b *testing.B, ctx context.Context, conn stream.Connection, reg *schema.Client, cfg config.Config, group string) (time.Duration, int64) {
	ex, decoderOpts, screen := benchWiring(b, cfg)
	model := &drawnModel{drawn: make(chan time.Time, 1), count: historyCount, inner: ui.New(ui.Options{
		Cluster: conn.Brokers[0], Topic: cfg.Kafka.Topic, Group: group,
		Window: cfg.Plot.Window.Duration, Capacity: cfg.Plot.Points, Rate: cfg.Plot.Rate, Screen: screen,
	})}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	program := tea.NewProgram(model, tea.WithoutRenderer(), tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignalHandler(), tea.WithContext(runCtx))
	uiDone := make(chan struct{})
	go func() {
		defer close(uiDone)
		program.Run()
	}()
	program.Send(tea.WindowSizeMsg{Width: 200, Height: 50})
	decoder := schema.NewDecoder(reg, decoderOpts...)
	br := NewBridge(program.Send, ex, decoder.Writer)
	var (
		mu       sync.Mutex
		assigned time.Time
	)
	consumer, err := stream.NewConsumer(stream.ConsumerConfig{
		Conn: conn, Group: group, Topic: cfg.Kafka.Topic, Reset: stream.ResetLatest, Decoder: decoder,
		Heartbeat: embedded.Heartbeat, Session: embedded.Session, Rebalance: embedded.Rebalance,
		History:   cfg.Plot.Window.Duration,
		OnRecords: br.Records,
		OnHistory: br.History,
		OnGroup: func(ev stream.GroupEvent) {
			mu.Lock()
			defer mu.Unlock()
			if assigned.IsZero() && len(ev.Assigned) > 0 {
				assigned = time.Now()
			}
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { consumer.Run(runCtx) })
	wg.Go(func() { br.Run(runCtx, time.Second/30) })
	var at time.Time
	select {
	case at = <-model.drawn:
	case <-time.After(2 * time.Minute):
		b.Fatal("the history was not drawn within 2 minutes")
	}
	stop()
	wg.Wait()
	<-uiDone
	mu.Lock()
	defer mu.Unlock()
	return at.Sub(assigned), model.events
}
