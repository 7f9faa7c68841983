package stream

import (
	"context"
	"time"

	"github.com/segmentio/kafka-go"
)

// GroupSnapshot is a consumer group at one moment, as a reader outside it
// sees it: DescribeGroups, the committed offsets and the topic's ends.
type GroupSnapshot struct {
	// State is Empty, Stable, PreparingRebalance, CompletingRebalance or
	// Dead (a group the coordinator does not know).
	State        string
	ProtocolType string // "consumer" for consumer groups
	Protocol     string // the assignor chosen: range, roundrobin, cooperative-sticky...
	// Generation is the group's generation as its members' subscriptions
	// tell it (one past the newest they name), -1 when none does: members
	// of librdkafka's eager assignors name none, and a group whose members
	// all joined new cannot tell.
	Generation int
	// Members are the members with their partitions of the topic.
	Members []Member
	// Offsets are every partition's committed offset, high watermark and
	// how far behind in time the group is.
	Offsets []PartitionOffsets
}

// GroupReader reads a consumer group from outside it, without joining:
// each Read describes the group and measures its lag in records and in
// time. It keeps the records' timestamps between reads, so that each
// partition is fetched at most every LagFetchEvery.
type GroupReader struct {
	client   *kafka.Client
	clientID string
	group    string
	topic    string
	lag      *lagClock
}

// NewGroupReader returns a reader of group on topic; Close it after use.
func (c Connection) NewGroupReader(group, topic string) *GroupReader {
	client := c.Client()
	return &GroupReader{client: client, clientID: c.clientID(), group: group, topic: topic, lag: newLagClock(client, topic)}
}

// Read describes the group and reads its offsets.
func (r *GroupReader) Read(ctx context.Context) (GroupSnapshot, error) {
	reqCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	d, err := describeGroup(reqCtx, r.client, r.clientID, r.group, r.topic)
	if err != nil {
		return GroupSnapshot{}, err
	}
	offsets, err := groupOffsets(reqCtx, r.client, r.group, r.topic)
	if err != nil {
		return GroupSnapshot{}, err
	}
	r.lag.fill(reqCtx, offsets)
	return GroupSnapshot{State: d.State, ProtocolType: d.ProtocolType, Protocol: d.Protocol,
		Generation: d.Generation, Members: d.Members, Offsets: offsets}, nil
}

// Close closes the reader's connections.
func (r *GroupReader) Close() { closeClient(r.client) }
