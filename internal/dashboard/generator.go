package dashboard

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/internal/steps"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/simulate"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui"
)

// generatorControl switches the dashboard's sensor generator on and off and
// changes its rate; the generator produces into the topic like "produce".
type generatorControl struct {
	conn     stream.Connection
	registry *schema.Client
	subject  string
	topic    string
	logger   *slog.Logger
	send     func(tea.Msg)

	mu       sync.Mutex
	rate     float64
	next     int
	sink     *generatorSink
	cancel   context.CancelFunc
	done     chan struct{}
	producer *stream.Producer
}

// set switches the generator on or off.
func (g *generatorControl) set(ctx context.Context, on bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if on {
		g.startLocked(ctx)
	} else {
		g.stopLocked()
	}
	g.reportLocked("")
}

// setRate changes the steps per second, restarting a running generator at
// the step where it stopped.
func (g *generatorControl) setRate(ctx context.Context, rate float64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if rate <= 0 {
		return
	}
	g.rate = rate
	if g.cancel != nil {
		g.stopLocked()
		g.startLocked(ctx)
	}
	g.reportLocked("")
}

// stop switches the generator off for good.
func (g *generatorControl) stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.stopLocked()
	if g.producer != nil {
		g.producer.Close()
		g.producer = nil
	}
}

func (g *generatorControl) startLocked(ctx context.Context) {
	if g.cancel != nil {
		return
	}
	if g.producer == nil {
		enc, err := g.registry.SensorEncoder(ctx, g.subject, false)
		if err != nil {
			g.reportLocked(err.Error())
			return
		}
		producer, err := stream.NewProducer(ctx, stream.ProducerConfig{Conn: g.conn, Topic: g.topic})
		if err != nil {
			g.reportLocked(err.Error())
			return
		}
		g.producer = producer
		g.sink = &generatorSink{Sender: steps.Sender{Producer: producer, Encoder: enc}}
	}
	g.sink.report = &stepReporter{send: g.send, rate: g.rate, every: stepReportInterval}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	g.cancel, g.done = cancel, done
	gen := simulate.New(simulate.Options{Start: g.next, Delay: simulate.DelayForRate(g.rate), Noise: true})
	go func() {
		defer close(done)
		next, err := gen.Run(runCtx, g.sink)
		g.mu.Lock()
		defer g.mu.Unlock()
		g.next = next
		if err != nil && !errors.Is(err, context.Canceled) {
			g.logger.Error("generator stopped", "err", err, "next", next)
			g.cancel = nil
			g.reportLocked(err.Error())
		}
	}()
}

func (g *generatorControl) stopLocked() {
	if g.cancel == nil {
		return
	}
	g.cancel()
	done := g.done
	g.cancel, g.done = nil, nil
	g.mu.Unlock()
	<-done
	g.mu.Lock()
}

func (g *generatorControl) reportLocked(errText string) {
	if g.send == nil {
		return
	}
	msg := ui.GeneratorMsg{On: g.cancel != nil, Rate: g.rate, Step: g.next, Err: errText}
	go g.send(msg) // Send blocks until the UI takes it; never block the caller
}

// generatorSink sends each step and reports the progress; failures stop the
// generator.
type generatorSink struct {
	steps.Sender
	report *stepReporter // set by each start; nil reports nothing
}

// Emit implements simulate.Sink.
func (s *generatorSink) Emit(ctx context.Context, events []simulate.Event) error {
	_, err := s.Send(ctx, events)
	if err == nil && len(events) > 0 && s.report != nil {
		s.report.step(events[len(events)-1].Step+1, time.Now())
	}
	return err
}

// stepReportInterval bounds how often a running generator reports its step.
const stepReportInterval = 250 * time.Millisecond

// stepReporter tells the UI how many steps a running generator produced, at
// most once per interval, so that the header's step follows the generator.
type stepReporter struct {
	send  func(tea.Msg) // nil: no UI
	rate  float64       // the running generator's rate
	every time.Duration
	last  time.Time // of the last report; zero before the first
}

// step reports that the steps before next were produced, unless the last
// report is younger than the interval.
func (r *stepReporter) step(next int, now time.Time) {
	if r.send == nil || (!r.last.IsZero() && now.Sub(r.last) < r.every) {
		return
	}
	r.last = now
	r.send(ui.GeneratorMsg{On: true, Rate: r.rate, Step: next})
}
