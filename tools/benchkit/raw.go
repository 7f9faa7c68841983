package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// runRaw reads --records records of --topic from the start with franz-go:
// a kgo PollFetches loop that counts records and decodes nothing, the peer
// consume and the dashboard are measured against. It runs without a
// consumer group.
func runRaw(ctx context.Context, fs *flag.FlagSet, args []string, out io.Writer) error {
	brokers := fs.String("brokers", "", "bootstrap broker")
	topic := fs.String("topic", "temperature", "topic")
	records := fs.Int("records", 1_000_000, "records to read")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long")
	prefix := fs.String("prefix", "raw", "prefix of the result keys")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	start := time.Now()
	cl, err := kgo.NewClient(kgo.SeedBrokers(*brokers), kgo.ConsumeTopics(*topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxBytes(8<<20))
	if err != nil {
		return fmt.Errorf("new franz-go client: %w", err)
	}
	defer cl.Close()
	n := 0
	for n < *records {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return fmt.Errorf("read %s: %d of %d records within %s", *topic, n, *records, *timeout)
		}
		if errs := fetches.Errors(); len(errs) > 0 {
			return fmt.Errorf("read %s: partition %d: %w", *topic, errs[0].Partition, errs[0].Err)
		}
		n += fetches.NumRecords()
	}
	elapsed := time.Since(start).Seconds()
	fmt.Fprintf(out, "%s_records=%d\n%s_seconds=%.2f\n%s_rate=%.0f\n", *prefix, n, *prefix, elapsed, *prefix, float64(n)/elapsed)
	return nil
}
