package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/extract"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
)

// consumeFlags are consume's flags.
type consumeFlags struct {
	conn       connFlags
	group      groupFlags
	untilEnd   bool
	outage     time.Duration
	quiet      bool
	schemaFile schemaFileFlag
}

// newConsumeCmd is "kafkaplot consume".
func newConsumeCmd() *cobra.Command {
	var f consumeFlags
	cmd := &cobra.Command{
		Use:   "consume [flags]",
		Short: "print the topic's records, headless (the tutorial's avro_consumer.py)",
		Long:  "kafkaplot consume: print the topic's records as a member of a consumer group.",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runConsume(c.Context(), c.Flags(), &f, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	f.conn.register(cmd.Flags(), "t")
	f.group.register(cmd.Flags())
	inGroup(cmd.Flags(), "Consume", func(fs *pflag.FlagSet) {
		fs.BoolVar(&f.untilEnd, "until-end", false, "exit once the high watermarks seen at start are reached")
		fs.DurationVar(&f.outage, "outage-limit", 30*time.Second, "with --until-end: exit non-zero when a partition cannot go on (registry or broker unreachable) for longer than this")
		fs.BoolVar(&f.quiet, "quiet", false, "print only the final summary line")
		f.schemaFile.register(fs)
	})
	f.conn.completions(cmd)
	f.group.completions(cmd)
	cmd.RegisterFlagCompletionFunc("schema-file", completeFiles("avsc", "proto"))
	return cmd
}

// runConsume is the tutorial's avro_consumer.py without the plot: it prints
// every record of the topic as a member of the consumer group.
func runConsume(ctx context.Context, fs *pflag.FlagSet, f *consumeFlags, stdout, stderr io.Writer) error {
	s, err := f.conn.resolve(fs, os.LookupEnv)
	if err != nil {
		return err
	}
	f.group.apply(&s.cfg)
	f.schemaFile.apply(fs, &s.cfg)
	if err := s.cfg.Validate(); err != nil {
		return usageError{err}
	}
	decoderOpts, err := decoderOptions(s.cfg, schema.WithSensorFilter(onlySensorFields))
	if err != nil {
		return err
	}
	if f.outage <= 0 {
		return usageError{fmt.Errorf("--outage-limit %s: must be positive", f.outage)}
	}
	conn, reg, err := s.clients()
	if err != nil {
		return err
	}
	if s.cfg.Plot.SchemaFile == "" {
		if err := checkRegistry(ctx, reg); err != nil {
			return fmt.Errorf("schema registry %s: %w", s.cfg.Redacted().RegistryURL(), err)
		}
	}

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	outages := newOutageWatch(stderr, s.cfg.Kafka.Topic, f.outage, time.Now)
	printer := &recordPrinter{out: bufio.NewWriterSize(stdout, 64<<10), errOut: stderr, quiet: f.quiet, topic: s.cfg.Kafka.Topic}
	assignment := &assignmentReporter{out: stderr, group: s.cfg.Kafka.Consumer.GroupID}
	var end *endTracker
	if f.untilEnd {
		highs, err := conn.HighWatermarks(ctx, s.cfg.Kafka.Topic)
		if err != nil {
			return err
		}
		end = newEndTracker(highs, func() { cancel(nil) })
		go outages.watch(runCtx, cancel)
	}
	consumer, err := stream.NewConsumer(stream.ConsumerConfig{
		Conn:            conn,
		Group:           s.cfg.Kafka.Consumer.GroupID,
		Topic:           s.cfg.Kafka.Topic,
		Reset:           s.cfg.Kafka.Consumer.AutoOffsetReset,
		Decoder:         schema.NewDecoder(reg, decoderOpts...),
		Assignors:       s.cfg.Kafka.Consumer.AssignmentStrategies(),
		AssignorSetting: assignorSetting,
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
		return errInterrupted
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

// groupFlags are the consumer-group flags of consume and the dashboard.
type groupFlags struct{ group, from, assignors string }

func (g *groupFlags) register(fs *pflag.FlagSet) {
	inGroup(fs, groupGroup, func(fs *pflag.FlagSet) {
		fs.StringVarP(&g.group, "group", "g", "", "consumer group id (default kafka.consumer.group_id, else kafkaplot)")
		fs.StringVar(&g.from, "from", "", "where a new group starts: earliest or latest (default kafka.consumer.auto_offset_reset, else earliest)")
		fs.StringVar(&g.assignors, "assignors", "", "partition assignment strategies offered to the group, in order of preference: cooperative-sticky, range, roundrobin, comma-separated (default kafka.consumer.partition_assignment_strategy)")
	})
}

// completions registers the group flags' value completions on cmd.
func (g *groupFlags) completions(cmd *cobra.Command) {
	cmd.RegisterFlagCompletionFunc("group", cobra.NoFileCompletions)
	cmd.RegisterFlagCompletionFunc("from", completeValues("earliest", "latest"))
	cmd.RegisterFlagCompletionFunc("assignors", completeValues("cooperative-sticky", "range", "roundrobin"))
}

// assignorSetting names where the user chooses the assignors.
const assignorSetting = "[kafka.consumer] partition_assignment_strategy (or --assignors)"

// apply overrides the configuration with the flags that were given.
func (g groupFlags) apply(cfg *config.Config) {
	if g.group != "" {
		cfg.Kafka.Consumer.GroupID = g.group
	}
	if g.from != "" {
		cfg.Kafka.Consumer.AutoOffsetReset = g.from
	}
	if g.assignors != "" {
		cfg.Kafka.Consumer.PartitionAssignmentStrategy = g.assignors
	}
}
