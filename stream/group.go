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
	"cmp"
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

// consumerProtocol is the protocol type of consumer groups.
const consumerProtocol = "consumer"

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
}

// partitionWorker fetches one assigned partition.
type partitionWorker struct {
	cancel context.CancelFunc
	done   chan struct{}
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

// start fetches partitions from their committed offsets.
func (m *groupMember) start(ctx context.Context, partitions []int) error {
	if len(partitions) == 0 {
		return nil
	}
	offsets, err := m.committed(ctx, partitions)
	if err != nil {
		return err
	}
	for _, p := range partitions {
		wctx, cancel := context.WithCancel(ctx)
		w := &partitionWorker{cancel: cancel, done: make(chan struct{})}
		m.workers[p] = w
		go func() {
			defer close(w.done)
			if err := m.c.consumePartition(wctx, m.commit, p, offsets[p]); err != nil {
				m.fail(err)
			}
		}()
	}
	return nil
}

// committed returns where each partition starts: its committed offset, or
// the reset position when it has none.
func (m *groupMember) committed(ctx context.Context, partitions []int) (map[int]int64, error) {
	reqCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	resp, err := m.c.client.OffsetFetch(reqCtx, &kafka.OffsetFetchRequest{GroupID: m.c.cfg.Group, Topics: map[string][]int{m.c.cfg.Topic: partitions}})
	if err == nil {
		err = resp.Error
	}
	if err != nil {
		return nil, fmt.Errorf("fetch committed offsets of group %s: %w", m.c.cfg.Group, err)
	}
	offsets := make(map[int]int64, len(partitions))
	for _, p := range partitions {
		offsets[p] = m.c.start
	}
	for _, p := range resp.Topics[m.c.cfg.Topic] {
		if p.Error != nil {
			return nil, fmt.Errorf("fetch committed offset of %s [%d]: %w", m.c.cfg.Topic, p.Partition, p.Error)
		}
		if p.CommittedOffset >= 0 {
			offsets[p.Partition] = p.CommittedOffset
		}
	}
	return offsets, nil
}

// revoke stops fetching partitions; each fetcher commits what it handed on
// before it returns.
func (m *groupMember) revoke(partitions []int) {
	for _, p := range partitions {
		m.workers[p].cancel()
	}
	for _, p := range partitions {
		<-m.workers[p].done
		delete(m.workers, p)
	}
	if len(partitions) > 0 {
		m.update(func(s *memberState) { s.assigned = m.owned() })
	}
}

// lose drops the membership after the coordinator forgot it: the
// partitions are someone else's by now, and the next join starts afresh.
func (m *groupMember) lose() {
	m.revoke(m.owned())
	m.update(func(s *memberState) { s.memberID, s.generation = "", -1 })
}

// commit commits a partition's offset with the current generation and
// member id, as the coordinator requires of group members.
func (m *groupMember) commit(partition int, offset int64) error {
	st := m.snapshot()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := m.c.client.OffsetCommit(ctx, &kafka.OffsetCommitRequest{
		GroupID:      m.c.cfg.Group,
		GenerationID: int(st.generation),
		MemberID:     st.memberID,
		Topics:       map[string][]kafka.OffsetCommit{m.c.cfg.Topic: {{Partition: partition, Offset: offset}}},
	})
	if err == nil {
		for _, ps := range resp.Topics {
			for _, p := range ps {
				err = cmp.Or(err, p.Error)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("commit offset %d of %s [%d]: %w", offset, m.c.cfg.Topic, partition, err)
	}
	return nil
}

// cooperativeFirstHeartbeat is how soon a cooperative member heartbeats
// after a round.
const cooperativeFirstHeartbeat = 100 * time.Millisecond

// partitionCheckInterval is how often a leader checks whether the topics
// it balanced gained partitions.
const partitionCheckInterval = 5 * time.Second

// heartbeat keeps the membership alive until the group rebalances (nil:
// rejoin) or ctx is done.
func (m *groupMember) heartbeat(ctx context.Context) error {
	cfg := &m.c.cfg
	// A cooperative rebalance often has a second round: the member that
	// gave partitions up rejoins right after its sync. The first heartbeat
	// comes early to notice it (as franz-go does).
	first := cfg.Heartbeat
	if m.cooperative {
		first = min(first, cooperativeFirstHeartbeat)
	}
	tick := time.NewTimer(first)
	defer tick.Stop()
	lastOK, lastCheck := time.Now(), time.Now()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			tick.Reset(cfg.Heartbeat)
		}
		st := m.snapshot()
		req := kmsg.NewPtrHeartbeatRequest()
		req.Group, req.Generation, req.MemberID = cfg.Group, st.generation, st.memberID
		reqCtx, cancel := context.WithTimeout(ctx, cfg.Session)
		resp, err := groupRequest[*kmsg.HeartbeatResponse](reqCtx, m.c.client, m.c.clientID, cfg.Group, req)
		cancel()
		if err == nil && resp.ErrorCode != 0 {
			err = kafka.Error(resp.ErrorCode)
		}
		switch {
		case err == nil:
			lastOK = time.Now()
			m.setStatus("")
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, kafka.RebalanceInProgress):
			return nil
		case errors.Is(err, kafka.UnknownMemberId), errors.Is(err, kafka.IllegalGeneration), errors.Is(err, kafka.FencedInstanceID):
			m.lose()
			return nil
		case time.Since(lastOK) > cfg.Session:
			// The coordinator has dropped this member by now.
			m.lose()
			return fmt.Errorf("heartbeat to group %s: %w", cfg.Group, err)
		default:
			m.setStatus(fmt.Sprintf("heartbeat failed, retrying: %v", err))
		}
		if st.leader == st.memberID && time.Since(lastCheck) >= partitionCheckInterval {
			lastCheck = time.Now()
			if m.partitionsChanged(ctx) {
				return nil // rejoin, so that the new partitions are assigned
			}
		}
	}
}

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

// leave commits what was handed on and leaves the group, so that the other
// members take over at once.
func (m *groupMember) leave() {
	m.revoke(m.owned())
	st := m.snapshot()
	if st.memberID == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	req := kmsg.NewPtrLeaveGroupRequest()
	req.Group, req.MemberID = m.c.cfg.Group, st.memberID
	leaving := kmsg.NewLeaveGroupRequestMember()
	leaving.MemberID = st.memberID
	req.Members = append(req.Members, leaving)
	// The member is gone either way: the coordinator drops it after the
	// session timeout if this request fails.
	groupRequest[*kmsg.LeaveGroupResponse](ctx, m.c.client, m.c.clientID, m.c.cfg.Group, req)
	m.update(func(s *memberState) { s.memberID, s.generation, s.assigned = "", -1, nil })
}

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
		if st.generation < 0 {
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
	d := groupDescription{State: g.State, ProtocolType: g.ProtocolType, Protocol: g.Protocol}
	for _, gm := range g.Members {
		mem := Member{MemberID: gm.MemberID, ClientID: gm.ClientID, Host: gm.ClientHost}
		if g.ProtocolType == consumerProtocol || g.ProtocolType == "" {
			mem.Partitions = assignedPartitions(gm.MemberAssignment, topic)
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
