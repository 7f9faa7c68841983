package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/simulate"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui"
)

// frameInterval is the dashboard's: its bridge hands batches to the UI and
// the UI renders at 30 frames per second.
const frameInterval = time.Second / 30

// eventKey identifies one produced event: its sensor and timestamp (ms).
type eventKey struct {
	id string
	ms int64
}

// latencies collects produce→drawn latencies.
type latencies struct {
	mu      sync.Mutex
	sent    map[eventKey]time.Time // when each event's produce request started
	samples []time.Duration
}

func (l *latencies) produced(k eventKey, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent[k] = at
}

func (l *latencies) drawn(keys []eventKey, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if t, ok := l.sent[k]; ok {
			l.samples = append(l.samples, at.Sub(t))
			delete(l.sent, k)
		}
	}
}

// drawnModel wraps the dashboard's model: events count as drawn when the
// model renders the first frame after it ingested them.
type drawnModel struct {
	inner   tea.Model
	pending []eventKey
	lat     *latencies
}

func (m *drawnModel) Init() tea.Cmd { return m.inner.Init() }

func (m *drawnModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	switch msg := msg.(type) {
	case ui.EventsMsg:
		for _, e := range msg.Events {
			m.pending = append(m.pending, eventKey{e.Series, e.Time.UnixMilli()})
		}
	case ui.FrameMsg:
		if len(m.pending) > 0 {
			m.lat.drawn(m.pending, time.Now())
			m.pending = m.pending[:0]
		}
	}
	return m, cmd
}

func (m *drawnModel) View() string { return m.inner.View() }

// batcher is the dashboard's bridge: records are converted to ui events and
// handed to the UI at most once per frame interval.
type batcher struct {
	mu     sync.Mutex
	events []ui.Event
}

func (b *batcher) records(batch []stream.Record) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, r := range batch {
		if r.IsSensor {
			b.events = append(b.events, ui.Event{Partition: r.Partition, Offset: r.Offset, Series: r.Sensor.ID, Time: time.UnixMilli(r.Sensor.Timestamp), Value: r.Sensor.Value})
		}
	}
}

func (b *batcher) take() []ui.Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	ev := b.events
	b.events = nil
	return ev
}

// runLatency produces the tutorial's sensors at --rate steps per second
// (one synchronous request per step, like the dashboard's generator) and
// consumes them as the dashboard does: consumer group with the embedded
// cluster's timings, bridge batching at 30 fps, the dashboard's model
// rendering at 30 fps. It reports percentiles of produce→drawn.
func runLatency(ctx context.Context, fs *flag.FlagSet, args []string, out io.Writer) error {
	brokers := fs.String("brokers", "", "bootstrap broker")
	registry := fs.String("registry", "", "schema registry URL")
	topic := fs.String("topic", "temperature", "topic")
	rate := fs.Float64("rate", 2, "generator steps per second")
	duration := fs.Duration("duration", 30*time.Second, "how long to produce")
	maxWait := fs.Duration("max-wait", 0, "consumer fetch MaxWait (0: the consumer's default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	conn := stream.Connection{Brokers: []string{*brokers}}
	reg, err := schema.NewClient(*registry)
	if err != nil {
		return err
	}
	enc, err := reg.SensorEncoder(ctx, "sensor", false)
	if err != nil {
		return err
	}
	producer, err := stream.NewProducer(ctx, stream.ProducerConfig{Conn: conn, Topic: *topic})
	if err != nil {
		return err
	}
	defer producer.Close()

	lat := &latencies{sent: map[eventKey]time.Time{}}
	model := &drawnModel{inner: ui.New(ui.Options{Topic: *topic, Group: "latency", FPS: -1}), lat: lat}
	program := tea.NewProgram(model, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignalHandler(), tea.WithContext(ctx))
	uiDone := make(chan error, 1)
	go func() {
		_, err := program.Run()
		uiDone <- err
	}()
	program.Send(tea.WindowSizeMsg{Width: 200, Height: 50})
	program.Send(ui.PartitionsMsg{Count: producer.Partitions()})

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var b batcher
	joined := make(chan struct{})
	var once sync.Once
	consumer, err := stream.NewConsumer(stream.ConsumerConfig{
		Conn:      conn,
		Group:     fmt.Sprintf("latency-%d", os.Getpid()),
		Topic:     *topic,
		Reset:     stream.ResetLatest,
		Decoder:   schema.NewDecoder(reg),
		Heartbeat: embedded.Heartbeat, Session: embedded.Session, Rebalance: embedded.Rebalance,
		MaxWait: *maxWait,
		OnRecords: func(_ context.Context, batch []stream.Record) error {
			b.records(batch)
			return nil
		},
		OnPosition: func(int, int64) { once.Do(func() { close(joined) }) },
	})
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Go(func() { consumer.Run(runCtx) })
	wg.Go(func() {
		tick := time.NewTicker(frameInterval)
		defer tick.Stop()
		for {
			select {
			case <-runCtx.Done():
				return
			case <-tick.C:
				if ev := b.take(); len(ev) > 0 {
					program.Send(ui.EventsMsg{Events: ev})
				}
			}
		}
	})
	wg.Go(func() {
		tick := time.NewTicker(frameInterval)
		defer tick.Stop()
		for {
			select {
			case <-runCtx.Done():
				return
			case <-tick.C:
				program.Send(ui.FrameMsg{})
			}
		}
	})
	select {
	case <-joined:
	case <-time.After(20 * time.Second):
		return fmt.Errorf("consumer did not start within 20s")
	}
	time.Sleep(500 * time.Millisecond) // both partitions positioned

	var msgs []stream.Message
	var deliveries []stream.Delivery
	sink := simulate.SinkFunc(func(ctx context.Context, events []simulate.Event) error {
		msgs = msgs[:0]
		for _, ev := range events {
			v, err := enc.AppendSensor(nil, schema.Sensor{Timestamp: ev.Timestamp.UnixMilli(), ID: ev.ID, Value: ev.Value})
			if err != nil {
				return err
			}
			msgs = append(msgs, stream.Message{Key: []byte(ev.ID), Value: v, Time: ev.Timestamp})
		}
		now := time.Now()
		for _, ev := range events {
			lat.produced(eventKey{ev.ID, ev.Timestamp.UnixMilli()}, now)
		}
		deliveries, err = producer.Send(ctx, msgs, deliveries)
		return err
	})
	steps := int(*rate * duration.Seconds())
	gen := simulate.New(simulate.Options{Steps: steps, Delay: simulate.DelayForRate(*rate), Noise: true})
	if _, err := gen.Run(ctx, sink); err != nil {
		return err
	}
	time.Sleep(time.Second) // the last events reach the screen
	cancel()
	wg.Wait()
	program.Quit()
	<-uiDone

	lat.mu.Lock()
	defer lat.mu.Unlock()
	s := lat.samples
	if len(s) == 0 {
		return fmt.Errorf("no event was drawn")
	}
	slices.Sort(s)
	q := func(p float64) float64 {
		return float64(s[min(len(s)-1, int(p*float64(len(s))))].Microseconds()) / 1000
	}
	fmt.Fprintf(out, "latency_events=%d\nlatency_lost=%d\nlatency_p50_ms=%.1f\nlatency_p90_ms=%.1f\nlatency_p99_ms=%.1f\nlatency_max_ms=%.1f\n",
		len(s), len(lat.sent), q(0.50), q(0.90), q(0.99), float64(s[len(s)-1].Microseconds())/1000)
	return nil
}
