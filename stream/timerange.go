package stream

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/kafkaplot/kafkaplot/schema"
)

// This file reads a time range of every partition of a topic outside any
// group (kcat's -o s@ / -o e@): the dashboard's views of the past and
// consume --from/--to. Nothing is committed.

// DefaultRangeBudget is the most records a time range is read whole when
// RangeConfig.Budget is zero; a range holding more is read in evenly spaced
// time slices, each whole.
const DefaultRangeBudget = 20_000_000

// RangeConfig says which time range of which topic ReadRange reads.
type RangeConfig struct {
	Conn    Connection
	Topic   string
	Decoder *schema.Decoder
	// Full decodes every field of each record into Record.Fields, for
	// printing them; default: only the selected ones into Record.Plotted.
	Full bool
	// From is the range's start: each partition is read from its first
	// record whose timestamp is at or after From. Required.
	From time.Time
	// To is the range's end, excluded: each partition is read up to its
	// first record whose timestamp is at or after To. Zero: up to the end
	// of the log when the read begins.
	To time.Time
	// Budget is the most records read whole; past it, time slices.
	// Default: DefaultRangeBudget.
	Budget int64
	// MaxBytes bounds one fetch. Default: 8 MiB.
	MaxBytes int
	// Parallel is how many partitions are read at once. Default: 4.
	Parallel int

	// OnPlan receives what will be read, once, before any record.
	// Optional.
	OnPlan func(RangePlan)
	// OnRecords receives the records of one partition in offset order, in
	// batches of at most 1024, concurrently for different partitions; it
	// must not retain batch. An error stops the read. Required.
	OnRecords func(ctx context.Context, batch []Record) error
	// OnProgress receives the offsets read so far of all those to read,
	// after each batch, one call at a time. Optional.
	OnProgress func(read, total int64)
	// OnStatus receives pauses on records the registry cannot decode yet.
	// Optional.
	OnStatus func(Status)
}

// RangePlan is what ReadRange reads.
type RangePlan struct {
	From, To time.Time
	// Partitions are every partition of the topic, by number.
	Partitions []PartitionRange
	// Records is the offsets of the range in all partitions.
	Records int64
	// Slicing says whether the range is read whole or in time slices.
	Slicing Slicing
	// Read is the offsets to read: Records when read whole.
	Read int64
}

// Empty reports whether no partition has a record in the range.
func (p RangePlan) Empty() bool { return p.Records == 0 }

// GoneBefore returns the latest time before which some partition's
// records were deleted (retention, DeleteRecords) while the range starts
// earlier, or the zero time if every partition holds all of its range.
func (p RangePlan) GoneBefore() time.Time {
	var t time.Time
	for _, pr := range p.Partitions {
		if pr.GoneBefore.After(t) {
			t = pr.GoneBefore
		}
	}
	return t
}

// PartitionRange is one partition's part of a range.
type PartitionRange struct {
	Partition int
	// Start and End are the offsets of the range, End excluded.
	Start, End int64
	// LogStart and LogEnd are the log's first offset and high watermark.
	LogStart, LogEnd int64
	// GoneBefore is set when records of the log were deleted and the range
	// starts at the oldest one left: the timestamp of that record, before
	// which the range's records may be gone. Zero otherwise.
	GoneBefore time.Time

	spans []offsetSpan
}

// ReadRange reads the records of every partition of cfg.Topic whose
// timestamps lie in [cfg.From, cfg.To), outside any group, and returns
// what it read. It stops at the first error.
func ReadRange(ctx context.Context, cfg RangeConfig) (RangePlan, error) {
	if err := cfg.Conn.Validate(); err != nil {
		return RangePlan{}, err
	}
	switch {
	case cfg.Topic == "":
		return RangePlan{}, errors.New("read range: no topic")
	case cfg.Decoder == nil:
		return RangePlan{}, errors.New("read range: no decoder")
	case cfg.OnRecords == nil:
		return RangePlan{}, errors.New("read range: no OnRecords")
	case cfg.From.IsZero():
		return RangePlan{}, errors.New("read range: no start time")
	case !cfg.To.IsZero() && !cfg.To.After(cfg.From):
		return RangePlan{}, fmt.Errorf("read range: end %s is not after start %s", cfg.To.Format(time.RFC3339), cfg.From.Format(time.RFC3339))
	}
	if cfg.Budget <= 0 {
		cfg.Budget = DefaultRangeBudget
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = 4
	}
	c := &Consumer{cfg: ConsumerConfig{Conn: cfg.Conn, Topic: cfg.Topic, Decoder: cfg.Decoder, Full: cfg.Full, MaxBytes: cfg.MaxBytes, OnStatus: cfg.OnStatus}, clientID: cfg.Conn.clientID()}
	c.cfg.defaults()
	n, err := cfg.Conn.Partitions(ctx, cfg.Topic)
	if err != nil {
		return RangePlan{}, err
	}
	plan := RangePlan{From: cfg.From, To: cfg.To, Partitions: make([]PartitionRange, n)}
	if plan.To.IsZero() {
		plan.To = time.Now()
	}
	conns := make([]*spanConn, n)
	defer func() {
		for _, conn := range conns {
			if conn != nil {
				conn.Close()
			}
		}
	}()
	// Every partition's offsets of the range, then the slicing for the
	// whole range, then each partition's slices.
	err = eachPartition(ctx, n, cfg.Parallel, func(ctx context.Context, p int) error {
		conn, err := c.dialSpanConn(ctx, p)
		if err != nil {
			return err
		}
		conns[p] = conn
		pr, err := c.partitionRange(conn.Conn, p, cfg.From, cfg.To)
		plan.Partitions[p] = pr
		return err
	})
	if err != nil {
		return plan, err
	}
	for _, pr := range plan.Partitions {
		plan.Records += pr.End - pr.Start
	}
	plan.Slicing = slicing(plan.To.Sub(plan.From), plan.Records, cfg.Budget)
	err = eachPartition(ctx, n, cfg.Parallel, func(ctx context.Context, p int) error {
		pr := &plan.Partitions[p]
		spans, err := c.sliceSpans(conns[p].Conn, p, plan.From, plan.To, plan.Slicing, offsetSpan{from: pr.Start, to: pr.End})
		pr.spans = spans
		return err
	})
	if err != nil {
		return plan, err
	}
	for _, pr := range plan.Partitions {
		for _, sp := range pr.spans {
			plan.Read += sp.len()
		}
	}
	if cfg.OnPlan != nil {
		cfg.OnPlan(plan)
	}
	var mu sync.Mutex
	var read int64
	err = eachPartition(ctx, n, cfg.Parallel, func(ctx context.Context, p int) error {
		// A read cut short (a new range asked for) stops at once.
		stop := context.AfterFunc(ctx, func() { conns[p].Close() })
		defer stop()
		for _, sp := range plan.Partitions[p].spans {
			reported := sp.from
			_, err := c.readSpan(ctx, conns[p], p, sp, func(chunk []Record) error {
				if err := cfg.OnRecords(ctx, chunk); err != nil {
					return fmt.Errorf("handle records of %s [%d]: %w", cfg.Topic, p, err)
				}
				next := chunk[len(chunk)-1].Offset + 1
				if cfg.OnProgress != nil {
					mu.Lock()
					read += next - reported
					cfg.OnProgress(read, plan.Read)
					mu.Unlock()
				}
				reported = next
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = ctx.Err()
	}
	return plan, err
}

// partitionRange finds partition's offsets of [from, to) through conn.
func (c *Consumer) partitionRange(conn *kafka.Conn, p int, from, to time.Time) (PartitionRange, error) {
	pr := PartitionRange{Partition: p}
	if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return pr, err
	}
	first, last, err := conn.ReadOffsets()
	if err != nil {
		return pr, fmt.Errorf("read offsets of %s [%d]: %w", c.cfg.Topic, p, err)
	}
	pr.LogStart, pr.LogEnd = first, last
	if pr.Start, err = c.offsetAt(conn, p, from, last); err != nil {
		return pr, err
	}
	pr.End = last
	if !to.IsZero() {
		if pr.End, err = c.offsetAt(conn, p, to, last); err != nil {
			return pr, err
		}
	}
	if first > 0 && pr.Start == first && first < last {
		// The range starts at the oldest record left: what was before
		// it is gone, and may have been in the range.
		t, err := c.timeAt(conn, p, first)
		if err != nil {
			return pr, err
		}
		if t.After(from) {
			pr.GoneBefore = t
		}
	}
	return pr, nil
}

// timeAt returns the timestamp of partition's record at offset.
func (c *Consumer) timeAt(conn *kafka.Conn, p int, offset int64) (time.Time, error) {
	if _, err := conn.Seek(offset, kafka.SeekAbsolute|kafka.SeekDontCheck); err != nil {
		return time.Time{}, fmt.Errorf("seek %s [%d] to %d: %w", c.cfg.Topic, p, offset, err)
	}
	if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return time.Time{}, err
	}
	batch := conn.ReadBatchWith(kafka.ReadBatchConfig{MinBytes: 1, MaxBytes: 1 << 20, MaxWait: time.Second})
	msg, err := batch.ReadMessage()
	batch.Close()
	if err != nil {
		return time.Time{}, fmt.Errorf("read %s [%d] at offset %d: %w", c.cfg.Topic, p, offset, err)
	}
	return msg.Time, nil
}

// eachPartition runs f for partitions 0..n-1, at most parallel at once, and
// returns the first error, which cancels the others' context.
func eachPartition(ctx context.Context, n, parallel int, f func(ctx context.Context, p int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	slots := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for p := range n {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			if err := f(ctx, p); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}
