// Package produce is kafkaplot produce's engine: the tutorial's emulated
// sensors into the topic, with a delivery line per acknowledged event and
// the step to resume from. It does not parse flags or decide exit codes.
package produce

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/internal/steps"
	"github.com/kafkaplot/kafkaplot/simulate"
	"github.com/kafkaplot/kafkaplot/stream"
)

// Options are what produce sends and how.
type Options struct {
	// Settings are the resolved configuration.
	Settings connect.Settings
	Subject  string  // the subject of the sensor schema (Avro)
	Format   string  // FormatAvro or FormatProtobuf
	Register bool    // register the sensor schema rather than look it up
	Events   int     // steps to produce; 0 or negative: no end
	Delay    float64 // seconds between steps; 0 pipelines them
	Start    int     // the first step
	Quiet    bool    // no per-event lines: a progress line and a summary
	Noise    bool    // the sensors' Gaussian noise
}

// Run is the tutorial's avro_producer.py: emulated sensors into the topic.
func Run(ctx context.Context, o Options, stdout, stderr io.Writer) error {
	s := o.Settings
	conn, reg, err := s.Clients(ctx)
	if err != nil {
		return err
	}
	var enc steps.Encoder
	if o.Format == FormatProtobuf {
		enc, err = reg.ProtoSensorEncoder(ctx, protobufSubject(s.Cfg, o.Subject))
	} else {
		enc, err = reg.SensorEncoder(ctx, o.Subject, o.Register)
	}
	if err != nil {
		return err
	}
	producer, err := stream.NewProducer(ctx, stream.ProducerConfig{Conn: conn, Topic: s.Cfg.Kafka.Topic})
	if err != nil {
		return err
	}
	defer producer.Close()

	out := bufio.NewWriter(stdout)
	defer out.Flush()
	topic := s.Cfg.Kafka.Topic
	fmt.Fprintf(out, "Producing sensor events to topic %s.\nPress Ctrl-c to exit.\n", topic)
	out.Flush()

	sink := newProduceSink(producer, enc, out, o.Start)
	sink.quiet, sink.pipelined, sink.progress = o.Quiet, o.Delay == 0, terminalOrNil(stderr)
	gen := simulate.New(simulate.Options{
		Start: o.Start,
		Steps: o.Events,
		Delay: time.Duration(o.Delay * float64(time.Second)),
		Noise: o.Noise,
	})
	_, runErr := gen.Run(ctx, sink)
	if !o.Quiet {
		// Where the tutorial's producer flushes: after its loop (also on
		// Ctrl-C), before the last deliveries are reported.
		fmt.Fprintln(out, "Flushing records...")
	}
	// The first step not fully acknowledged, whatever the generator emitted.
	next, sinkErr := sink.close(runErr == nil)
	if sinkErr != nil {
		runErr = sinkErr
	}
	if o.Quiet {
		elapsed := time.Since(sink.started).Seconds()
		fmt.Fprintf(out, "produced %d events (%d failed) in %.2fs, %.0f events/s\n",
			sink.delivered, sink.failed, elapsed, float64(sink.delivered)/max(elapsed, 1e-9))
	}
	fmt.Fprintf(out, "To continue execution start from event %d\n", next)
	switch {
	case runErr == nil:
		return nil
	case errors.Is(runErr, context.Canceled) && ctx.Err() != nil:
		return connect.ErrInterrupted
	default:
		return runErr
	}
}

// Value formats of produce --format.
const (
	FormatAvro     = "avro"
	FormatProtobuf = "protobuf"
)

// protobufSubject is the subject of the Protobuf sensor schema:
// registry.subject when set, else the strategy's subject with "-protobuf",
// so that Avro and Protobuf sensors share a topic without sharing a subject
// (a registry refuses a schema of another type as incompatible).
func protobufSubject(cfg config.Config, subject string) string {
	if cfg.Registry.Subject != "" {
		return subject
	}
	return subject + "-" + FormatProtobuf
}

// maxBatchEvents bounds the events of one pipelined request: 1,024 steps of
// the tutorial's 8 sensors, about 170 KiB per partition, well under the
// brokers' default 1 MiB per batch.
const maxBatchEvents = 8192

// produceSink sends the generator's steps and prints a delivery line per
// acknowledged event like the tutorial's delivery callback.
//
// With pipelined set (-d 0) it keeps one request in flight while the next
// steps accumulate, and sends them together as soon as that request is
// acknowledged (or waits for it once maxBatchEvents are pending): one
// request per partition carries many steps, in order. Otherwise each step
// is sent alone and waited for.
type produceSink struct {
	producer  *stream.Producer
	encoder   steps.Encoder
	out       *bufio.Writer
	quiet     bool
	pipelined bool
	progress  io.Writer
	started   time.Time

	ctx      context.Context   // of the generator's Run, for sending
	pending  *steps.Batch      // accumulating, not sent
	inflight *steps.Batch      // sent, not yet acknowledged
	spare    *steps.Batch      // acknowledged, for reuse
	done     chan *steps.Batch // the in-flight batch, once acknowledged

	next      int   // first step not fully acknowledged
	broken    bool  // a step failed: next no longer advances
	err       error // the first failure, naming its step
	delivered int
	failed    int
	lastShown time.Time
}

func newProduceSink(producer *stream.Producer, enc steps.Encoder, out *bufio.Writer, start int) *produceSink {
	return &produceSink{
		producer: producer, encoder: enc, out: out, started: time.Now(), next: start,
		pending: &steps.Batch{}, spare: &steps.Batch{}, done: make(chan *steps.Batch, 1),
	}
}

// Emit implements simulate.Sink.
func (p *produceSink) Emit(ctx context.Context, events []simulate.Event) error {
	if p.err != nil {
		return p.err
	}
	p.ctx = ctx
	if err := p.pending.Add(p.encoder, events); err != nil {
		return err
	}
	if p.inflight != nil {
		if p.pipelined && p.pending.Len() < maxBatchEvents {
			select {
			case b := <-p.done:
				p.acknowledged(b)
			default:
				return nil
			}
		} else {
			p.acknowledged(<-p.done)
		}
		if p.err != nil {
			return p.err
		}
	}
	p.startSend()
	if !p.pipelined {
		p.acknowledged(<-p.done)
	}
	return p.err
}

// startSend sends the pending steps in the background.
func (p *produceSink) startSend() {
	b := p.pending
	p.pending, p.inflight, p.spare = p.spare, b, nil
	p.pending.Reset()
	ctx := p.ctx
	go func() {
		b.Send(ctx, p.producer)
		p.done <- b
	}()
}

// close waits for the request in flight; with flush it also sends what is
// pending (the generator finished), else that is dropped unsent (an
// interrupt or a failure). It returns the first step not fully
// acknowledged and the first failure.
func (p *produceSink) close(flush bool) (next int, err error) {
	if p.inflight != nil {
		p.acknowledged(<-p.done)
	}
	if flush && p.err == nil && p.pending.Len() > 0 {
		p.startSend()
		p.acknowledged(<-p.done)
	}
	if p.quiet {
		p.finishProgress()
	}
	return p.next, p.err
}

// acknowledged reports an acknowledged (or failed) batch: a line per event
// in order, and the steps that were delivered in full.
func (p *produceSink) acknowledged(b *steps.Batch) {
	p.inflight, p.spare = nil, b
	topic := p.producer.Topic()
	for i := 0; i < len(b.Deliveries); {
		step, ok := b.Steps[i], true
		for ; i < len(b.Deliveries) && b.Steps[i] == step; i++ {
			d := b.Deliveries[i]
			if d.Err != nil {
				ok = false
				p.failed++
				fmt.Fprintf(p.out, "Delivery failed for Sensor Event %s: %s\n", b.IDs[i], connect.OneLine(d.Err.Error()))
				continue
			}
			p.delivered++
			if !p.quiet {
				fmt.Fprintf(p.out, "Sensor Event %s successfully produced to %s [%d] at offset %d\n", b.IDs[i], topic, d.Partition, d.Offset)
			}
		}
		switch {
		case p.broken:
		case ok:
			p.next = step + 1
		default:
			p.broken = true
			p.err = fmt.Errorf("step %d: %w", step, b.Err)
		}
	}
	if len(b.Deliveries) == 0 && b.Err != nil && !p.broken {
		p.broken, p.err = true, fmt.Errorf("step %d: %w", p.next, b.Err)
	}
	if p.quiet {
		p.showProgress(p.next - 1)
	} else {
		p.out.Flush()
	}
}

func (p *produceSink) showProgress(step int) {
	if p.progress == nil || time.Since(p.lastShown) < 500*time.Millisecond {
		return
	}
	p.lastShown = time.Now()
	elapsed := time.Since(p.started).Seconds()
	fmt.Fprintf(p.progress, "\rstep %d: %d events delivered, %d failed, %.0f events/s   ",
		step, p.delivered, p.failed, float64(p.delivered)/max(elapsed, 1e-9))
}

func (p *produceSink) finishProgress() {
	if p.progress != nil && !p.lastShown.IsZero() {
		fmt.Fprintln(p.progress)
	}
}

// terminalOrNil returns w when it is a terminal, else nil: progress lines
// rewritten with \r belong on a screen, not in a log.
func terminalOrNil(w io.Writer) io.Writer {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	info, err := f.Stat()
	if err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return w
}
