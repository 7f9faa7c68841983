package stream

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
)

// BenchmarkHistory reads a partition's history straight from an in-process
// kfake broker through the range reader (ListOffsets by time, fetch,
// decode): the whole span when it fits the budget, an even sample of it
// when it does not. Time includes the in-process broker's.
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
	tests := []struct {
		name   string
		from   int64 // offset the span starts at
		budget int
	}{
		{name: "all/12000", from: highs[0] - 12_000, budget: 12_000},
		{name: "sampled/200000-to-2048", from: 0, budget: 2048},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			c, err := NewConsumer(ConsumerConfig{
				Conn: Connection{Brokers: []string{emb.BrokerAddr()}}, Group: "bench", Topic: emb.Topic(),
				Decoder: schema.NewDecoder(reg), HistoryBudget: tt.budget,
				OnRecords: func(context.Context, []Record) error { return nil },
			})
			if err != nil {
				b.Fatal(err)
			}
			c.cfg.defaults()
			ctx := context.Background()
			conn, err := c.dialLeader(ctx, 0)
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			since := time.UnixMilli(0) // every record: benchCluster's are stamped in 2023
			b.ReportAllocs()
			var kept int
			for b.Loop() {
				h, err := c.readHistory(ctx, conn, 0, since, tt.from, highs[0])
				if err != nil {
					b.Fatal(err)
				}
				if n := int(highs[0] - tt.from); len(h.Records) > tt.budget || len(h.Records) < min(n, tt.budget/2) {
					b.Fatalf("read %d records of %d, budget %d", len(h.Records), n, tt.budget)
				}
				kept = len(h.Records)
			}
			b.ReportMetric(float64(kept), "records")
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/history")
		})
	}
}

// BenchmarkSampleOffsets chooses 2048 offsets out of a million.
func BenchmarkSampleOffsets(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if got := sampleOffsets(0, 1_000_000, 2048); len(got) > 2048 {
			b.Fatal(fmt.Sprint(len(got)))
		}
	}
}
