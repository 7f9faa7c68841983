package stream

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// balance assigns the group's partitions with the group's assignor; the
// leader does this for everyone.
func (m *groupMember) balance(ctx context.Context, b kgo.GroupBalancer, joined []kmsg.JoinGroupResponseMember) ([]kmsg.SyncGroupRequestGroupAssignment, error) {
	members := slices.Clone(joined)
	// Assignors expect members sorted by instance id (static members
	// first), then member id, as Kafka's clients sort them.
	slices.SortFunc(members, func(a, b kmsg.JoinGroupResponseMember) int {
		switch {
		case a.InstanceID != nil && b.InstanceID != nil:
			return cmp.Compare(*a.InstanceID, *b.InstanceID)
		case a.InstanceID != nil:
			return -1
		case b.InstanceID != nil:
			return 1
		}
		return cmp.Compare(a.MemberID, b.MemberID)
	})
	mb, topics, err := b.MemberBalancer(members)
	if err != nil {
		return nil, fmt.Errorf("read the members' subscriptions: %w", err)
	}
	counts, err := m.partitionCounts(ctx, topics)
	if err != nil {
		return nil, err
	}
	var into kgo.IntoSyncAssignment
	if be, ok := mb.(kgo.GroupMemberBalancerOrError); ok {
		into, err = be.BalanceOrError(counts)
	} else {
		into = mb.Balance(counts)
	}
	if err != nil {
		return nil, err
	}
	if into == nil {
		return nil, fmt.Errorf("assignor %s made no plan", b.ProtocolName())
	}
	m.balanced = counts
	return into.IntoSyncAssignment(), nil
}

// partitionCounts returns the partition count of each topic that exists.
func (m *groupMember) partitionCounts(ctx context.Context, topics map[string]struct{}) (map[string]int32, error) {
	names := make([]string, 0, len(topics))
	for t := range topics {
		names = append(names, t)
	}
	slices.Sort(names)
	counts := make(map[string]int32, len(names))
	if len(names) == 0 {
		return counts, nil
	}
	meta, err := m.c.client.Metadata(ctx, &kafka.MetadataRequest{Topics: names})
	if err != nil {
		return nil, fmt.Errorf("read metadata of %s: %w", strings.Join(names, ", "), err)
	}
	for _, t := range meta.Topics {
		if t.Error == nil && len(t.Partitions) > 0 {
			counts[t.Name] = int32(len(t.Partitions))
		}
	}
	return counts, nil
}

// partitionCheckInterval is how often a leader checks whether the topics
// it balanced gained partitions.
const partitionCheckInterval = 5 * time.Second

// partitionsChanged reports whether a topic the leader balanced now has
// another partition count.
func (m *groupMember) partitionsChanged(ctx context.Context) bool {
	topics := make(map[string]struct{}, len(m.balanced))
	for t := range m.balanced {
		topics[t] = struct{}{}
	}
	reqCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	counts, err := m.partitionCounts(reqCtx, topics)
	if err != nil {
		return false
	}
	for t, n := range m.balanced {
		if got, ok := counts[t]; ok && got != n {
			return true
		}
	}
	return false
}
