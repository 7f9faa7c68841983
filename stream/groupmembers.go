package stream

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// membersRefresh is how often the group is described between rebalances,
// to see the other members' changes.
const membersRefresh = 2 * time.Second

// watch reports this member's generation and assignment with every member
// of the group, on each change and when the members' assignment changes.
func (m *groupMember) watch(ctx context.Context) {
	var last GroupEvent
	sent := false
	tick := time.NewTicker(membersRefresh)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.changed:
		case <-tick.C:
		}
		st := m.snapshot()
		if st.generation < 0 || st.rejoining {
			continue
		}
		ev := GroupEvent{Generation: int(st.generation), MemberID: st.memberID, Protocol: st.protocol,
			Assigned: slices.Clone(st.assigned), Members: last.Members}
		if ev.Assigned == nil {
			ev.Assigned = []int{}
		}
		reqCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
		if d, err := describeGroup(reqCtx, m.c.client, m.c.clientID, m.c.cfg.Group, m.c.cfg.Topic); err == nil {
			ev.Members = d.Members
		}
		cancel()
		if sent && sameEvent(ev, last) {
			continue
		}
		last, sent = ev, true
		m.c.cfg.OnGroup(ev)
	}
}

func sameEvent(a, b GroupEvent) bool {
	return a.Generation == b.Generation && a.MemberID == b.MemberID && a.Protocol == b.Protocol &&
		slices.Equal(a.Assigned, b.Assigned) && sameMembers(a.Members, b.Members)
}

func sameMembers(a, b []Member) bool {
	return slices.EqualFunc(a, b, func(x, y Member) bool {
		return x.MemberID == y.MemberID && x.ClientID == y.ClientID && x.Host == y.Host && slices.Equal(x.Partitions, y.Partitions)
	})
}

// groupDescription is a group as DescribeGroups describes it.
type groupDescription struct {
	State        string
	ProtocolType string
	Protocol     string
	Members      []Member
	// Generation is one past the newest generation a member's
	// subscription names (see joinedFrom), -1 if none names one.
	Generation int
}

// describeGroup describes a group, reading its members' assignments of
// topic whatever client wrote them (any version of the consumer protocol).
func describeGroup(ctx context.Context, client *kafka.Client, clientID, group, topic string) (groupDescription, error) {
	req := kmsg.NewPtrDescribeGroupsRequest()
	req.Groups = []string{group}
	resp, err := groupRequest[*kmsg.DescribeGroupsResponse](ctx, client, clientID, group, req)
	if err != nil {
		return groupDescription{}, fmt.Errorf("describe group %s: %w", group, err)
	}
	if len(resp.Groups) != 1 {
		return groupDescription{}, fmt.Errorf("describe group %s: %d groups in the answer", group, len(resp.Groups))
	}
	g := resp.Groups[0]
	if g.ErrorCode != 0 {
		return groupDescription{}, fmt.Errorf("describe group %s: %w", group, kafka.Error(g.ErrorCode))
	}
	d := groupDescription{State: g.State, ProtocolType: g.ProtocolType, Protocol: g.Protocol, Generation: -1}
	for _, gm := range g.Members {
		mem := Member{MemberID: gm.MemberID, ClientID: gm.ClientID, Host: gm.ClientHost}
		if g.ProtocolType == consumerProtocol || g.ProtocolType == "" {
			mem.Partitions = assignedPartitions(gm.MemberAssignment, topic)
			if from := joinedFrom(gm.ProtocolMetadata, g.Protocol); from >= 0 {
				d.Generation = max(d.Generation, from+1)
			}
		}
		d.Members = append(d.Members, mem)
	}
	slices.SortFunc(d.Members, func(a, b Member) int {
		if len(a.Partitions) > 0 && len(b.Partitions) > 0 {
			return a.Partitions[0] - b.Partitions[0]
		}
		if c := len(b.Partitions) - len(a.Partitions); c != 0 {
			return c
		}
		return cmp.Compare(a.MemberID, b.MemberID)
	})
	return d, nil
}

// joinedFrom returns the generation a member's subscription names, -1 if
// it names none: a member sends the generation it is in (-1 when new) with
// each JoinGroup, in the subscription from version 2 on (franz-go, Java,
// kafkaplot) or in the sticky assignors' user data (librdkafka too). Every
// generation ends with its members joining the next one, so the group's
// generation is one past the newest a member names, unless every member
// joined new.
func joinedFrom(metadata []byte, protocol string) int {
	var m kmsg.ConsumerMemberMetadata
	if len(metadata) == 0 || m.ReadFrom(metadata) != nil {
		return -1
	}
	gen := int32(-1)
	if m.Version >= 2 {
		gen = m.Generation
	}
	if protocol == "sticky" || protocol == "cooperative-sticky" {
		var sticky kmsg.StickyMemberMetadata
		if len(m.UserData) > 0 && sticky.ReadFrom(m.UserData) == nil {
			gen = max(gen, sticky.Generation)
		}
	}
	return int(gen)
}

// assignedPartitions decodes a consumer protocol assignment of any version
// (fields added after the versions known are ignored, as Kafka's decoder
// does) and returns its partitions of topic, sorted; nil if it does not
// decode.
func assignedPartitions(assignment []byte, topic string) []int {
	if len(assignment) == 0 {
		return nil
	}
	var a kmsg.ConsumerMemberAssignment
	if err := a.ReadFrom(assignment); err != nil {
		return nil
	}
	var parts []int
	for _, t := range a.Topics {
		if t.Topic == topic {
			for _, p := range t.Partitions {
				parts = append(parts, int(p))
			}
		}
	}
	slices.Sort(parts)
	return slices.Compact(parts)
}
