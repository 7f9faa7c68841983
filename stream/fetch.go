package stream

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/segmentio/kafka-go"
)

// consumePartition fetches one partition for the life of a generation,
// reconnecting after errors, and commits what was handed on. Its history
// is read beside it (begin) and stopped with it; a history's handler error
// stops it as its own does.
func (c *Consumer) consumePartition(parent context.Context, commit commitFunc, partition int, offset int64) error {
	ctx, cancel := context.WithCancelCause(parent)
	st := partitionStart{fail: cancel}
	err := c.fetchPartition(ctx, commit, partition, offset, &st)
	cancel(nil)
	st.history.Wait()
	if fatal := (handlerError{}); errors.As(context.Cause(ctx), &fatal) {
		return fatal.err
	}
	return err
}

// fetchPartition is consumePartition's fetching.
func (c *Consumer) fetchPartition(ctx context.Context, commit commitFunc, partition int, offset int64, st *partitionStart) error {
	cm := committer{commit: commit, partition: partition, committed: offset, interval: c.cfg.CommitInterval}
	defer cm.flush()
	backoff := newBackoff(100*time.Millisecond, 5*time.Second)
	for ctx.Err() == nil {
		next, err := c.fetchLoop(ctx, partition, offset, &cm, st)
		if next >= 0 {
			offset = next
		}
		if err == nil || ctx.Err() != nil {
			return nil
		}
		var fatal handlerError
		if errors.As(err, &fatal) {
			return fatal.err
		}
		if errors.Is(err, kafka.OffsetOutOfRange) {
			// The log was truncated, deleted or recreated: read it anew
			// from its start (or end) per the reset policy.
			if st.resetCause == "" {
				st.resetCause = fmt.Sprintf("offset %d out of range", offset)
			}
			offset = c.start
			continue
		}
		wait := backoff.next()
		c.cfg.OnStatus(Status{Partition: partition, Err: err, Offset: offset, Text: fmt.Sprintf("reconnecting in %s: %v", wait.Round(10*time.Millisecond), err)})
		if !sleep(ctx, wait) {
			return nil
		}
	}
	return nil
}

// fetchLoop reads from one connection until an error. It returns the next
// offset to read (-1 if unknown).
func (c *Consumer) fetchLoop(ctx context.Context, partition int, offset int64, cm *committer, st *partitionStart) (int64, error) {
	conn, raw, err := c.dialLeaderWire(ctx, partition)
	if err != nil {
		return -1, err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer func() {
		if stop() {
			conn.Close()
		}
	}()
	whence := kafka.SeekAbsolute
	switch offset {
	case kafka.FirstOffset:
		whence = kafka.SeekStart
		offset = 0
	case kafka.LastOffset:
		whence = kafka.SeekEnd
		offset = 0
	}
	next, err := conn.Seek(offset, whence)
	if err != nil {
		return -1, fmt.Errorf("seek %s [%d]: %w", c.cfg.Topic, partition, err)
	}
	if err := c.begin(ctx, conn, partition, next, st); err != nil {
		return next, err
	}
	c.cfg.OnPosition(partition, next)
	c.cfg.OnStatus(Status{Partition: partition})
	versions, err := conn.ApiVersions()
	if err != nil {
		return next, fmt.Errorf("read API versions of the leader of %s [%d]: %w", c.cfg.Topic, partition, err)
	}
	f, err := newWireFetcher(raw, versions, c.clientID, c.cfg.Topic, partition, c.cfg.MaxBytes, c.cfg.MaxWait)
	if err != nil {
		return next, err
	}
	batch := make([]Record, 0, handOnChunk)
	// handOn passes the records decoded so far on and moves next past them.
	handOn := func() error {
		if len(batch) == 0 {
			return nil
		}
		handed, err := c.handOn(ctx, batch)
		if handed > 0 {
			next = batch[handed-1].Offset + 1
			cm.handedOn(next)
			c.cfg.OnPosition(partition, next)
		}
		batch = batch[:0]
		return err
	}
	add := func(w *wireRecord) error {
		var r *Record
		batch, r = grow(batch)
		c.decodeRecord(ctx, partition, w.Offset, w.Time, w.Key, w.Value, r)
		if len(batch) == cap(batch) {
			return handOn()
		}
		return nil
	}
	var br batchReader
	caughtUp := false
	if err := f.send(next, c.cfg.MaxWait); err != nil {
		return next, err
	}
	for {
		got, err := f.receive()
		if err != nil {
			return next, err
		}
		// The next fetch is asked for before this one's records are
		// decoded, so that the broker prepares it meanwhile. After records
		// it waits at most CommitInterval: if none follow (caught up), its
		// empty answer commits them then, not MaxWait later.
		wait := c.cfg.MaxWait
		if got.Next > got.Offset || cm.pending != cm.committed {
			wait = c.cfg.CommitInterval
		}
		if err := f.send(got.Next, wait); err != nil {
			return next, err
		}
		if err := br.each(got.Batches, got.Offset, add); err != nil {
			return next, err
		}
		if err := handOn(); err != nil {
			return next, err
		}
		if got.Next > next {
			// Offsets past the last record handed on (compacted away, or a
			// control batch's) are read too.
			next = got.Next
			cm.handedOn(next)
			c.cfg.OnPosition(partition, next)
		}
		// Reaching the high watermark after records behind it, or an empty
		// fetch, commits what is pending at once, so that a consumer that
		// has caught up (or is idle) reads no lag; records that keep coming
		// are committed every CommitInterval.
		wasCaughtUp := caughtUp
		caughtUp = got.Next >= got.High
		if got.Next == got.Offset || caughtUp && !wasCaughtUp {
			cm.flush()
		} else {
			cm.due()
		}
		if ctx.Err() != nil {
			return next, nil
		}
	}
}

// dialLeader connects to the leader of partition through the first broker
// that answers, each within the connection's RequestTimeout.
func (c *Consumer) dialLeader(ctx context.Context, partition int) (*kafka.Conn, error) {
	conn, _, err := c.dialLeaderWire(ctx, partition)
	return conn, err
}

// dialLeaderWire is dialLeader, also returning the connection under the
// kafka.Conn, for a wireFetcher.
func (c *Consumer) dialLeaderWire(ctx context.Context, partition int) (*kafka.Conn, net.Conn, error) {
	var raw net.Conn
	dialer := c.cfg.Conn.leaderDialer(&raw)
	var errs []error
	for _, b := range c.cfg.Conn.Brokers {
		dialCtx, cancel := context.WithTimeout(ctx, c.cfg.Conn.requestTimeout())
		conn, err := dialer.DialLeader(dialCtx, "tcp", b, c.cfg.Topic, partition)
		cancel()
		if err == nil {
			return conn, raw, nil
		}
		errs = append(errs, err)
	}
	return nil, nil, fmt.Errorf("connect to leader of %s [%d]: %w", c.cfg.Topic, partition, errors.Join(errs...))
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}
