// Package consume is kafkaplot consume's engine: it prints the topic's
// records as a member of the consumer group, the tutorial's way, reports
// the partitions assigned, and with UntilEnd stops at the high watermarks
// seen at start or when an outage lasts too long. It does not parse flags
// or decide exit codes.
package consume

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kafkaplot/kafkaplot/extract"
	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
)

// Options are what consume reads and prints.
type Options struct {
	// Settings are the resolved configuration, the command's flags applied
	// and checked.
	Settings connect.Settings
	// DecoderOptions are the decoder's (connect.DecoderOptions); consume
	// adds its own sensor filter.
	DecoderOptions []schema.DecoderOption
	// AssignorSetting names where the user chooses the assignors, for errors.
	AssignorSetting string
	UntilEnd        bool          // exit once the high watermarks seen at start are reached
	OutageLimit     time.Duration // with UntilEnd: the longest a partition may not go on
	Quiet           bool          // print only the final summary line
}

// Run is the tutorial's avro_consumer.py without the plot: it prints
// every record of the topic as a member of the consumer group.
func Run(ctx context.Context, o Options, stdout, stderr io.Writer) error {
	s := o.Settings
	decoderOpts := append(slices.Clip(o.DecoderOptions), schema.WithSensorFilter(onlySensorFields))
	conn, reg, err := s.Clients()
	if err != nil {
		return err
	}
	if s.Cfg.Plot.SchemaFile == "" {
		if err := checkRegistry(ctx, reg); err != nil {
			return fmt.Errorf("schema registry %s: %w", s.Cfg.Redacted().RegistryURL(), err)
		}
	}

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	outages := newOutageWatch(stderr, s.Cfg.Kafka.Topic, o.OutageLimit, time.Now)
	printer := &recordPrinter{out: bufio.NewWriterSize(stdout, 64<<10), errOut: stderr, quiet: o.Quiet, topic: s.Cfg.Kafka.Topic}
	assignment := &assignmentReporter{out: stderr, group: s.Cfg.Kafka.Consumer.GroupID}
	var end *endTracker
	if o.UntilEnd {
		highs, err := conn.HighWatermarks(ctx, s.Cfg.Kafka.Topic)
		if err != nil {
			return err
		}
		end = newEndTracker(highs, func() { cancel(nil) })
		go outages.watch(runCtx, cancel)
	}
	consumer, err := stream.NewConsumer(stream.ConsumerConfig{
		Conn:            conn,
		Group:           s.Cfg.Kafka.Consumer.GroupID,
		Topic:           s.Cfg.Kafka.Topic,
		Reset:           s.Cfg.Kafka.Consumer.AutoOffsetReset,
		Decoder:         schema.NewDecoder(reg, decoderOpts...),
		Assignors:       s.Cfg.Kafka.Consumer.AssignmentStrategies(),
		AssignorSetting: o.AssignorSetting,
		OnRecords: func(_ context.Context, batch []stream.Record) error {
			return printer.print(batch)
		},
		OnGroup: func(ev stream.GroupEvent) {
			assignment.report(ev)
			if end != nil {
				end.assigned(ev.Generation, ev.Assigned)
			}
		},
		OnPosition: func(partition int, next int64) {
			if end != nil {
				end.position(partition, next)
			}
		},
		OnStatus: outages.status,
	})
	if err != nil {
		return err
	}
	started := time.Now()
	runErr := consumer.Run(runCtx)
	records, failed := printer.counts()
	fmt.Fprintf(printer.out, "consumed %d records (%d errors) in %.2fs\n", records, failed, time.Since(started).Seconds())
	if err := printer.out.Flush(); err != nil {
		return err
	}
	switch {
	case ctx.Err() != nil:
		return connect.ErrInterrupted
	case runErr != nil && !errors.Is(runErr, context.Canceled):
		return runErr
	}
	return nil
}

// recordPrinter prints records the way the tutorial's consumer does; batches
// of different partitions arrive concurrently.
type recordPrinter struct {
	mu      sync.Mutex
	out     *bufio.Writer
	errOut  io.Writer
	quiet   bool
	topic   string
	records int
	failed  int
}

func (p *recordPrinter) print(batch []stream.Record) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range batch {
		p.records++
		if r.Err != nil {
			p.failed++
			fmt.Fprintf(p.errOut, "error: %s [%d] at offset %d: %v\n", p.topic, r.Partition, r.Offset, r.Err)
			continue
		}
		if p.quiet {
			continue
		}
		switch {
		case r.IsSensor:
			fmt.Fprintf(p.out, "Event record %s: id: %s\n\ttimestamp: %s\n\tvalue: %s\n\n",
				r.Key, r.Sensor.ID, time.UnixMilli(r.Sensor.Timestamp).Format("2006-01-02 15:04:05.000"), pythonFloat(r.Sensor.Value))
		case r.Fields != nil:
			printGeneric(p.out, r.Key, r.Fields)
		}
	}
	return p.out.Flush()
}

// pythonFloat formats a double as Python's repr does, as the tutorial's
// consumer prints it: the shortest digits that read back the same, fixed
// with at least one decimal ("50.0") for decimal exponents -4 to 15,
// otherwise scientific with a two-digit exponent ("1e-05", "1.5e+16").
func pythonFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	sci := strconv.FormatFloat(v, 'e', -1, 64) // d.ddde±XX, shortest
	exp, _ := strconv.Atoi(sci[strings.IndexByte(sci, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return sci
	}
	fixed := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.ContainsAny(fixed, ".") {
		fixed += ".0"
	}
	return fixed
}

// onlySensorFields keeps the tutorial's way of printing to writer schemas
// with exactly the sensor's three fields; records of an evolved schema are
// printed generically, with all their fields.
func onlySensorFields(w *schema.Writer) bool { return len(w.Fields) == 3 }

// printGeneric prints a record of any schema: a title naming the writer
// schema, then one "path: value" line per field (nested records by dotted
// path, nulls as null, decimals with their scale, JSON numbers as written).
func printGeneric(out io.Writer, key []byte, rec *schema.Record) {
	title := rec.Writer.Label()
	if rec.SchemaID != 0 {
		title = fmt.Sprintf("%s (schema %d)", title, rec.SchemaID)
	}
	fmt.Fprintf(out, "Event record %s: %s\n", key, title)
	for _, l := range extract.Leaves(rec) {
		fmt.Fprintf(out, "\t%s: %s\n", l.Path, extract.Format(l.Value, l.Field))
	}
	fmt.Fprintln(out)
}

func (p *recordPrinter) counts() (records, failed int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.records, p.failed
}

// assignmentReporter prints this member's partitions to stderr when they
// change: "group kafkaplot: generation 4 (range): partitions [1]".
type assignmentReporter struct {
	out        io.Writer
	group      string
	generation int
	partitions []int
	reported   bool
}

func (a *assignmentReporter) report(ev stream.GroupEvent) {
	if a.reported && ev.Generation == a.generation && slices.Equal(ev.Assigned, a.partitions) {
		return
	}
	a.reported, a.generation, a.partitions = true, ev.Generation, slices.Clone(ev.Assigned)
	fmt.Fprintf(a.out, "group %s: generation %d (%s): partitions %v\n", a.group, ev.Generation, ev.Protocol, ev.Assigned)
}

// endTracker cancels the run once every partition this consumer owns has
// been read up to the high watermark it had at start.
type endTracker struct {
	mu       sync.Mutex
	highs    []int64
	next     map[int]int64
	owned    []int
	haveGen  bool
	finished func()
}

func newEndTracker(highs []int64, finished func()) *endTracker {
	return &endTracker{highs: highs, next: map[int]int64{}, finished: finished}
}

func (e *endTracker) assigned(_ int, owned []int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.owned, e.haveGen = slices.Clone(owned), true
	e.check()
}

func (e *endTracker) position(partition int, next int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.next[partition] = next
	e.check()
}

func (e *endTracker) check() {
	if !e.haveGen {
		return
	}
	for _, p := range e.owned {
		next, ok := e.next[p]
		if p >= len(e.highs) {
			continue
		}
		if !ok || next < e.highs[p] {
			return
		}
	}
	e.finished()
}
