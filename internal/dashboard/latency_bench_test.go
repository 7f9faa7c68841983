package dashboard

import (
	"context"
	"io"
	"slices"
	"sync"
	"testing"
	"time"
	"unsafe"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/simulate"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui"
)

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

func (l *latencies) produced(keys []eventKey, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		l.sent[k] = at
	}
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

// latencyModel wraps the dashboard's model: the events of an EventsMsg count
// as drawn when the model next renders a frame (its frame string changes),
// which it hands to its Screen at once.
type latencyModel struct {
	inner   tea.Model
	frame   *byte // the data of the last frame seen
	pending []eventKey
	lat     *latencies
}

func (m *latencyModel) Init() tea.Cmd { return m.inner.Init() }

func (m *latencyModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	if ev, ok := msg.(ui.EventsMsg); ok {
		for _, e := range ev.Events {
			m.pending = append(m.pending, eventKey{e.Series, e.Time.UnixMilli()})
		}
	}
	if f := unsafe.StringData(m.inner.View()); f != m.frame {
		m.frame = f
		if len(m.pending) > 0 {
			m.lat.drawn(m.pending, time.Now())
			m.pending = m.pending[:0]
		}
	}
	return m, cmd
}

func (m *latencyModel) View() string { return m.inner.View() }

// BenchmarkProduceToDrawn measures produce→drawn latency through the
// dashboard's own path: an embedded cluster, the consumer group with the
// embedded cluster's timings, the bridge (newBridge, run at 30 fps), and the
// dashboard's model on a Screen rendering on its own frame ticks. Each
// iteration is one generator step of the tutorial's eight sensors, produced
// with one synchronous request at 2 steps per second as the dashboard's
// generator does; run it with -benchtime 60x for 30 s. It reports the
// percentiles in ms and the events never drawn (lost-events).
func BenchmarkProduceToDrawn(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	emb, err := embedded.Start(ctx, embedded.Config{BrokerAddr: testsupport.FreeAddr(b), RegistryAddr: testsupport.FreeAddr(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer emb.Close()
	cfg := config.Default()
	conn := stream.Connection{Brokers: []string{emb.BrokerAddr()}}
	reg, err := schema.NewClient(emb.RegistryURL())
	if err != nil {
		b.Fatal(err)
	}
	enc, err := reg.SensorEncoder(ctx, cfg.Subject(), false)
	if err != nil {
		b.Fatal(err)
	}
	producer, err := stream.NewProducer(ctx, stream.ProducerConfig{Conn: conn, Topic: cfg.Kafka.Topic})
	if err != nil {
		b.Fatal(err)
	}
	defer producer.Close()

	ex, decoderOpts, screen := benchWiring(b, cfg)
	lat := &latencies{sent: map[eventKey]time.Time{}}
	model := &latencyModel{lat: lat, inner: ui.New(ui.Options{
		Cluster: conn.Brokers[0], Topic: cfg.Kafka.Topic, Group: "latency",
		Window: cfg.Plot.Window.Duration, Capacity: cfg.Plot.Points, Rate: cfg.Plot.Rate, Screen: screen,
	})}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	program := tea.NewProgram(model, tea.WithoutRenderer(), tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignalHandler(), tea.WithContext(runCtx))
	uiDone := make(chan error, 1)
	go func() {
		_, err := program.Run()
		uiDone <- err
	}()
	program.Send(tea.WindowSizeMsg{Width: 200, Height: 50})
	program.Send(ui.PartitionsMsg{Count: producer.Partitions()})
	decoder := schema.NewDecoder(reg, decoderOpts...)
	br := NewBridge(program.Send, ex, decoder.Writer)
	positioned := make(chan int, producer.Partitions())
	consumer, err := stream.NewConsumer(stream.ConsumerConfig{
		Conn:      conn,
		Group:     "latency",
		Topic:     cfg.Kafka.Topic,
		Reset:     stream.ResetLatest,
		Decoder:   decoder,
		Heartbeat: embedded.Heartbeat, Session: embedded.Session, Rebalance: embedded.Rebalance,
		OnRecords: br.Records,
		OnPosition: func(p int, _ int64) {
			select { // the first position of each partition is waited for
			case positioned <- p:
			default:
			}
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { consumer.Run(runCtx) })
	wg.Go(func() { br.Run(runCtx, time.Second/30) })
	for range producer.Partitions() {
		select {
		case <-positioned:
		case <-time.After(20 * time.Second):
			b.Fatal("the consumer was not positioned on every partition within 20 s")
		}
	}

	var msgs []stream.Message
	var deliveries []stream.Delivery
	var keys []eventKey
	sink := simulate.SinkFunc(func(ctx context.Context, events []simulate.Event) error {
		msgs, keys = msgs[:0], keys[:0]
		for _, ev := range events {
			v, err := enc.AppendSensor(nil, schema.Sensor{Timestamp: ev.Timestamp.UnixMilli(), ID: ev.ID, Value: ev.Value})
			if err != nil {
				return err
			}
			msgs = append(msgs, stream.Message{Key: []byte(ev.ID), Value: v, Time: ev.Timestamp})
			keys = append(keys, eventKey{ev.ID, ev.Timestamp.UnixMilli()})
		}
		lat.produced(keys, time.Now())
		deliveries, err = producer.Send(ctx, msgs, deliveries)
		return err
	})
	const rate = 2 // steps per second, the generator's default
	b.ResetTimer()
	gen := simulate.New(simulate.Options{Steps: b.N, Delay: simulate.DelayForRate(rate), Noise: true})
	if _, err := gen.Run(ctx, sink); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	time.Sleep(time.Second) // the last events reach the screen
	stop()
	wg.Wait()
	if err := <-uiDone; err != nil && ctx.Err() == nil && runCtx.Err() == nil {
		b.Fatal(err)
	}

	lat.mu.Lock()
	defer lat.mu.Unlock()
	s := lat.samples
	if len(s) == 0 {
		b.Fatal("no event was drawn")
	}
	slices.Sort(s)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	q := func(p float64) float64 { return ms(s[min(len(s)-1, int(p*float64(len(s))))]) }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(ms(s[len(s)-1]), "max-ms")
	b.ReportMetric(float64(len(s)), "drawn-events")
	b.ReportMetric(float64(len(lat.sent)), "lost-events")
}
