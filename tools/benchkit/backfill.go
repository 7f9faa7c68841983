package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/extract"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui"
)

// frameInterval is the dashboard's frame interval (30 frames per second).
const frameInterval = time.Second / 30

// historyEvents is the most events of a history message, as the
// dashboard's bridge sends them.
const historyEvents = 8192

// historyModel wraps the dashboard's model: the backfill counts as drawn
// when the model renders the first frame after it ingested the histories
// of every partition that has one.
type historyModel struct {
	inner   tea.Model
	done    bool // every history was sent
	drawn   chan time.Time
	records int
}

// historiesSent says every part of every history was sent to the model.
type historiesSent struct{}

func (m *historyModel) Init() tea.Cmd { return m.inner.Init() }

func (m *historyModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	switch msg := msg.(type) {
	case ui.HistoryMsg:
		m.records += len(msg.Events)
	case historiesSent:
		m.done = true
	case ui.FrameMsg:
		if m.done {
			m.done = false // once
			m.drawn <- time.Now()
		}
	}
	return m, cmd
}

func (m *historyModel) View() string { return m.inner.View() }

// runBackfill fills the topic with --records records per partition (or in
// --partition alone) whose timestamps are spread over the --span before
// now, then starts a consumer in a new group at the latest offsets with the
// dashboard's history (window --span, read whole up to --budget records
// per partition) and its model, and reports how long after the assignment
// the histories were drawn.
func runBackfill(ctx context.Context, fs *flag.FlagSet, args []string, out io.Writer) error {
	brokers := fs.String("brokers", "", "bootstrap broker")
	registry := fs.String("registry", "", "schema registry URL")
	topic := fs.String("topic", "temperature", "topic")
	records := fs.Int("records", 12_000, "records per partition")
	only := fs.Int("partition", -1, "fill only this partition (-1: every one)")
	span := fs.Duration("span", 2*time.Minute, "the records' timestamps are spread over this span before now")
	budget := fs.Int("budget", stream.DefaultHistoryBudget, "history budget per partition: most records read whole")
	batch := fs.Int("batch", 4096, "records per produce request (the broker keeps one record batch per partition and request)")
	prefix := fs.String("prefix", "backfill", "prefix of the reported keys")
	if err := fs.Parse(args); err != nil {
		return err
	}
	conn := stream.Connection{Brokers: []string{*brokers}}
	reg, err := schema.NewClient(*registry)
	if err != nil {
		return err
	}
	fillStart := time.Now()
	filled, err := fill(ctx, conn, reg, *topic, *records, *only, *span, *batch)
	if err != nil {
		return err
	}

	drawn := make(chan time.Time, 1)
	model := &historyModel{inner: ui.New(ui.Options{Topic: *topic, Group: "backfill", FPS: -1}), drawn: drawn}
	program := tea.NewProgram(model, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignalHandler(), tea.WithContext(ctx))
	uiDone := make(chan error, 1)
	go func() {
		_, err := program.Run()
		uiDone <- err
	}()
	program.Send(tea.WindowSizeMsg{Width: 200, Height: 50})

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		assigned time.Time
		finished int // partitions whose history is sent whole
		sliced   stream.Slicing
	)
	ex := extract.New(extract.Config{})
	var points []extract.Point
	pending := map[int]ui.HistoryMsg{} // per partition, the parts not sent yet
	free := make(chan []ui.Event, 4)   // slices the model gave back
	recycle := func(events []ui.Event) {
		select {
		case free <- events[:0]:
		default:
		}
	}
	consumer, err := stream.NewConsumer(stream.ConsumerConfig{
		Conn:      conn,
		Group:     fmt.Sprintf("backfill-%d-%d", os.Getpid(), time.Now().UnixNano()),
		Topic:     *topic,
		Reset:     stream.ResetLatest,
		Decoder:   schema.NewDecoder(reg, schema.WithSelection(ex.Selection)),
		Heartbeat: embedded.Heartbeat, Session: embedded.Session, Rebalance: embedded.Rebalance,
		// The records are stamped over the span before the fill began: the
		// window reaches back to there, whatever the fill took.
		History:       time.Since(fillStart) + *span + 10*time.Second,
		HistoryBudget: *budget,
		OnRecords:     func(context.Context, []stream.Record) error { return nil },
		OnGroup: func(ev stream.GroupEvent) {
			mu.Lock()
			defer mu.Unlock()
			if assigned.IsZero() && len(ev.Assigned) > 0 {
				assigned = time.Now()
			}
		},
		OnHistory: func(_ context.Context, h stream.History) error {
			if h.Err != nil {
				return h.Err
			}
			if h.Done {
				mu.Lock()
				defer mu.Unlock()
				if msg, ok := pending[h.Partition]; ok {
					delete(pending, h.Partition)
					program.Send(msg)
				}
				if finished++; finished == filled {
					program.Send(historiesSent{})
				}
				if !h.Slicing.Whole() {
					sliced = h.Slicing
				}
				return nil
			}
			// As the dashboard's bridge does: parts joined into messages
			// of historyEvents, in slices the model gives back.
			mu.Lock()
			msg := pending[h.Partition]
			if msg.Events == nil {
				select {
				case msg.Events = <-free:
				default:
					msg.Events = make([]ui.Event, 0, historyEvents+len(h.Records))
				}
			}
			msg.Partition, msg.Read, msg.Total, msg.Recycle = h.Partition, h.Read, h.Total, recycle
			for i := range h.Records {
				r := &h.Records[i]
				if r.Err != nil {
					continue
				}
				points, _ = ex.Points(&r.Plotted, r.Key, r.Time, points[:0])
				for _, p := range points {
					msg.Events = append(msg.Events, ui.Event{Partition: r.Partition, Offset: r.Offset, Series: p.Series, Field: p.Field, Time: p.Time, Value: p.Value, Gap: p.Null})
				}
			}
			full := len(msg.Events) >= historyEvents
			if full {
				delete(pending, h.Partition)
			} else {
				pending[h.Partition] = msg
			}
			mu.Unlock()
			if full {
				program.Send(msg)
			}
			return nil
		},
	})
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	runErr := make(chan error, 1)
	wg.Go(func() { runErr <- consumer.Run(runCtx) })
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
	var at time.Time
	select {
	case at = <-drawn:
	case err := <-runErr:
		return fmt.Errorf("consumer stopped before the history was drawn: %v", err)
	case <-time.After(60 * time.Second):
		return fmt.Errorf("history not drawn within 60s")
	}
	cancel()
	wg.Wait()
	program.Quit()
	<-uiDone
	mu.Lock()
	defer mu.Unlock()
	fmt.Fprintf(out, "%s_ms=%.1f\n%s_records=%d\n%s_drawn=%d\n%s_read=%s\n", *prefix, float64(at.Sub(assigned).Microseconds())/1000,
		*prefix, filled**records, *prefix, model.records, *prefix, sliced.String())
	return nil
}

// fill writes records per partition (or into partition only) of the
// tutorial's sensors, stamped evenly over span before now, batch records
// per produce request, and returns how
// many partitions it filled.
func fill(ctx context.Context, conn stream.Connection, reg *schema.Client, topic string, records, only int, span time.Duration, batch int) (int, error) {
	enc, err := reg.SensorEncoder(ctx, "sensor", false)
	if err != nil {
		return 0, err
	}
	producer, err := stream.NewProducer(ctx, stream.ProducerConfig{Conn: conn, Topic: topic})
	if err != nil {
		return 0, err
	}
	defer producer.Close()
	parts := producer.Partitions()
	var ids [][]byte // the sensors of the partitions filled
	for i := range 8 {
		id := fmt.Appendf(nil, "sensor%d", i)
		if only < 0 || stream.PartitionFor(id, parts) == only {
			ids = append(ids, id)
		}
	}
	filled := parts
	if only >= 0 {
		filled = 1
	}
	total := records * filled
	start := time.Now().Add(-span)
	msgs := make([]stream.Message, 0, max(batch, 1))
	var deliveries []stream.Delivery
	for n := 0; n < total; {
		msgs = msgs[:0]
		for ; n < total && len(msgs) < cap(msgs); n++ {
			at := start.Add(time.Duration(n) * span / time.Duration(total))
			id := ids[n%len(ids)]
			v, err := enc.AppendSensor(nil, schema.Sensor{Timestamp: at.UnixMilli(), ID: string(id), Value: float64(n % 100)})
			if err != nil {
				return 0, err
			}
			msgs = append(msgs, stream.Message{Key: id, Value: v, Time: at})
		}
		if deliveries, err = producer.Send(ctx, msgs, deliveries); err != nil {
			return 0, err
		}
	}
	return filled, nil
}
