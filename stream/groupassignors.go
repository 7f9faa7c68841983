package stream

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Partition assignment strategies (the consumer protocol's assignors), by
// the names all Kafka clients give them.
const (
	AssignorCooperativeSticky = "cooperative-sticky"
	AssignorRange             = "range"
	AssignorRoundRobin        = "roundrobin"
)

// DefaultAssignors is kafkaplot's order of preference, in librdkafka's
// partition.assignment.strategy syntax. The group uses the first of them
// that every member offers: range beside librdkafka's and Java's defaults,
// cooperative-sticky beside franz-go's or another kafkaplot.
const DefaultAssignors = "cooperative-sticky,range,roundrobin"

// ParseAssignors reads a list of assignors in librdkafka's
// partition.assignment.strategy syntax: names separated by commas, in order
// of preference.
func ParseAssignors(list string) ([]string, error) {
	var names []string
	for name := range strings.SplitSeq(list, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		switch {
		case name == "":
			return nil, fmt.Errorf("assignors %q: empty name", list)
		case slices.Contains(names, name):
			return nil, fmt.Errorf("assignors %q: %s twice", list, name)
		}
		if _, err := balancerNamed(name); err != nil {
			return nil, fmt.Errorf("assignors %q: %w", list, err)
		}
		names = append(names, name)
	}
	return names, nil
}

func balancerNamed(name string) (kgo.GroupBalancer, error) {
	switch name {
	case AssignorCooperativeSticky:
		return kgo.CooperativeStickyBalancer(), nil
	case AssignorRange:
		return kgo.RangeBalancer(), nil
	case AssignorRoundRobin:
		return kgo.RoundRobinBalancer(), nil
	}
	return nil, fmt.Errorf("unknown assignor %q: want %s, %s or %s", name, AssignorCooperativeSticky, AssignorRange, AssignorRoundRobin)
}

// AssignorMismatchError reports a group whose members offer no partition
// assignment strategy that this consumer offers, so the broker refuses to
// let it join (InconsistentGroupProtocol).
type AssignorMismatchError struct {
	Group string
	// Ours are the assignors this consumer offered.
	Ours []string
	// Theirs is the protocol the group uses, as the broker describes it;
	// empty if it did not say.
	Theirs string
	// ProtocolType is the group's protocol type when it is not a consumer
	// group (a Connect cluster's, say).
	ProtocolType string
	// Members names the group's members by client id and host.
	Members []string
	// Setting names where the user chooses this consumer's assignors.
	Setting string
}

func (e *AssignorMismatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "join group %s: no partition assignment strategy in common with its members", e.Group)
	if len(e.Members) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(e.Members, ", "))
	}
	switch {
	case e.ProtocolType != "" && e.ProtocolType != consumerProtocol:
		fmt.Fprintf(&b, ": the group is a %q group, not a consumer group", e.ProtocolType)
	case e.Theirs != "":
		fmt.Fprintf(&b, ": they use %s", e.Theirs)
	default:
		b.WriteString(": they offer none of ours")
	}
	fmt.Fprintf(&b, ", kafkaplot offers %s", strings.Join(e.Ours, ","))
	setting := cmp.Or(e.Setting, "the consumer's assignors")
	fmt.Fprintf(&b, "; set %s to one they offer (or add one of ours to theirs), or use another group id", setting)
	return b.String()
}
