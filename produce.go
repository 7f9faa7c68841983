package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/simulate"
	"github.com/kafkaplot/kafkaplot/stream"
)

// runProduce is the tutorial's avro_producer.py: emulated sensors into the topic.
func runProduce(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("produce", stderr, "kafkaplot produce: produce time series data from emulated sensors into the topic.")
	var cf connFlags
	cf.register(fs)
	events := fs.Int("e", -1, "number of events to generate per sensor; 0 or negative for no end")
	fs.IntVar(events, "events", -1, "same as -e")
	delay := fs.Float64("d", 0.5, "delay between events in seconds (can be a fraction)")
	fs.Float64Var(delay, "delay", 0.5, "same as -d")
	start := fs.Int("t", 0, "start time step, to resume the series after a stop")
	fs.IntVar(start, "time", 0, "same as -t")
	register := fs.Bool("register", false, "register the sensor schema under the subject instead of looking it up")
	quiet := fs.Bool("quiet", false, "no per-event lines: one progress line and a final summary")
	noise := fs.Bool("noise", true, "add each sensor's Gaussian noise (false: the noise-free model)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *delay < 0 {
		return usageError{fmt.Errorf("-d %v: must not be negative", *delay)}
	}
	s, err := cf.resolve(fs, os.LookupEnv)
	if err != nil {
		return err
	}
	conn, err := s.connection()
	if err != nil {
		return err
	}
	reg, err := s.registryClient()
	if err != nil {
		return err
	}
	enc, err := sensorEncoder(ctx, reg, s.cfg.Subject(), *register)
	if err != nil {
		return err
	}
	producer, err := stream.NewProducer(ctx, stream.ProducerConfig{Conn: conn, Topic: s.cfg.Kafka.Topic})
	if err != nil {
		return err
	}
	defer producer.Close()

	out := bufio.NewWriter(stdout)
	defer out.Flush()
	topic := s.cfg.Kafka.Topic
	fmt.Fprintf(out, "Producing sensor events to topic %s.\nPress Ctrl-c to exit.\n", topic)
	out.Flush()

	sink := &produceSink{stepSender: stepSender{producer: producer, encoder: enc}, out: out, quiet: *quiet, progress: terminalOrNil(stderr), started: time.Now()}
	gen := simulate.New(simulate.Options{
		Start: *start,
		Steps: *events,
		Delay: time.Duration(*delay * float64(time.Second)),
		Noise: *noise,
	})
	next, runErr := gen.Run(ctx, sink)
	if *quiet {
		sink.finishProgress()
		elapsed := time.Since(sink.started).Seconds()
		fmt.Fprintf(out, "produced %d events (%d failed) in %.2fs, %.0f events/s\n",
			sink.delivered, sink.failed, elapsed, float64(sink.delivered)/max(elapsed, 1e-9))
	}
	fmt.Fprintf(out, "To continue execution start from event %d\n", next)
	switch {
	case runErr == nil:
		return nil
	case errors.Is(runErr, context.Canceled) && ctx.Err() != nil:
		return errInterrupted
	default:
		return runErr
	}
}

// sensorEncoder finds the schema id to write with: registered anew with
// --register, else the latest version under the subject (as the tutorial's
// producer does).
func sensorEncoder(ctx context.Context, reg *schema.Client, subject string, register bool) (*schema.Encoder, error) {
	if register {
		id, err := reg.Register(ctx, subject, schema.SensorSchema)
		if err != nil {
			return nil, fmt.Errorf("register schema under subject %s: %w", subject, err)
		}
		return schema.NewEncoder(id, schema.SensorSchema)
	}
	latest, err := reg.Latest(ctx, subject)
	if err != nil {
		return nil, fmt.Errorf("look up schema subject %s (use --register to register it): %w", subject, err)
	}
	enc, err := schema.NewEncoder(latest.ID, latest.Schema)
	if err != nil {
		return nil, fmt.Errorf("schema subject %s version %d: %w", subject, latest.Version, err)
	}
	return enc, nil
}

// stepSender encodes one generator step's events and sends them,
// reusing its buffers from step to step.
type stepSender struct {
	producer   *stream.Producer
	encoder    *schema.Encoder
	msgs       []stream.Message
	deliveries []stream.Delivery
	buf        []byte
	bounds     []int
}

// send returns one delivery per event, in order, and the first error. An
// interrupt must not hide which events the broker acknowledged, so the
// request in flight finishes (bounded) even when ctx is cancelled.
func (s *stepSender) send(ctx context.Context, events []simulate.Event) ([]stream.Delivery, error) {
	s.msgs, s.buf, s.bounds = s.msgs[:0], s.buf[:0], s.bounds[:0]
	for _, ev := range events {
		s.bounds = append(s.bounds, len(s.buf))
		var err error
		s.buf, err = s.encoder.AppendSensor(s.buf, schema.Sensor{Timestamp: ev.Timestamp.UnixMilli(), ID: ev.ID, Value: ev.Value})
		if err != nil {
			return nil, fmt.Errorf("encode %s at step %d: %w", ev.ID, ev.Step, err)
		}
	}
	s.bounds = append(s.bounds, len(s.buf))
	for i, ev := range events {
		s.msgs = append(s.msgs, stream.Message{Key: []byte(ev.ID), Value: s.buf[s.bounds[i]:s.bounds[i+1]], Time: ev.Timestamp})
	}
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var err error
	s.deliveries, err = s.producer.Send(sendCtx, s.msgs, s.deliveries)
	return s.deliveries, err
}

// produceSink sends each step and prints a delivery line per acknowledged
// event like the tutorial's delivery callback.
type produceSink struct {
	stepSender
	out      *bufio.Writer
	quiet    bool
	progress io.Writer
	started  time.Time

	delivered int
	failed    int
	lastShown time.Time
}

// Emit implements simulate.Sink.
func (p *produceSink) Emit(ctx context.Context, events []simulate.Event) error {
	deliveries, err := p.send(ctx, events)
	topic := p.producer.Topic()
	for i, d := range deliveries {
		if d.Err != nil {
			p.failed++
			fmt.Fprintf(p.out, "Delivery failed for Sensor Event %s: %v\n", events[i].ID, d.Err)
			continue
		}
		p.delivered++
		if !p.quiet {
			fmt.Fprintf(p.out, "Sensor Event %s successfully produced to %s [%d] at offset %d\n", events[i].ID, topic, d.Partition, d.Offset)
		}
	}
	if p.quiet {
		p.showProgress(events[0].Step)
	} else {
		p.out.Flush()
	}
	return err
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
