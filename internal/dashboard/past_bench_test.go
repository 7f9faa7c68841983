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
	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui"
)

// pastDrawnModel wraps the dashboard's model: the range counts as drawn
// at the first frame the model renders after it ingested the range's last
// report.
type pastDrawnModel struct {
	inner  tea.Model
	frame  *byte
	done   bool
	events int64
	drawn  chan time.Time
}

func (m *pastDrawnModel) Init() tea.Cmd { return m.inner.Init() }

func (m *pastDrawnModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	if r, ok := msg.(ui.RangeMsg); ok {
		m.events += int64(len(r.Events))
		m.done = m.done || r.Done
	}
	if f := unsafe.StringData(m.inner.View()); f != m.frame {
		m.frame = f
		if m.done {
			m.done = false
			m.drawn <- time.Now()
		}
	}
	return m, cmd
}

func (m *pastDrawnModel) View() string { return m.inner.View() }

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
	records := 200_000
	if s := os.Getenv("KAFKAPLOT_BENCH_PAST_RECORDS"); s != "" {
		var err error
		if records, err = strconv.Atoi(s); err != nil || records <= 0 {
			b.Fatalf("KAFKAPLOT_BENCH_PAST_RECORDS=%q: want a positive number of records", s)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	emb, err := embedded.Start(ctx, embedded.Config{BrokerAddr: testsupport.FreeAddr(b), RegistryAddr: testsupport.FreeAddr(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer emb.Close()
	cfg := config.Default()
	cfg.Plot.Window.Duration = 2 * time.Minute
	conn := stream.Connection{Brokers: []string{emb.BrokerAddr()}}
	reg, err := schema.NewClient(emb.RegistryURL())
	if err != nil {
		b.Fatal(err)
	}
	end := time.Now().Add(-90 * time.Minute).Truncate(time.Second) // whole milliseconds: the records stamped in ms are all in the range
	if err := fillRange(ctx, conn, reg, cfg, records, end.Add(-cfg.Plot.Window.Duration), end); err != nil {
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
	ex := connect.Extractor(cfg)
	decoderOpts, err := connect.DecoderOptions(cfg, schema.WithSelection(ex.Selection))
	if err != nil {
		b.Fatal(err)
	}
	screen, err := ui.NewScreen(nil, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	defer screen.Close()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	past := &pastReader{ctx: runCtx, conn: conn, topic: cfg.Kafka.Topic, decoder: schema.NewDecoder(reg, decoderOpts...), ex: ex,
		logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	model := &pastDrawnModel{drawn: make(chan time.Time, 1), inner: ui.New(ui.Options{
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

// fillRange writes records of the tutorial's 8 sensors stamped evenly over
// [from, to), 4,096 per request.
func fillRange(ctx context.Context, conn stream.Connection, reg *schema.Client, cfg config.Config, records int, from, to time.Time) error {
	enc, err := reg.SensorEncoder(ctx, cfg.Subject(), false)
	if err != nil {
		return err
	}
	producer, err := stream.NewProducer(ctx, stream.ProducerConfig{Conn: conn, Topic: cfg.Kafka.Topic})
	if err != nil {
		return err
	}
	defer producer.Close()
	msgs := make([]stream.Message, 0, 4096)
	var deliveries []stream.Delivery
	span := to.Sub(from)
	for n := 0; n < records; {
		msgs = msgs[:0]
		for ; n < records && len(msgs) < cap(msgs); n++ {
			at := from.Add(time.Duration(n) * span / time.Duration(records))
			id := fmt.Sprintf("sensor%d", n%8)
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
