// Package consume is kafkaplot consume's engine: it prints the topic's
// records as a member of the consumer group, the tutorial's way or as rows
// of CSV or JSON lines (one per plotted value, package export), reports
// the partitions assigned, and with UntilEnd stops at the high watermarks
// seen at start or when an outage lasts too long; with From it prints a
// time range of every partition, read outside the group. It does not parse flags
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

	"github.com/kafkaplot/kafkaplot/export"
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
	// adds the plotted fields' selection when it prints only those.
	DecoderOptions []schema.DecoderOption
	// AssignorSetting names where the user chooses the assignors, for errors.
	AssignorSetting string
	UntilEnd        bool          // exit once the high watermarks seen at start are reached
	OutageLimit     time.Duration // with UntilEnd: the longest a partition may not go on
	Quiet           bool          // print only the final summary line
	// Output is the rows' format (export.CSV, export.JSONL): one row per
	// value the dashboard would plot, and the summary on stderr; 0 prints
	// the records the tutorial's way.
	Output export.Format
	// From, when set, reads the records of every partition from the first
	// whose timestamp is at or after From, outside the group, and stops at
	// the first at or after To (zero: the end of the log at start).
	From, To time.Time
}

// Run is the tutorial's avro_consumer.py without the plot: it prints
// every record of the topic as a member of the consumer group.
func Run(ctx context.Context, o Options, stdout, stderr io.Writer) error {
	s := o.Settings
	// Printing every field needs the full decode; rows and --quiet need
	// only the plotted fields, read by the compiled reader.
	full := o.Output == 0 && !o.Quiet
	decoderOpts := o.DecoderOptions
	var ex *extract.Extractor
	if !full {
		ex = connect.Extractor(s.Cfg)
		decoderOpts = append(slices.Clip(o.DecoderOptions), schema.WithSelection(ex.Selection))
	}
	conn, reg, err := s.Clients(ctx)
	if err != nil {
		return err
	}
	if s.Cfg.Plot.SchemaFile == "" {
		if err := checkRegistry(ctx, reg); err != nil {
			return fmt.Errorf("schema registry %s: %w", s.Cfg.Redacted().RegistryURL(), err)
		}
	}

	printer := &recordPrinter{out: bufio.NewWriterSize(stdout, 64<<10), errOut: stderr, quiet: o.Quiet, topic: s.Cfg.Kafka.Topic}
	summary := printer.out
	if o.Output != 0 {
		printer.rows, printer.ex = export.NewWriter(printer.out, o.Output), ex
		summary = bufio.NewWriter(stderr)
	}
	if !o.From.IsZero() {
		return runRange(ctx, o, schema.NewDecoder(reg, decoderOpts...), full, conn, printer, summary, stderr)
	}
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	outages := newOutageWatch(stderr, s.Cfg.Kafka.Topic, o.OutageLimit, time.Now)
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
		Full:            full,
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
	if err := printer.flush(); err != nil {
		return err
	}
	fmt.Fprintf(summary, "consumed %s in %.2fs\n", printer.summary(), time.Since(started).Seconds())
	if err := summary.Flush(); err != nil {
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

	rows      *export.Writer     // non-nil: rows of plotted values instead of the tutorial's text
	ex        *extract.Extractor // with rows: what a record plots
	points    []extract.Point    // scratch
	written   int                // rows written
	unplotted int                // records with nothing to plot
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
		if p.rows != nil {
			if err := p.row(&r); err != nil {
				return err
			}
			continue
		}
		if p.quiet {
			continue
		}
		if r.Fields == nil {
			continue
		}
		if s, ok := tutorialSensor(r.Fields); ok {
			fmt.Fprintf(p.out, "Event record %s: id: %s\n\ttimestamp: %s\n\tvalue: %s\n\n",
				r.Key, s.ID, time.UnixMilli(s.Timestamp).Format("2006-01-02 15:04:05.000"), pythonFloat(s.Value))
			continue
		}
		printGeneric(p.out, r.Key, r.Fields)
	}
	if p.rows != nil && !p.quiet {
		if err := p.rows.Flush(); err != nil {
			return err
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

// tutorialSensor returns the reading of a record whose writer schema has
// exactly the tutorial sensor's three fields (Avro or Protobuf): a
// timestamp (epoch milliseconds, a timestamp type), an id string and a
// number value. Those are printed the tutorial's way; records of an evolved
// schema are printed generically, with all their fields.
func tutorialSensor(rec *schema.Record) (schema.Sensor, bool) {
	if rec.Writer == nil || len(rec.Writer.Fields) != 3 || rec.Writer.Format == schema.FormatJSON {
		return schema.Sensor{}, false
	}
	var s schema.Sensor
	switch ts := rec.Fields["timestamp"].(type) {
	case int64:
		s.Timestamp = ts
	case int:
		s.Timestamp = int64(ts)
	case int32:
		s.Timestamp = int64(ts)
	case time.Time:
		s.Timestamp = ts.UnixMilli()
	default:
		return s, false
	}
	id, ok := rec.Fields["id"].(string)
	if !ok {
		return s, false
	}
	s.ID = id
	switch v := rec.Fields["value"].(type) {
	case float64:
		s.Value = v
	case float32:
		s.Value = float64(v)
	case int64:
		s.Value = float64(v)
	case int:
		s.Value = float64(v)
	case int32:
		s.Value = float64(v)
	default:
		return s, false
	}
	return s, true
}

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

// row writes a row for every value record r plots.
func (p *recordPrinter) row(r *stream.Record) error {
	p.points = p.points[:0]
	if r.Plotted.Selection != nil {
		p.points, _ = p.ex.Points(&r.Plotted, r.Key, r.Time, p.points)
	}
	if len(p.points) == 0 {
		p.unplotted++
	}
	if p.quiet {
		return nil
	}
	for _, pt := range p.points {
		err := p.rows.Write(export.Row{Time: pt.Time, Partition: r.Partition, Offset: r.Offset,
			Series: pt.Series, Field: pt.Field, Value: pt.Value, Null: pt.Null})
		if err != nil {
			return err
		}
		p.written++
	}
	return nil
}

// flush writes what is buffered: rows (and an empty CSV's header) or text.
func (p *recordPrinter) flush() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rows != nil && !p.quiet {
		if err := p.rows.Flush(); err != nil {
			return err
		}
	}
	return p.out.Flush()
}

// summary says what was consumed: "4800 records (0 errors)", with rows
// "4800 records (0 errors, 0 without a value to plot), 4800 rows".
func (p *recordPrinter) summary() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rows == nil {
		return fmt.Sprintf("%d records (%d errors)", p.records, p.failed)
	}
	return fmt.Sprintf("%d records (%d errors, %d without a value to plot), %d rows", p.records, p.failed, p.unplotted, p.written)
}

// assignmentReporter prints this member's partitions to stderr when they
// change: "group kafkaplot: generation 4 (range): partitions [1]".
type assignmentReporter struct {
	out        io.Writer
	group      string
	generation int
	partitions []int
	reported   bool
	shared     bool // the note that the group has other members was printed
}

func (a *assignmentReporter) report(ev stream.GroupEvent) {
	if others := len(ev.Members) - 1; others > 0 && !a.shared {
		a.shared = true
		fmt.Fprintf(a.out, "note: group %s has %d other member(s) (a dashboard?): this consumer reads only the partitions assigned to it; -g with a group of its own reads every partition\n", a.group, others)
	}
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
