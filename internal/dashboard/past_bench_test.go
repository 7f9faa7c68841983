package dashboard

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"
	"unsafe"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/extract"
	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui"
)

// drawnModel wraps the dashboard's model: what it measures counts as
// drawn at the first frame the model renders after count said the last
// part of it was ingested.
type drawnModel struct {
	inner  tea.Model
	count  func(tea.Msg) (events int, done bool)
	frame  *byte // the data of the last frame seen
	done   bool  // the last part is ingested, not drawn yet
	events int64
	drawn  chan time.Time
}

func (m *drawnModel) Init() tea.Cmd { return m.inner.Init() }

func (m *drawnModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	n, done := m.count(msg)
	m.events += int64(n)
	m.done = m.done || done
	if f := unsafe.StringData(m.inner.View()); f != m.frame {
		m.frame = f
		if m.done {
			m.done = false
			m.drawn <- time.Now()
		}
	}
	return m, cmd
}

func (m *drawnModel) View() string { return m.inner.View() }

// historyCount counts a history's parts (partition 0's, the only one
// BenchmarkHistoryDrawn fills).
func historyCount(msg tea.Msg) (int, bool) {
	if h, ok := msg.(ui.HistoryMsg); ok {
		return len(h.Events), h.Done
	}
	return 0, false
}

// rangeCount counts a range of the past's parts.
func rangeCount(msg tea.Msg) (int, bool) {
	if r, ok := msg.(ui.RangeMsg); ok {
		return len(r.Events), r.Done
	}
	return 0, false
}

// benchCluster starts an embedded cluster for a benchmark, stopped when
// it ends, and returns a context ended then, a connection to the cluster,
// its registry and the configuration (a 2 minute window).
func benchCluster(b *testing.B) (context.Context, stream.Connection, *schema.Client, config.Config) {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	emb, err := embedded.Start(ctx, embedded.Config{BrokerAddr: testsupport.FreeAddr(b), RegistryAddr: testsupport.FreeAddr(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { emb.Close() })
	cfg := config.Default()
	cfg.Plot.Window.Duration = 2 * time.Minute
	reg, err := schema.NewClient(emb.RegistryURL())
	if err != nil {
		b.Fatal(err)
	}
	return ctx, stream.Connection{Brokers: []string{emb.BrokerAddr()}}, reg, cfg
}

// benchWiring is the dashboard's wiring of cfg without a terminal: its
// extractor, decoder options and a Screen writing nowhere, closed when
// the benchmark ends.
func benchWiring(b *testing.B, cfg config.Config) (*extract.Extractor, []schema.DecoderOption, *ui.Screen) {
	ex := connect.Extractor(cfg)
	decoderOpts, err := connect.DecoderOptions(cfg, schema.WithSelection(ex.Selection))
	if err != nil {
		b.Fatal(err)
	}
	screen, err := ui.NewScreen(nil, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { screen.Close() })
	return ex, decoderOpts, screen
}

// benchRecords is how many records a benchmark writes: the environment
// variable env, else 200,000.
func benchRecords(b *testing.B, env string) int {
	n := 200_000
	if s := os.Getenv(env); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n <= 0 {
			b.Fatalf("%s=%q: want a positive number of records", env, s)
		}
	}
	return n
}

// BenchmarkPastDrawn measures a window of the past outside what the
// dashboard holds (as panning or @ there), through the dashboard's own
// path: an embedded cluster holding KAFKAPLOT_BENCH_PAST_RECORDS records
// (default 200,000) of the tutorial's 8 sensors in both partitions,
// stamped evenly over the 2 minutes that ended 90 minutes ago; a model
// opened on that window (Options.At) reading it through the past reader
// (stream.ReadRange, every partition at once) and drawing it on a Screen
// at 200×50. It reports the time from the model's start to the frame that
// draws the whole range (ms/range) and the events drawn.
func BenchmarkPastDrawn(b *testing.B) {
	records := benchRecords(b, "KAFKAPLOT_BENCH_PAST_RECORDS")
	ctx, conn, reg, cfg := benchCluster(b)
	end := time.Now().Add(-90 * time.Minute).Truncate(time.Second) // whole milliseconds: the records stamped in ms are all in the range
	if err := fillSensors(ctx, conn, reg, cfg, records, end.Add(-cfg.Plot.Window.Duration), end, -1); err != nil {
		b.Fatal(err)
	}
	var total time.Duration
	var events int64
	for b.Loop() {
		d, n := pastDrawn(b, ctx, conn, reg, cfg, end)
		total += d
		events = n
	}
	if events != int64(records) {
		b.Fatalf("drew %d events of the %d records", events, records)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/range")
	b.ReportMetric(float64(events), "events")
}

// pastDrawn runs a model opened on the window ending at end until the
// range is drawn, and returns the time from its start and the events.
func pastDrawn(b *testing.B, ctx context.Context, conn stream.Connection, reg *schema.Client, cfg config.Config, end time.Time) (time.Duration, int64) {
	ex, decoderOpts, screen := benchWiring(b, cfg)
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	past := &pastReader{ctx: runCtx, conn: conn, topic: cfg.Kafka.Topic, decoder: schema.NewDecoder(reg, decoderOpts...), ex: ex,
		logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	model := &drawnModel{drawn: make(chan time.Time, 1), count: rangeCount, inner: ui.New(ui.Options{
		Cluster: conn.Brokers[0], Topic: cfg.Kafka.Topic, Group: "past", At: end, ReadRange: past.read,
		Window: cfg.Plot.Window.Duration, Capacity: cfg.Plot.Points, Screen: screen,
	})}
	program := tea.NewProgram(model, tea.WithoutRenderer(), tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignalHandler(), tea.WithContext(runCtx))
	past.send = program.Send
	uiDone := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(uiDone)
		program.Run()
	}()
	program.Send(tea.WindowSizeMsg{Width: 200, Height: 50})
	var at time.Time
	select {
	case at = <-model.drawn:
	case <-time.After(2 * time.Minute):
		b.Fatal("the range was not drawn within 2 minutes")
	}
	stop()
	past.wait()
	<-uiDone
	return at.Sub(start), model.events
}

// fillSensors writes records of the tutorial's 8 sensors (with partition
// 0 or more, only those whose key falls in it) stamped evenly over
// [from, to), 4,096 per request.
func fillSensors(ctx context.Context, conn stream.Connection, reg *schema.Client, cfg config.Config, records int, from, to time.Time, partition int) error {
	enc, err := reg.SensorEncoder(ctx, cfg.Subject(), false)
	if err != nil {
		return err
	}
	producer, err := stream.NewProducer(ctx, stream.ProducerConfig{Conn: conn, Topic: cfg.Kafka.Topic})
	if err != nil {
		return err
	}
	defer producer.Close()
	var ids []string
	for i := range 8 {
		if id := fmt.Sprintf("sensor%d", i); partition < 0 || stream.PartitionFor([]byte(id), producer.Partitions()) == partition {
			ids = append(ids, id)
		}
	}
	msgs := make([]stream.Message, 0, 4096)
	var deliveries []stream.Delivery
	span := to.Sub(from)
	for n := 0; n < records; {
		msgs = msgs[:0]
		for ; n < records && len(msgs) < cap(msgs); n++ {
			at := from.Add(time.Duration(n) * span / time.Duration(records))
			id := ids[n%len(ids)]
			v, err := enc.AppendSensor(nil, schema.Sensor{Timestamp: at.UnixMilli(), ID: id, Value: float64(n % 100)})
			if err != nil {
				return err
			}
			msgs = append(msgs, stream.Message{Key: []byte(id), Value: v, Time: at})
		}
		if deliveries, err = producer.Send(ctx, msgs, deliveries); err != nil {
			return err
		}
	}
	return nil
}
