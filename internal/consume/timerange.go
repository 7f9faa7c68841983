package consume

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
)

// runRange prints the records of every partition whose timestamps lie in
// [o.From, o.To) (o.To zero: up to the end of the log at start), read
// outside the group (kcat's -o s@ / -o e@): nothing is committed. Every
// record of the range is read, however many.
func runRange(ctx context.Context, o Options, decoder *schema.Decoder, full bool, conn stream.Connection, printer *recordPrinter, summary *bufio.Writer, stderr io.Writer) error {
	topic := o.Settings.Cfg.Kafka.Topic
	started := time.Now()
	plan, err := stream.ReadRange(ctx, stream.RangeConfig{
		Conn: conn, Topic: topic, Decoder: decoder, Full: full,
		From: o.From, To: o.To, Budget: math.MaxInt64,
		OnPlan: func(p stream.RangePlan) { fmt.Fprintln(stderr, describeRange(topic, p)) },
		OnRecords: func(_ context.Context, batch []stream.Record) error {
			return printer.print(batch)
		},
	})
	if ferr := printer.flush(); ferr != nil && err == nil {
		err = ferr
	}
	fmt.Fprintf(summary, "consumed %s in %.2fs\n", printer.summary(), time.Since(started).Seconds())
	if ferr := summary.Flush(); ferr != nil && err == nil {
		err = ferr
	}
	switch {
	case ctx.Err() != nil:
		return connect.ErrInterrupted
	case err != nil && !errors.Is(err, context.Canceled):
		return fmt.Errorf("read %s from %s: %w", topic, o.From.Format(time.RFC3339), err)
	}
	printer.mu.Lock()
	records := int64(printer.records)
	printer.mu.Unlock()
	if missing := plan.Read - records; missing > 0 {
		fmt.Fprintf(stderr, "%d offsets of the range held no record (transaction markers, compaction)\n", missing)
	}
	return nil
}

// describeRange says on stderr what a range read covers: "temperature
// 03:20:00–03:30:00 (outside the group): 4,800 records in 2 partitions",
// and that the records before the log's start are gone (retention).
func describeRange(topic string, p stream.RangePlan) string {
	layout := "15:04:05"
	if p.To.Sub(p.From) >= 24*time.Hour || p.From.YearDay() != p.To.YearDay() {
		layout = "2006-01-02 15:04:05"
	}
	s := fmt.Sprintf("%s %s–%s (outside the group): ", topic, p.From.Local().Format(layout), p.To.Local().Format(layout))
	if p.Empty() {
		s += "no records"
	} else {
		s += fmt.Sprintf("%d records in %d partitions", p.Records, len(p.Partitions))
	}
	if gone := p.GoneBefore(); !gone.IsZero() {
		s += fmt.Sprintf("; records before %s are gone (retention)", gone.Local().Format(layout))
	}
	return s
}
