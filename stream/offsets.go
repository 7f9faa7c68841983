package stream

import (
	"context"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
)

// pollOffsets reports committed offsets and high watermarks of every partition.
func (c *Consumer) pollOffsets(ctx context.Context) {
	tick := time.NewTicker(c.cfg.StatsInterval)
	defer tick.Stop()
	for {
		if stats, err := c.Offsets(ctx); err == nil {
			c.lag.fill(ctx, stats)
			c.cfg.OnOffsets(stats)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Offsets returns the group's committed offset and the high watermark of
// every partition of the topic (Behind is not measured).
func (c *Consumer) Offsets(ctx context.Context) ([]PartitionOffsets, error) {
	return groupOffsets(ctx, c.client, c.cfg.Group, c.cfg.Topic)
}

func groupOffsets(ctx context.Context, client *kafka.Client, group, topic string) ([]PartitionOffsets, error) {
	reqCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	highs, err := highWatermarks(reqCtx, client, topic)
	if err != nil {
		return nil, err
	}
	parts := make([]int, len(highs))
	for i := range highs {
		parts[i] = i
	}
	committed, err := client.OffsetFetch(reqCtx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: parts}})
	if err != nil {
		return nil, fmt.Errorf("fetch committed offsets of group %s: %w", group, err)
	}
	stats := make([]PartitionOffsets, len(highs))
	for i, h := range highs {
		stats[i] = PartitionOffsets{Partition: i, Committed: -1, High: h}
	}
	for _, p := range committed.Topics[topic] {
		if p.Partition >= 0 && p.Partition < len(stats) && p.Error == nil {
			stats[p.Partition].Committed = p.CommittedOffset
		}
	}
	return stats, nil
}

// CommittedOffsets returns group's committed offset and the high watermark
// of every partition of topic.
func (c Connection) CommittedOffsets(ctx context.Context, group, topic string) ([]PartitionOffsets, error) {
	client := c.Client()
	defer closeClient(client)
	return groupOffsets(ctx, client, group, topic)
}

// HighWatermarks returns the high watermark of each partition of topic,
// indexed by partition.
func (c Connection) HighWatermarks(ctx context.Context, topic string) ([]int64, error) {
	client := c.Client()
	defer closeClient(client)
	return highWatermarks(ctx, client, topic)
}

func highWatermarks(ctx context.Context, client *kafka.Client, topic string) ([]int64, error) {
	meta, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return nil, fmt.Errorf("read metadata of topic %s: %w", topic, err)
	}
	switch {
	case len(meta.Topics) != 1:
		return nil, fmt.Errorf("topic %s: not found", topic)
	case meta.Topics[0].Error != nil:
		return nil, fmt.Errorf("topic %s: %w", topic, meta.Topics[0].Error)
	}
	reqs := make([]kafka.OffsetRequest, len(meta.Topics[0].Partitions))
	for i := range reqs {
		reqs[i] = kafka.LastOffsetOf(i)
	}
	resp, err := client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return nil, fmt.Errorf("list offsets of topic %s: %w", topic, err)
	}
	highs := make([]int64, len(reqs))
	for _, p := range resp.Topics[topic] {
		if p.Error != nil {
			return nil, fmt.Errorf("list offsets of %s [%d]: %w", topic, p.Partition, p.Error)
		}
		if p.Partition >= 0 && p.Partition < len(highs) {
			highs[p.Partition] = p.LastOffset
		}
	}
	return highs, nil
}
