package stream

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// cooperativeFirstHeartbeat is how soon a cooperative member heartbeats
// after a round.
const cooperativeFirstHeartbeat = 100 * time.Millisecond

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
