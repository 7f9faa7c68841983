package stream

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
)

// partitionWorker fetches one assigned partition.
type partitionWorker struct {
	cancel context.CancelFunc
	done   chan struct{}
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
