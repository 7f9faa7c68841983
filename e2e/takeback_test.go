package e2e

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/internal/dashboard"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui"
)

// dashboardPipe is a dashboard's data path without a terminal: a consumer
// with history, the bridge, and a ui.Model updated with what the bridge
// sends.
type dashboardPipe struct {
	msgs  chan tea.Msg
	done  chan ui.Model
	mu    sync.Mutex
	owned []int
}

func startPipe(t *testing.T, c cluster, group string) (*dashboardPipe, context.CancelFunc) {
	t.Helper()
	reg, err := schema.NewClient("http://" + c.registry)
	if err != nil {
		t.Fatal(err)
	}
	d := &dashboardPipe{msgs: make(chan tea.Msg, 64), done: make(chan ui.Model, 1)}
	go func() {
		m := ui.New(ui.Options{FPS: -1, Topic: "temperature", Group: group})
		for msg := range d.msgs {
			next, _ := m.Update(msg)
			m = next.(ui.Model)
		}
		d.done <- m
	}()
	ctx, cancel := context.WithCancel(context.Background())
	ex := connect.Extractor(config.Default())
	decoder := schema.NewDecoder(reg, schema.WithSelection(ex.Selection))
	br := dashboard.NewBridge(func(msg tea.Msg) { d.msgs <- msg }, ex, decoder.Writer)
	consumer, err := stream.NewConsumer(stream.ConsumerConfig{
		Conn: stream.Connection{Brokers: []string{c.broker}}, Group: group, Topic: "temperature", Decoder: decoder,
		Heartbeat: embedded.Heartbeat, Session: embedded.Session, Rebalance: embedded.Rebalance,
		History:   2 * time.Minute,
		OnRecords: br.Records, OnHistory: br.History, OnReset: br.LogReset, OnStatus: br.Status,
		OnGroup: func(ev stream.GroupEvent) {
			d.mu.Lock()
			defer d.mu.Unlock()
			d.owned = slices.Clone(ev.Assigned)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { br.Run(ctx, time.Second/30) })
	wg.Go(func() {
		if err := consumer.Run(ctx); err != nil && ctx.Err() == nil {
			t.Errorf("consumer: %v", err)
		}
	})
	stop := func() {
		cancel()
		wg.Wait()
		br.Flush()
		close(d.msgs)
	}
	return d, stop
}

func (d *dashboardPipe) owns() []int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.owned)
}

// TestTakebackHasNoHole: two instances in a group, the second joins and
// then quits; the first's series of the partition it gave up hold a point at
// every generator step of the span it did not own (filled in as history),
// none twice.
func TestTakebackHasNoHole(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	const interval = 50 * time.Millisecond
	ctx, stopGen := context.WithCancel(context.Background())
	t0 := time.Now().Truncate(time.Millisecond)
	genDone := make(chan int)
	go func() { genDone <- generateSteps(t, ctx, c, t0, interval) }()

	first, stopFirst := startPipe(t, c, "takeback")
	testsupport.WaitUntil(t, "the first instance to own both partitions", 20*time.Second, func() bool { return slices.Equal(first.owns(), []int{0, 1}) })
	time.Sleep(time.Second)
	second, stopSecond := startPipe(t, c, "takeback")
	testsupport.WaitUntil(t, "the partitions split", 20*time.Second, func() bool { return len(first.owns()) == 1 && len(second.owns()) == 1 })
	lost := 1 - first.owns()[0]
	lostAt := time.Now()
	time.Sleep(3 * time.Second)
	backAt := time.Now()
	stopSecond()
	testsupport.WaitUntil(t, "the first instance to take both back", 20*time.Second, func() bool { return len(first.owns()) == 2 })
	time.Sleep(time.Second)
	stopGen()
	steps := <-genDone
	time.Sleep(500 * time.Millisecond)
	stopFirst()
	m := <-first.done
	<-second.done

	lines := m.SeriesTimes(lost)
	if len(lines) != 4 {
		t.Fatalf("partition %d has %d lines, want 4: %v", lost, len(lines), slices.Collect(mapKeys(lines)))
	}
	for name, times := range lines {
		if len(times) == 0 {
			t.Errorf("%s: no points", name)
			continue
		}
		if times[0].After(lostAt) || times[len(times)-1].Before(backAt) {
			t.Errorf("%s: points from %s to %s do not cover the span %s–%s it did not own", name,
				times[0].Format(time.StampMilli), times[len(times)-1].Format(time.StampMilli), lostAt.Format(time.StampMilli), backAt.Format(time.StampMilli))
		}
		for i := 1; i < len(times); i++ {
			if gap := times[i].Sub(times[i-1]); gap > interval || gap <= 0 {
				t.Errorf("%s: %s between points at %s and %s, want every step (%s) once", name, gap,
					times[i-1].Format(time.StampMilli), times[i].Format(time.StampMilli), interval)
				break
			}
		}
		t.Logf("%s: %d points of %d steps", name, len(times), steps)
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// generateSteps produces the 8 sensors every interval, step n stamped
// t0 + n·interval, until ctx is done, and returns the steps produced.
func generateSteps(t *testing.T, ctx context.Context, c cluster, t0 time.Time, interval time.Duration) int {
	reg, err := schema.NewClient("http://" + c.registry)
	if err != nil {
		t.Error(err)
		return 0
	}
	enc, err := reg.SensorEncoder(ctx, "sensor", false)
	if err != nil {
		t.Error(err)
		return 0
	}
	p, err := stream.NewProducer(ctx, stream.ProducerConfig{Conn: stream.Connection{Brokers: []string{c.broker}}, Topic: "temperature"})
	if err != nil {
		t.Error(err)
		return 0
	}
	defer p.Close()
	// Each step waits for its own time, not for a ticker's next tick: a
	// ticker drops ticks under load, and the steps' times would then fall
	// behind the clock the test compares them with.
	for step := 0; ; step++ {
		at := t0.Add(time.Duration(step) * interval)
		var msgs []stream.Message
		for i := range 8 {
			s := schema.Sensor{Timestamp: at.UnixMilli(), ID: fmt.Sprintf("sensor%d", i), Value: float64(step)}
			v, err := enc.AppendSensor(nil, s)
			if err != nil {
				t.Error(err)
				return step
			}
			msgs = append(msgs, stream.Message{Key: []byte(s.ID), Value: v, Time: at})
		}
		if _, err := p.Send(context.Background(), msgs, nil); err != nil {
			t.Error(err)
			return step
		}
		select {
		case <-ctx.Done():
			return step + 1
		case <-time.After(time.Until(at.Add(interval))):
		}
	}
}
