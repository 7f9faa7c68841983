package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/simulate"
	"github.com/kafkaplot/kafkaplot/stream"
)

// produceFlags are produce's flags; -e, -d and -t are the tutorial's.
type produceFlags struct {
	conn     connFlags
	events   int
	delay    float64
	start    int
	register bool
	strategy string
	quiet    bool
	noise    bool
	format   string
}

// newProduceCmd is "kafkaplot produce".
func newProduceCmd() *cobra.Command {
	var f produceFlags
	cmd := &cobra.Command{
		Use:   "produce [flags]",
		Short: "emulated sensors into the topic (the tutorial's avro_producer.py)",
		Long:  "kafkaplot produce: produce time series data from emulated sensors into the topic.",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runProduce(c.Context(), c.Flags(), &f, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	f.conn.register(cmd.Flags(), "")
	inGroup(cmd.Flags(), "Produce", func(fs *pflag.FlagSet) {
		fs.IntVarP(&f.events, "events", "e", -1, "number of events to generate per sensor; 0 or negative for no end")
		fs.Float64VarP(&f.delay, "delay", "d", 0.5, "delay between events in `seconds` (can be a fraction)")
		fs.IntVarP(&f.start, "time", "t", 0, "start time `step`, to resume the series after a stop")
		fs.BoolVar(&f.register, "register", false, "register the sensor schema under the subject instead of looking it up")
		fs.StringVar(&f.strategy, "subject-strategy", "", "subject naming: record-name (kafka.schema, as Hopsworks), topic-name (<topic>-value) or topic-record (<topic>-<kafka.schema>) (default registry.subject_strategy, else record-name)")
		fs.BoolVar(&f.quiet, "quiet", false, "no per-event lines: one progress line and a final summary")
		fs.BoolVar(&f.noise, "noise", true, "add each sensor's Gaussian noise (--noise=false: the noise-free model)")
		fs.StringVar(&f.format, "format", formatAvro, "value format: avro (the tutorial's sensor schema) or protobuf (the same three fields as a Protobuf message, registered under <subject>-protobuf)")
	})
	f.conn.completions(cmd)
	cmd.RegisterFlagCompletionFunc("subject-strategy", completeValues(config.SubjectRecordName, config.SubjectTopicName, config.SubjectTopicRecord))
	cmd.RegisterFlagCompletionFunc("format", completeValues(formatAvro, formatProtobuf))
	for _, name := range []string{"events", "delay", "time"} {
		cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
	}
	return cmd
}

// runProduce is the tutorial's avro_producer.py: emulated sensors into the topic.
func runProduce(ctx context.Context, fs *pflag.FlagSet, f *produceFlags, stdout, stderr io.Writer) error {
	if f.delay < 0 {
		return usageError{fmt.Errorf("-d %v: must not be negative", f.delay)}
	}
	if f.format = strings.ToLower(strings.TrimSpace(f.format)); f.format != formatAvro && f.format != formatProtobuf {
		return usageError{fmt.Errorf("--format %q: want %s or %s", f.format, formatAvro, formatProtobuf)}
	}
	s, err := f.conn.resolve(fs, os.LookupEnv)
	if err != nil {
		return err
	}
	conn, reg, err := s.clients()
	if err != nil {
		return err
	}
	subject, err := subjectName(s.cfg, f.strategy)
	if err != nil {
		return err
	}
	var enc sensorEncoder
	if f.format == formatProtobuf {
		enc, err = reg.ProtoSensorEncoder(ctx, protobufSubject(s.cfg, subject))
	} else {
		enc, err = reg.SensorEncoder(ctx, subject, f.register)
	}
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

	sink := newProduceSink(producer, enc, out, f.start)
	sink.quiet, sink.pipelined, sink.progress = f.quiet, f.delay == 0, terminalOrNil(stderr)
	gen := simulate.New(simulate.Options{
		Start: f.start,
		Steps: f.events,
		Delay: time.Duration(f.delay * float64(time.Second)),
		Noise: f.noise,
	})
	_, runErr := gen.Run(ctx, sink)
	if !f.quiet {
		// Where the tutorial's producer flushes: after its loop (also on
		// Ctrl-C), before the last deliveries are reported.
		fmt.Fprintln(out, "Flushing records...")
	}
	// The first step not fully acknowledged, whatever the generator emitted.
	next, sinkErr := sink.close(runErr == nil)
	if sinkErr != nil {
		runErr = sinkErr
	}
	if f.quiet {
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

// Value formats of produce --format.
const (
	formatAvro     = "avro"
	formatProtobuf = "protobuf"
)

// sensorEncoder frames sensor readings: schema.Encoder (Avro) or
// schema.ProtoSensorEncoder.
type sensorEncoder interface {
	AppendSensor(dst []byte, s schema.Sensor) ([]byte, error)
}

// protobufSubject is the subject of the Protobuf sensor schema:
// registry.subject when set, else the strategy's subject with "-protobuf",
// so that Avro and Protobuf sensors share a topic without sharing a subject
// (a registry refuses a schema of another type as incompatible).
func protobufSubject(cfg config.Config, subject string) string {
	if cfg.Registry.Subject != "" {
		return subject
	}
	return subject + "-" + formatProtobuf
}

// subjectName returns the subject to register or look up the sensor schema
// under: registry.subject, else the name the subject strategy gives —
// strategy (--subject-strategy) when set, else registry.subject_strategy.
func subjectName(cfg config.Config, strategy string) (string, error) {
	if strategy != "" {
		cfg.Registry.SubjectStrategy = strings.ToLower(strings.TrimSpace(strategy))
		switch cfg.Registry.SubjectStrategy {
		case config.SubjectRecordName, config.SubjectTopicName, config.SubjectTopicRecord:
		default:
			return "", usageError{fmt.Errorf("--subject-strategy %q: want %s, %s or %s", strategy, config.SubjectRecordName, config.SubjectTopicName, config.SubjectTopicRecord)}
		}
	}
	return cfg.Subject(), nil
}

// stepBatch is a run of generator steps encoded for one Producer.Send:
// the events' keys and values back to back in one buffer, reused from
// batch to batch.
type stepBatch struct {
	steps      []int    // step of each event
	ids        []string // sensor id of each event
	buf        []byte   // key, then value, of each event
	bounds     []int    // start of each key and value in buf, and the end
	msgs       []stream.Message
	deliveries []stream.Delivery
	err        error // Send's error
}

func (b *stepBatch) reset() {
	b.steps, b.ids, b.buf, b.bounds, b.msgs = b.steps[:0], b.ids[:0], b.buf[:0], b.bounds[:0], b.msgs[:0]
	b.deliveries, b.err = b.deliveries[:0], nil
}

func (b *stepBatch) len() int { return len(b.steps) }

// add encodes one step's events; on error the batch is unchanged.
func (b *stepBatch) add(enc sensorEncoder, events []simulate.Event) error {
	n, nb, nbuf := len(b.steps), len(b.bounds), len(b.buf)
	for _, ev := range events {
		b.bounds = append(b.bounds, len(b.buf))
		b.buf = append(b.buf, ev.ID...)
		b.bounds = append(b.bounds, len(b.buf))
		var err error
		b.buf, err = enc.AppendSensor(b.buf, schema.Sensor{Timestamp: ev.Timestamp.UnixMilli(), ID: ev.ID, Value: ev.Value})
		if err != nil {
			b.steps, b.ids, b.bounds, b.msgs, b.buf = b.steps[:n], b.ids[:n], b.bounds[:nb], b.msgs[:n], b.buf[:nbuf]
			return fmt.Errorf("encode %s at step %d: %w", ev.ID, ev.Step, err)
		}
		b.steps = append(b.steps, ev.Step)
		b.ids = append(b.ids, ev.ID)
		b.msgs = append(b.msgs, stream.Message{Time: ev.Timestamp})
	}
	return nil
}

// send writes the batch and waits for the acknowledgements. An interrupt
// must not hide which events the broker acknowledged, so the request
// finishes (bounded) even when ctx is cancelled.
func (b *stepBatch) send(ctx context.Context, producer *stream.Producer) {
	bounds := append(b.bounds, len(b.buf))
	for i := range b.msgs {
		b.msgs[i].Key = b.buf[bounds[2*i]:bounds[2*i+1]]
		b.msgs[i].Value = b.buf[bounds[2*i+1]:bounds[2*i+2]]
	}
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	b.deliveries, b.err = producer.Send(sendCtx, b.msgs, b.deliveries)
}

// stepSender sends one generator step at a time and waits for it.
type stepSender struct {
	producer *stream.Producer
	encoder  sensorEncoder
	batch    stepBatch
}

// send returns one delivery per event, in order, and the first error.
func (s *stepSender) send(ctx context.Context, events []simulate.Event) ([]stream.Delivery, error) {
	s.batch.reset()
	if err := s.batch.add(s.encoder, events); err != nil {
		return nil, err
	}
	s.batch.send(ctx, s.producer)
	return s.batch.deliveries, s.batch.err
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
	encoder   sensorEncoder
	out       *bufio.Writer
	quiet     bool
	pipelined bool
	progress  io.Writer
	started   time.Time

	ctx      context.Context // of the generator's Run, for sending
	pending  *stepBatch      // accumulating, not sent
	inflight *stepBatch      // sent, not yet acknowledged
	spare    *stepBatch      // acknowledged, for reuse
	done     chan *stepBatch // the in-flight batch, once acknowledged

	next      int   // first step not fully acknowledged
	broken    bool  // a step failed: next no longer advances
	err       error // the first failure, naming its step
	delivered int
	failed    int
	lastShown time.Time
}

func newProduceSink(producer *stream.Producer, enc sensorEncoder, out *bufio.Writer, start int) *produceSink {
	return &produceSink{
		producer: producer, encoder: enc, out: out, started: time.Now(), next: start,
		pending: &stepBatch{}, spare: &stepBatch{}, done: make(chan *stepBatch, 1),
	}
}

// Emit implements simulate.Sink.
func (p *produceSink) Emit(ctx context.Context, events []simulate.Event) error {
	if p.err != nil {
		return p.err
	}
	p.ctx = ctx
	if err := p.pending.add(p.encoder, events); err != nil {
		return err
	}
	if p.inflight != nil {
		if p.pipelined && p.pending.len() < maxBatchEvents {
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
	p.pending.reset()
	ctx := p.ctx
	go func() {
		b.send(ctx, p.producer)
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
	if flush && p.err == nil && p.pending.len() > 0 {
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
func (p *produceSink) acknowledged(b *stepBatch) {
	p.inflight, p.spare = nil, b
	topic := p.producer.Topic()
	for i := 0; i < len(b.deliveries); {
		step, ok := b.steps[i], true
		for ; i < len(b.deliveries) && b.steps[i] == step; i++ {
			d := b.deliveries[i]
			if d.Err != nil {
				ok = false
				p.failed++
				fmt.Fprintf(p.out, "Delivery failed for Sensor Event %s: %s\n", b.ids[i], oneLine(d.Err.Error()))
				continue
			}
			p.delivered++
			if !p.quiet {
				fmt.Fprintf(p.out, "Sensor Event %s successfully produced to %s [%d] at offset %d\n", b.ids[i], topic, d.Partition, d.Offset)
			}
		}
		switch {
		case p.broken:
		case ok:
			p.next = step + 1
		default:
			p.broken = true
			p.err = fmt.Errorf("step %d: %w", step, b.err)
		}
	}
	if len(b.deliveries) == 0 && b.err != nil && !p.broken {
		p.broken, p.err = true, fmt.Errorf("step %d: %w", p.next, b.err)
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
