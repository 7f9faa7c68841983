package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/simulate"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui"
)

// testRegistry is an embedded registry served over HTTP with a client.
func testRegistry(t *testing.T) *schema.Client {
	t.Helper()
	reg := embedded.NewRegistry()
	t.Cleanup(reg.Close)
	srv := httptest.NewServer(reg.Handler())
	t.Cleanup(srv.Close)
	c, err := schema.NewClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// decodeLikeConsumer decodes a value as stream's consumer does for the
// dashboard: the plotted fields, with the reader compiled for its schema.
func decodeLikeConsumer(dec *schema.Decoder, partition int, offset int64, key string, value []byte, ts time.Time) stream.Record {
	r := stream.Record{Partition: partition, Offset: offset, Key: []byte(key), Time: ts}
	if r.Err = dec.DecodePlotted(context.Background(), value, &r.Plotted); r.Err == nil {
		r.SchemaID = r.Plotted.SchemaID
	}
	return r
}

// sensorSelection is what the dashboard reads of the tutorial's sensor.
var sensorSelection = schema.Selection{Series: "id", Values: []string{"value"}, Time: "timestamp"}

// sensorRecord is a consumed tutorial sensor record, as the compiled
// reader leaves it.
func sensorRecord(partition int, offset int64, s schema.Sensor) stream.Record {
	return stream.Record{Partition: partition, Offset: offset, Key: []byte(s.ID), SchemaID: 1, Plotted: schema.Plotted{
		SchemaID: 1, Selection: &sensorSelection, Values: []schema.Value{{Num: s.Value, State: schema.Set}},
		Series: []byte(s.ID), SeriesState: schema.Set, Time: time.UnixMilli(s.Timestamp), TimeState: schema.Set}}
}

// collect is a bridge's send function that keeps the messages.
type collect struct{ msgs []tea.Msg }

func (c *collect) send(msg tea.Msg) { c.msgs = append(c.msgs, msg) }

// mixedTopic encodes the sensors' readings of steps 0–79, one second apart:
// steps 0–19 with the sensor schema v1, 20–39 with v2 (humidity), 40–59 as
// JSON Schema events, 60–79 as Protobuf sensor messages; then one broken
// Protobuf record. It returns the records as the consumer hands them on.
func mixedTopic(t *testing.T, c *schema.Client, dec *schema.Decoder, start time.Time) []stream.Record {
	t.Helper()
	ctx := context.Background()
	v1, err := c.Register(ctx, "sensor", schema.SensorSchema)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := c.Register(ctx, "sensor", testsupport.SensorV2Humidity)
	if err != nil {
		t.Fatalf("register v2: %v", err)
	}
	jid, err := c.RegisterType(ctx, "sensor-json", schema.FormatJSON, testsupport.SensorJSONSchema)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := c.RegisterType(ctx, "sensor-proto", schema.FormatProtobuf, schema.SensorProto)
	if err != nil {
		t.Fatal(err)
	}
	enc1, err := schema.NewEncoder(v1, schema.SensorSchema)
	if err != nil {
		t.Fatal(err)
	}
	enc2, err := schema.NewEncoder(v2, testsupport.SensorV2Humidity)
	if err != nil {
		t.Fatal(err)
	}
	var out []stream.Record
	offsets := map[int]int64{}
	add := func(key string, value []byte, ts time.Time) {
		p := stream.PartitionFor([]byte(key), 2)
		out = append(out, decodeLikeConsumer(dec, p, offsets[p], key, value, ts))
		offsets[p]++
	}
	encProto := schema.NewProtoSensorEncoder(pid)
	for step := 0; step < 80; step++ {
		ts := start.Add(time.Duration(step) * time.Second)
		for i, s := range simulate.TutorialSensors() {
			v := s.Clean(float64(step))
			var payload []byte
			switch {
			case step < 20:
				payload, err = enc1.AppendSensor(nil, schema.Sensor{Timestamp: ts.UnixMilli(), ID: s.ID, Value: v})
			case step < 40:
				payload, err = enc2.Append(nil, map[string]any{"timestamp": ts, "id": s.ID, "value": v, "unit": "celsius", "humidity": 40 + float64(i) + float64(step%10)/2})
			case step >= 60:
				payload, _ = encProto.AppendSensor(nil, schema.Sensor{Timestamp: ts.UnixMilli(), ID: s.ID, Value: v})
			default:
				text, _ := json.Marshal(map[string]any{"timestamp": ts.UnixMilli(), "id": s.ID, "value": v})
				payload = append(schema.AppendHeader(nil, jid), text...)
			}
			if err != nil {
				t.Fatal(err)
			}
			add(s.ID, payload, ts)
		}
	}
	add("sensor0", append(schema.AppendHeader(nil, pid), 0, 0x0a, 0x07), start.Add(80*time.Second))
	return out
}

// dashboardView feeds the messages to a dashboard of w×h cells and returns
// its frame.
func dashboardView(msgs []tea.Msg, now time.Time, w, h int) string {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	styles := ui.NewStyles(r)
	var m tea.Model = ui.New(ui.Options{
		Cluster: "localhost:9092", Topic: "temperature", Group: "kafkaplot",
		Now: func() time.Time { return now }, FPS: -1, Location: time.UTC, Styles: &styles,
	})
	msgs = append([]tea.Msg{ui.PartitionsMsg{Count: 2}}, msgs...)
	msgs = append(msgs, tea.WindowSizeMsg{Width: w, Height: h}, ui.FrameMsg{})
	for _, msg := range msgs {
		m, _ = m.Update(msg)
	}
	return m.View()
}

// TestBridgeMixedSchemasGolden runs a topic mixing sensor v1, sensor v2
// (unit and humidity), JSON Schema and Protobuf sensor events, plus a broken
// Protobuf record, through the decoder, the bridge and the dashboard: one
// dashboard plots value and humidity of every sensor, counts records per
// schema and the broken record as a decode error.
func TestBridgeMixedSchemasGolden(t *testing.T) {
	c := testRegistry(t)
	ex := connect.Extractor(config.Default())
	dec := schema.NewDecoder(c, schema.WithSelection(ex.Selection))
	start := time.Date(2024, 5, 17, 23, 58, 0, 0, time.UTC)
	records := mixedTopic(t, c, dec, start)

	read := 0
	for _, r := range records {
		if r.Err == nil {
			read++
		}
	}
	if read != 640 {
		t.Errorf("%d records read; want every sensor v1, v2, JSON and Protobuf record (640)", read)
	}

	var sent collect
	br := NewBridge(sent.send, ex, dec.Writer)
	if err := br.Records(context.Background(), records); err != nil {
		t.Fatal(err)
	}
	br.Flush()

	var plot *ui.PlotMsg
	events, gaps := 0, 0
	fields := map[string]int{}
	for _, msg := range sent.msgs {
		switch m := msg.(type) {
		case ui.PlotMsg:
			plot = &m
		case ui.EventsMsg:
			for _, e := range m.Events {
				if e.Gap {
					gaps++
					continue
				}
				events++
				fields[e.Field]++
			}
			if len(m.Errors) != 1 || !strings.Contains(m.Errors[0].Err, "malformed protobuf body") {
				t.Errorf("decode errors %+v, want the broken Protobuf record's", m.Errors)
			}
		}
	}
	if plot == nil {
		t.Fatal("no PlotMsg sent")
	}
	want := "sensor v1 #1 ×160, sensor v2 #2 ×160, sensor-json v1 (JSON) #3 ×160, sensor-proto v1 (PROTOBUF) #4 ×160"
	var got []string
	for _, sc := range plot.Schemas {
		got = append(got, fmt.Sprintf("%s ×%d", sc.Label, sc.Records))
	}
	if strings.Join(got, ", ") != want || plot.SeriesBy != "key" || plot.TimeBy != "timestamp" {
		t.Errorf("plot = %+v, want schemas %q by key over timestamp", plot, want)
	}
	// value from every record, humidity from v2; the JSON and Protobuf
	// records after v2 leave humidity gaps.
	if fields["value"] != 640 || fields["humidity"] != 160 || events != 800 || gaps != 320 {
		t.Errorf("fields %v, %d events, %d gaps; want value 640, humidity 160, 320 gaps", fields, events, gaps)
	}

	view := dashboardView(sent.msgs, start.Add(80*time.Second), 200, 44)
	for _, s := range []string{
		"plotting value, humidity by key over timestamp",
		"sensor v1 #1 ×160, sensor v2 #2 ×160, sensor-json v1 (JSON) #3 ×160, sensor-proto v1 (PROTOBUF) #4 ×160",
		"decode errors 1", "malformed protobuf body",
		"sensor0.value", "sensor7.humidity",
		"events 640 at", // records read, not the 800 values plotted
	} {
		if !strings.Contains(view, s) {
			t.Errorf("dashboard lacks %q", s)
		}
	}
	golden.RequireEqual(t, []byte(view+"\n"))
}

// TestBridgeClicks plots the click stream by creative_id with cost values.
func TestBridgeClicks(t *testing.T) {
	c := testRegistry(t)
	ctx := context.Background()
	id, err := c.Register(ctx, "clicks-avro-value", testsupport.ClickSchema)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := schema.NewEncoder(id, testsupport.ClickSchema)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Plot.Series, cfg.Plot.Value = "creative_id", []string{"cost"}
	ex := connect.Extractor(cfg)
	dec := schema.NewDecoder(c, schema.WithSelection(ex.Selection))
	gen := testsupport.ClickGen{Start: time.Date(2024, 5, 17, 23, 59, 0, 0, time.UTC)}
	var records []stream.Record
	for i := range 200 {
		key, click := gen.Next()
		payload, err := enc.Append(nil, click)
		if err != nil {
			t.Fatal(err)
		}
		records = append(records, decodeLikeConsumer(dec, 0, int64(i), key, payload, time.Time{}))
	}
	var sent collect
	br := NewBridge(sent.send, ex, dec.Writer)
	if err := br.Records(ctx, records); err != nil {
		t.Fatal(err)
	}
	br.Flush()
	perCreative := map[string]int{}
	var plot ui.PlotMsg
	for _, msg := range sent.msgs {
		switch m := msg.(type) {
		case ui.PlotMsg:
			plot = m
		case ui.EventsMsg:
			for _, e := range m.Events {
				if e.Field != "cost" || e.Gap || e.Value < 0.05 || e.Value > 0.45 || e.Time.Before(gen.Start) {
					t.Fatalf("event %+v", e)
				}
				perCreative[e.Series]++
			}
		}
	}
	if len(perCreative) != 4 || perCreative["cr-1"] != 50 {
		t.Errorf("events per creative %v, want 50 for each of cr-1..cr-4", perCreative)
	}
	if plot.SeriesBy != "creative_id" || plot.TimeBy != "timestamp" || len(plot.Schemas) != 1 || plot.Schemas[0].Label != "clicks-avro-value v1 #1" {
		t.Errorf("plot = %+v", plot)
	}
	view := dashboardView(sent.msgs, gen.Start.Add(time.Minute), 160, 30)
	for _, s := range []string{"plotting cost by creative_id over timestamp", "cr-1", "cr-4", "clicks-avro-value v1 #1 ×200"} {
		if !strings.Contains(view, s) {
			t.Errorf("dashboard lacks %q:\n%s", s, view)
		}
	}
}

// BenchmarkBridgeSensors hands the bridge batches of tutorial sensor records
// from the fast path, as the consumer does, and flushes them.
func BenchmarkBridgeSensors(b *testing.B) {
	ex := connect.Extractor(config.Default())
	br := NewBridge(func(tea.Msg) {}, ex, func(context.Context, int) (*schema.Writer, error) { return nil, errors.New("unknown") })
	batch := make([]stream.Record, 1024)
	start := time.Date(2024, 5, 17, 23, 58, 0, 0, time.UTC)
	sensors := simulate.TutorialSensors()
	for i := range batch {
		s := sensors[i%len(sensors)]
		batch[i] = sensorRecord(0, int64(i), schema.Sensor{Timestamp: start.Add(time.Duration(i) * time.Millisecond).UnixMilli(), ID: s.ID, Value: s.Clean(float64(i))})
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := br.Records(ctx, batch); err != nil {
			b.Fatal(err)
		}
		br.Flush()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(batch)), "ns/record")
}

// TestBridgeStatuses checks that the broker's and the registry's conditions
// go to the header separately, with their causes, a partition's in full to
// its pane, and that clearing one clears it.
func TestBridgeStatuses(t *testing.T) {
	refused := fmt.Errorf("get schema 7: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")})
	tests := []struct {
		name                     string
		statuses                 []stream.Status
		wantBroker, wantRegistry string
		wantPanes                map[int]string
	}{
		{
			name:       "the consumer reconnecting",
			statuses:   []stream.Status{{Partition: -1, Text: "reconnecting: broker down"}},
			wantBroker: "reconnecting: broker down",
			wantPanes:  map[int]string{},
		},
		{
			name: "registry down: its cause in the header, the pause in full in the pane",
			statuses: []stream.Status{{Partition: 1, Registry: true, Err: refused,
				Text: "paused at offset 7, registry unavailable, retrying in 200ms: " + refused.Error()}},
			wantRegistry: "connection refused",
			wantPanes:    map[int]string{1: "paused at offset 7, registry unavailable, retrying in 200ms: " + refused.Error()},
		},
		{
			name: "broker down: a partition reconnecting names the broker",
			statuses: []stream.Status{
				{Partition: 0, Err: refused, Text: "reconnecting in 100ms: " + refused.Error()},
				{Partition: 1, Err: errors.New("eof"), Text: "reconnecting in 100ms: eof"},
			},
			wantBroker: "connection refused",
			wantPanes:  map[int]string{0: "reconnecting in 100ms: " + refused.Error(), 1: "reconnecting in 100ms: eof"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []ui.StatusMsg
			br := NewBridge(func(msg tea.Msg) {
				if st, ok := msg.(ui.StatusMsg); ok {
					got = append(got, st)
				}
			}, connect.Extractor(config.Default()), func(context.Context, int) (*schema.Writer, error) { return nil, errors.New("unknown") })
			for _, st := range tt.statuses {
				br.Status(st)
			}
			br.Flush()
			for _, st := range tt.statuses {
				br.Status(stream.Status{Partition: st.Partition})
			}
			br.Flush()
			if len(got) != 2 {
				t.Fatalf("sent %d status messages, want 2", len(got))
			}
			if got[0].Broker != tt.wantBroker || got[0].Registry != tt.wantRegistry || !maps.Equal(got[0].Panes, tt.wantPanes) {
				t.Errorf("status = %+v, want broker %q, registry %q, panes %v", got[0], tt.wantBroker, tt.wantRegistry, tt.wantPanes)
			}
			if got[1].Broker != "" || got[1].Registry != "" || got[1].Text != "" || len(got[1].Panes) != 0 {
				t.Errorf("after clearing: %+v, want nothing", got[1])
			}
		})
	}
}

// TestBridgeKeepsOrder checks that histories and log resets reach the ui in
// order with the events converted before and after them.
func TestBridgeKeepsOrder(t *testing.T) {
	var got []string
	br := NewBridge(func(msg tea.Msg) {
		switch m := msg.(type) {
		case ui.EventsMsg:
			for _, e := range m.Events {
				got = append(got, fmt.Sprintf("live p%d@%d", e.Partition, e.Offset))
			}
		case ui.HistoryMsg:
			for _, e := range m.Events {
				got = append(got, fmt.Sprintf("history p%d@%d", e.Partition, e.Offset))
			}
		case ui.LogResetMsg:
			got = append(got, fmt.Sprintf("reset p%d from %d", m.Partition, m.From))
		}
	}, connect.Extractor(config.Default()), nil)
	rec := func(p int, off int64) stream.Record {
		return sensorRecord(p, off, schema.Sensor{ID: "sensor0", Timestamp: 1_700_000_000_000 + off, Value: 1})
	}
	ctx := context.Background()
	if err := br.Records(ctx, []stream.Record{rec(0, 40)}); err != nil {
		t.Fatal(err)
	}
	br.LogReset(stream.LogReset{Partition: 0, From: 2})
	// A history comes in parts, the last one empty.
	for _, part := range []stream.History{
		{Partition: 0, From: 0, To: 2, Records: []stream.Record{rec(0, 0)}, Read: 1, Total: 2},
		{Partition: 0, From: 0, To: 2, Records: []stream.Record{rec(0, 1)}, Read: 2, Total: 2},
		{Partition: 0, From: 0, To: 2, Read: 2, Total: 2, Done: true},
	} {
		if err := br.History(ctx, part); err != nil {
			t.Fatal(err)
		}
	}
	if err := br.Records(ctx, []stream.Record{rec(0, 2)}); err != nil {
		t.Fatal(err)
	}
	br.Flush()
	want := []string{"live p0@40", "reset p0 from 2", "history p0@0", "history p0@1", "live p0@2"}
	if !slices.Equal(got, want) {
		t.Errorf("sent\n%q\nwant\n%q", got, want)
	}
}

// TestBridgeSendsFullSlices checks that a fast consumer's events go out in
// messages of at most sendAt events (plus one record's), every event once
// and in order, none of a record split from the others, the record count
// and decode errors kept.
func TestBridgeSendsFullSlices(t *testing.T) {
	var sizes []int
	var offsets []int64
	errs := 0
	br := NewBridge(func(msg tea.Msg) {
		if m, ok := msg.(ui.EventsMsg); ok {
			sizes = append(sizes, len(m.Events))
			for _, e := range m.Events {
				offsets = append(offsets, e.Offset)
			}
			errs += len(m.Errors)
			m.Done(m.Events)
		}
	}, connect.Extractor(config.Default()), nil)
	const records = 3*sendAt + 100
	ctx := context.Background()
	batch := make([]stream.Record, 0, 1024)
	for off := range int64(records) {
		r := sensorRecord(0, off, schema.Sensor{ID: fmt.Sprintf("sensor%d", off%7), Timestamp: 1_700_000_000_000 + off, Value: 1})
		if off%1000 == 999 {
			r.Err = errors.New("bad record")
		}
		if batch = append(batch, r); len(batch) == cap(batch) {
			if err := br.Records(ctx, batch); err != nil {
				t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := br.Records(ctx, batch); err != nil {
		t.Fatal(err)
	}
	br.Flush()
	for i, n := range sizes {
		if n > sendAt+1 {
			t.Errorf("message %d holds %d events, want at most %d", i, n, sendAt+1)
		}
	}
	if len(sizes) < records/sendAt {
		t.Errorf("%d messages, want at least %d", len(sizes), records/sendAt)
	}
	bad := records / 1000
	if len(offsets) != records-bad || errs != bad {
		t.Fatalf("%d events and %d errors, want %d and %d", len(offsets), errs, records-bad, bad)
	}
	if !slices.IsSorted(offsets) {
		t.Error("events out of offset order")
	}
}

// TestBridgeHistoryParts checks that a history's parts go to the UI
// joined into messages of about sendAt events, each record once and in
// order, and that a full message is due at once (Run need not wait for the
// next interval), a part alone is not.
func TestBridgeHistoryParts(t *testing.T) {
	var sizes []int
	var offsets []int64
	br := NewBridge(func(msg tea.Msg) {
		if m, ok := msg.(ui.HistoryMsg); ok {
			sizes = append(sizes, len(m.Events))
			for _, e := range m.Events {
				offsets = append(offsets, e.Offset)
			}
			m.Recycle(m.Events)
		}
	}, connect.Extractor(config.Default()), nil)
	ctx := context.Background()
	const records = 2*sendAt + 512
	part := func(from int64) stream.History {
		h := stream.History{Partition: 0, To: records, Total: records, Read: from + 512}
		for off := from; off < from+512; off++ {
			h.Records = append(h.Records, sensorRecord(0, off, schema.Sensor{ID: "sensor0", Timestamp: 1_700_000_000_000 + off, Value: 1}))
		}
		return h
	}
	if err := br.History(ctx, part(0)); err != nil {
		t.Fatal(err)
	}
	if len(br.full) != 0 {
		t.Error("a part of 512 records is due at once, want it sent at the next interval")
	}
	for from := int64(512); from < records; from += 512 {
		if err := br.History(ctx, part(from)); err != nil {
			t.Fatal(err)
		}
	}
	if len(br.full) != 1 {
		t.Error("full history messages wait for the next interval, want them due at once")
	}
	br.Flush()
	if !slices.Equal(sizes, []int{sendAt, sendAt, 512}) {
		t.Errorf("messages of %v events, want %v", sizes, []int{sendAt, sendAt, 512})
	}
	if len(offsets) != records || !slices.IsSorted(offsets) || len(slices.Compact(slices.Clone(offsets))) != records {
		t.Errorf("%d events sent, want each of %d once in order", len(offsets), records)
	}
}
