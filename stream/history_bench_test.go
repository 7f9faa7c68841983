package stream

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
)

// BenchmarkHistory reads a partition's history straight from an in-process
// kfake broker (ListOffsets by time, fetch, decode), every record of it.
// Time includes the in-process broker's.
func BenchmarkHistory(b *testing.B) {
	const span = 400_000 // records in both partitions, 200,000 in each
	emb := benchCluster(b, span)
	reg, err := schema.NewClient(emb.RegistryURL())
	if err != nil {
		b.Fatal(err)
	}
	highs, err := Connection{Brokers: []string{emb.BrokerAddr()}}.HighWatermarks(context.Background(), emb.Topic())
	if err != nil {
		b.Fatal(err)
	}
	var read int64
	c, err := NewConsumer(ConsumerConfig{
		Conn: Connection{Brokers: []string{emb.BrokerAddr()}}, Group: "bench", Topic: emb.Topic(),
		Decoder:   sensorDecoder(reg),
		OnRecords: func(context.Context, []Record) error { return nil },
		OnHistory: func(_ context.Context, h History) error {
			read += int64(len(h.Records))
			return nil
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	conn, err := c.dialSpanConn(ctx, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	since := time.UnixMilli(0) // every record: benchCluster's are stamped in 2023
	b.ReportAllocs()
	for b.Loop() {
		read = 0
		if err := c.readHistory(ctx, conn, 0, since, -1, highs[0], nil); err != nil {
			b.Fatal(err)
		}
		if read != highs[0] {
			b.Fatalf("read %d records of %d", read, highs[0])
		}
	}
	b.ReportMetric(float64(read), "records")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/history")
}

// BenchmarkReadRange reads the time range of every record of both
// partitions outside the group: whole, and in slices of a tenth.
func BenchmarkReadRange(b *testing.B) {
	const records = 400_000 // stamped 10 ms apart by 8, over 500 s of 2023
	emb := benchCluster(b, records)
	reg, err := schema.NewClient(emb.RegistryURL())
	if err != nil {
		b.Fatal(err)
	}
	from := time.UnixMilli(1_700_000_000_000)
	for _, tt := range []struct {
		name   string
		budget int64
	}{
		{name: "whole", budget: records},
		{name: "a tenth in slices", budget: records / 10},
	} {
		b.Run(tt.name, func(b *testing.B) {
			var read atomic.Int64
			b.ReportAllocs()
			for b.Loop() {
				read.Store(0)
				plan, err := ReadRange(context.Background(), RangeConfig{
					Conn: Connection{Brokers: []string{emb.BrokerAddr()}}, Topic: emb.Topic(), Decoder: sensorDecoder(reg),
					From: from, To: from.Add(500 * time.Second), Budget: tt.budget,
					OnRecords: func(_ context.Context, batch []Record) error {
						read.Add(int64(len(batch)))
						return nil
					},
				})
				if err != nil {
					b.Fatal(err)
				}
				if read.Load() != plan.Read || plan.Records != records {
					b.Fatalf("read %d records of %d planned, %d in the range", read.Load(), plan.Read, plan.Records)
				}
			}
			b.ReportMetric(float64(read.Load()), "records")
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/range")
		})
	}
}
