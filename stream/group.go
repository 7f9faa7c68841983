package stream

// Membership in a consumer group, following the Kafka consumer protocol as
// Kafka's own clients do, so that kafkaplot shares a group with librdkafka,
// Java, franz-go or another kafkaplot: JoinGroup (KIP-394 member ids),
// SyncGroup, Heartbeat, OffsetFetch and OffsetCommit with the generation and
// member id, and LeaveGroup, on kafka-go's transport (see groupwire.go). The
// protocol's data (subscriptions and assignments of every version) and the
// assignors (range, roundrobin, cooperative-sticky with KIP-429 incremental
// rebalancing) are franz-go's.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// consumerProtocol is the protocol type of consumer groups.
const consumerProtocol = "consumer"

// errRejoin is a sync cut short by another rebalance: join again at once.
var errRejoin = errors.New("group rebalancing again")

// fatalGroupError marks a refusal that retrying cannot cure.
type fatalGroupError struct{ err error }

func (e fatalGroupError) Error() string { return e.err.Error() }
func (e fatalGroupError) Unwrap() error { return e.err }

// memberState is what the group last told this member.
type memberState struct {
	memberID   string
	generation int32 // -1 before the first join
	protocol   string
	leader     string
	assigned   []int // sorted; the partitions fetched now
	// rejoining is set through an eager round, from giving up every
	// partition before the join to the new assignment: watch reports the
	// round's outcome, not the empty assignment between (a partition given
	// back in the same round was never lost).
	rejoining bool
}

// groupMember is a Consumer's membership in its group: it joins, syncs,
// heartbeats and leaves, balances the group when it leads it, and starts
// and stops the partitions' fetchers as its assignment changes.
type groupMember struct {
	c         *Consumer
	balancers []kgo.GroupBalancer
	// fail stops the consumer with a fetcher's fatal error.
	fail context.CancelCauseFunc
	// changed wakes watch when the state changed.
	changed chan struct{}

	// Owned by run's goroutine.
	workers     map[int]*partitionWorker
	cooperative bool             // the group's protocol is cooperative
	balanced    map[string]int32 // partition counts the last balance (as leader) used
	status      string           // the consumer-wide condition last reported

	mu    sync.Mutex
	state memberState
}

func newGroupMember(c *Consumer, fail context.CancelCauseFunc) *groupMember {
	m := &groupMember{c: c, fail: fail, changed: make(chan struct{}, 1),
		workers: map[int]*partitionWorker{}, state: memberState{generation: -1}}
	for _, name := range c.cfg.Assignors {
		b, _ := balancerNamed(name) // checked by NewConsumer
		m.balancers = append(m.balancers, b)
	}
	return m
}

func (m *groupMember) snapshot() memberState {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state
}

// set changes the state quietly; update also wakes watch.
func (m *groupMember) set(f func(*memberState)) {
	m.mu.Lock()
	f(&m.state)
	m.mu.Unlock()
}

func (m *groupMember) update(f func(*memberState)) {
	m.set(f)
	select {
	case m.changed <- struct{}{}:
	default:
	}
}

// setStatus reports a consumer-wide condition when it changes; "" is healthy.
func (m *groupMember) setStatus(text string) {
	if text != m.status {
		m.status = text
		m.c.cfg.OnStatus(Status{Partition: -1, Text: text})
	}
}

// run is the member's life: join rounds and heartbeats until ctx is done or
// the group refuses this member for good. On the way out it commits what was
// handed on and leaves the group.
func (m *groupMember) run(ctx context.Context) error {
	defer m.leave()
	retry := newBackoff(100*time.Millisecond, 5*time.Second)
	for ctx.Err() == nil {
		again, err := m.round(ctx)
		if err == nil && !again {
			err = m.heartbeat(ctx)
		}
		if ctx.Err() != nil {
			return nil
		}
		if err == nil {
			retry = newBackoff(100*time.Millisecond, 5*time.Second)
			continue
		}
		var fatal fatalGroupError
		if errors.As(err, &fatal) {
			return fatal.err
		}
		wait := retry.next()
		m.setStatus(fmt.Sprintf("reconnecting in %s: %v", wait.Round(10*time.Millisecond), err))
		if !sleep(ctx, wait) {
			return nil
		}
	}
	return nil
}

// round joins the group, balances it when this member leads, syncs, and
// applies the assignment. It reports whether to rejoin at once: a
// cooperative member that gave up partitions rejoins so that the group can
// hand them on (KIP-429's second round).
func (m *groupMember) round(ctx context.Context) (rejoin bool, err error) {
	if !m.cooperative {
		// Eager: give up everything before joining.
		m.set(func(s *memberState) { s.rejoining = true })
		defer m.update(func(s *memberState) { s.rejoining = false })
		m.revoke(m.owned())
	}
	join, err := m.join(ctx)
	if err != nil {
		return false, err
	}
	protocol := ""
	if join.Protocol != nil {
		protocol = *join.Protocol
	}
	balancer := m.balancer(protocol)
	if balancer == nil {
		return false, fmt.Errorf("join group %s: the broker chose assignor %q, which this consumer did not offer", m.c.cfg.Group, protocol)
	}
	if !balancer.IsCooperative() && m.cooperative {
		// The group went from cooperative to eager: what this member
		// kept while joining may be assigned elsewhere now.
		m.revoke(m.owned())
	}
	m.cooperative = balancer.IsCooperative()
	m.set(func(s *memberState) {
		s.memberID, s.generation, s.protocol, s.leader = join.MemberID, join.Generation, protocol, join.LeaderID
	})

	var plan []kmsg.SyncGroupRequestGroupAssignment
	if join.LeaderID == join.MemberID {
		if plan, err = m.balance(ctx, balancer, join.Members); err != nil {
			return false, fmt.Errorf("balance group %s: %w", m.c.cfg.Group, err)
		}
	}
	assignment, err := m.sync(ctx, join, protocol, plan)
	if errors.Is(err, errRejoin) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	parsed := map[string][]int32{}
	if len(assignment) > 0 {
		if parsed, err = balancer.ParseSyncAssignment(assignment); err != nil {
			return false, fmt.Errorf("sync group %s: read assignment: %w", m.c.cfg.Group, err)
		}
	}
	assigned := make([]int, 0, len(parsed[m.c.cfg.Topic]))
	for _, p := range parsed[m.c.cfg.Topic] {
		assigned = append(assigned, int(p))
	}
	slices.Sort(assigned)
	assigned = slices.Compact(assigned)

	owned := m.owned()
	revoked := without(owned, assigned)
	m.revoke(revoked)
	err = m.start(ctx, without(assigned, owned))
	m.update(func(s *memberState) { s.assigned = m.owned() })
	if err != nil {
		return false, err
	}
	m.setStatus("")
	return m.cooperative && len(revoked) > 0, nil
}

func (m *groupMember) balancer(protocol string) kgo.GroupBalancer {
	for _, b := range m.balancers {
		if b.ProtocolName() == protocol {
			return b
		}
	}
	return nil
}

// owned returns the partitions being fetched, sorted.
func (m *groupMember) owned() []int {
	owned := make([]int, 0, len(m.workers))
	for p := range m.workers {
		owned = append(owned, p)
	}
	slices.Sort(owned)
	return owned
}

// without returns the elements of sorted a that are not in sorted b.
func without(a, b []int) []int {
	var out []int
	for _, x := range a {
		if _, found := slices.BinarySearch(b, x); !found {
			out = append(out, x)
		}
	}
	return out
}

// joinRequestTimeout bounds a JoinGroup, which the coordinator holds until
// every member rejoined or the longest rebalance timeout passed (librdkafka
// and Java use max.poll.interval.ms, 5 minutes by default).
const joinRequestTimeout = 6 * time.Minute

// join sends JoinGroup until the coordinator answers with a generation.
func (m *groupMember) join(ctx context.Context) (*kmsg.JoinGroupResponse, error) {
	cfg := &m.c.cfg
	st := m.snapshot()
	owned := map[string][]int32{}
	if m.cooperative {
		for _, p := range m.owned() {
			owned[cfg.Topic] = append(owned[cfg.Topic], int32(p))
		}
	}
	req := kmsg.NewPtrJoinGroupRequest()
	req.Group = cfg.Group
	req.SessionTimeoutMillis = int32(cfg.Session.Milliseconds())
	req.RebalanceTimeoutMillis = int32(cfg.Rebalance.Milliseconds())
	req.MemberID = st.memberID
	req.ProtocolType = consumerProtocol
	for _, b := range m.balancers {
		p := kmsg.NewJoinGroupRequestProtocol()
		p.Name = b.ProtocolName()
		p.Metadata = b.JoinGroupMetadata([]string{cfg.Topic}, owned, st.generation)
		req.Protocols = append(req.Protocols, p)
	}
	for {
		reqCtx, cancel := context.WithTimeout(ctx, joinRequestTimeout)
		resp, err := groupRequest[*kmsg.JoinGroupResponse](reqCtx, m.c.client, m.c.clientID, cfg.Group, req)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("join group %s: %w", cfg.Group, err)
		}
		switch code := kafka.Error(resp.ErrorCode); code {
		case 0:
			return resp, nil
		case kafka.MemberIDRequired:
			// KIP-394: join again with the member id the coordinator gave.
			req.MemberID = resp.MemberID
			m.set(func(s *memberState) { s.memberID = resp.MemberID })
		case kafka.UnknownMemberId:
			req.MemberID = ""
			m.set(func(s *memberState) { s.memberID, s.generation = "", -1 })
		case kafka.InconsistentGroupProtocol:
			return nil, fatalGroupError{m.mismatch(ctx)}
		case kafka.InvalidSessionTimeout:
			return nil, fatalGroupError{fmt.Errorf("join group %s: session timeout %s is outside what the broker allows (group.min/max.session.timeout.ms): %w", cfg.Group, cfg.Session, code)}
		case kafka.GroupAuthorizationFailed, kafka.InvalidGroupId, kafka.GroupMaxSizeReached:
			return nil, fatalGroupError{fmt.Errorf("join group %s: %w", cfg.Group, code)}
		default:
			return nil, fmt.Errorf("join group %s: %w", cfg.Group, code)
		}
	}
}

// mismatch describes the group to say what its members use.
func (m *groupMember) mismatch(ctx context.Context) error {
	e := &AssignorMismatchError{Group: m.c.cfg.Group, Ours: m.c.cfg.Assignors, Setting: m.c.cfg.AssignorSetting}
	reqCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if d, err := describeGroup(reqCtx, m.c.client, m.c.clientID, m.c.cfg.Group, m.c.cfg.Topic); err == nil {
		e.Theirs, e.ProtocolType = d.Protocol, d.ProtocolType
		for _, mb := range d.Members {
			e.Members = append(e.Members, strings.TrimSpace(mb.ClientID+" "+strings.TrimPrefix(mb.Host, "/")))
		}
	}
	return e
}

// sync sends SyncGroup (with the plan, when leading) and returns this
// member's encoded assignment.
func (m *groupMember) sync(ctx context.Context, join *kmsg.JoinGroupResponse, protocol string, plan []kmsg.SyncGroupRequestGroupAssignment) ([]byte, error) {
	group := m.c.cfg.Group
	req := kmsg.NewPtrSyncGroupRequest()
	req.Group, req.Generation, req.MemberID = group, join.Generation, join.MemberID
	req.ProtocolType, req.Protocol = kmsg.StringPtr(consumerProtocol), kmsg.StringPtr(protocol)
	req.GroupAssignment = plan
	reqCtx, cancel := context.WithTimeout(ctx, m.c.cfg.Session+m.c.cfg.Rebalance)
	defer cancel()
	resp, err := groupRequest[*kmsg.SyncGroupResponse](reqCtx, m.c.client, m.c.clientID, group, req)
	if err != nil {
		return nil, fmt.Errorf("sync group %s: %w", group, err)
	}
	switch code := kafka.Error(resp.ErrorCode); code {
	case 0:
		return resp.MemberAssignment, nil
	case kafka.RebalanceInProgress:
		return nil, errRejoin
	case kafka.UnknownMemberId, kafka.IllegalGeneration, kafka.FencedInstanceID:
		m.lose()
		return nil, fmt.Errorf("sync group %s: %w", group, code)
	default:
		return nil, fmt.Errorf("sync group %s: %w", group, code)
	}
}
