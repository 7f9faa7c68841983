package stream

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// This file reads a partition's recent past when it becomes this consumer's,
// outside the group (nothing is committed), and notices a log that was
// reset under the consumer (truncated, deleted or recreated).

// DefaultHistoryBudget is the most records of a partition's history read
// whole when ConsumerConfig.HistoryBudget is zero; a history holding more is
// read in evenly spaced time slices, each whole.
const DefaultHistoryBudget = 20_000_000

// History is a part of a partition's recent past: the records of the span
// [From, To) of offsets, where To is the group's position when the partition
// became this consumer's. They were read outside the group; nothing of them
// was committed. A history comes in parts, in offset order, the last one
// Done, while the partition's live records are handed on.
type History struct {
	Partition int
	From, To  int64
	// Records are the next records of the span, in offset order: at most
	// a chunk, not to be retained.
	Records []Record
	// Read is how many offsets of the history are read so far, Records
	// included, of Total: To-From when it is read whole, the offsets of
	// its slices when it is not.
	Read, Total int64
	// Slicing says whether the span is read whole or in time slices.
	Slicing Slicing
	// Done marks the last part, which holds no records.
	Done bool
	// Err, on the last part, says why the history stopped short.
	Err error
}

// LogReset says a partition's log was truncated, deleted or recreated
// under this consumer: its position was past the log's end, before its
// start, or its last record read is no longer there. Reading goes on from
// From, per the reset policy.
type LogReset struct {
	Partition int
	From      int64
	// Cause says how the reset was noticed.
	Cause string
}

// handedOn is the last record of a partition this consumer handed on.
type handedOn struct {
	next int64     // the offset after it
	time time.Time // its timestamp
}

// positions remembers, per partition, the last record this consumer handed
// on, across generations: a partition taken back is filled from there, and a
// log whose record there changed was reset.
type positions struct {
	mu sync.Mutex
	by map[int]handedOn
}

func (p *positions) set(partition int, h handedOn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.by == nil {
		p.by = map[int]handedOn{}
	}
	p.by[partition] = h
}

func (p *positions) get(partition int) (handedOn, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	h, ok := p.by[partition]
	return h, ok
}

// partitionStart is what a partition's consumption needs to know on its
// first connection in a generation: whether it still has to read the
// history and notice a reset, whether a reset was already seen (an offset
// out of range) and is still to be reported, and the history's reading.
type partitionStart struct {
	begun      bool
	resetCause string
	// history is the reading of the partition's history, which goes on
	// beside the live records; fail stops the partition with the error of
	// a history's handler.
	history sync.WaitGroup
	fail    func(error)
}

// begin runs on each connection of a partition's assignment, once its
// position is found. The first time it reports a reset of the log (seen
// through an out-of-range offset, or noticed here by what this consumer read
// before) and starts handing on the partition's history up to position,
// beside the live records, on connections of its own. On a
// reconnect it reports a reset seen meanwhile, or checks that the log is
// still the one read before: a recreated log that grew past the position is
// an out-of-range error, so that reading starts again per the reset policy.
func (c *Consumer) begin(ctx context.Context, conn *kafka.Conn, partition int, position int64, st *partitionStart) (err error) {
	if st.begun {
		if st.resetCause != "" {
			c.reportReset(partition, position, st)
			return nil
		}
		// A reconnect: the log may have been recreated meanwhile and grown
		// past the position, which then means nothing in it.
		prev, known := c.handed.get(partition)
		if !known {
			return nil
		}
		cause := logChanged(conn, prev)
		if _, err := conn.Seek(position, kafka.SeekAbsolute|kafka.SeekDontCheck); err != nil {
			return err
		}
		if cause != "" {
			st.resetCause = cause
			return fmt.Errorf("%s [%d]: %s: %w", c.cfg.Topic, partition, cause, kafka.OffsetOutOfRange)
		}
		return nil
	}
	st.begun = true
	// What is read here moves the connection; reading goes on from position.
	defer func() {
		if _, serr := conn.Seek(position, kafka.SeekAbsolute|kafka.SeekDontCheck); serr != nil && err == nil {
			err = serr
		}
	}()
	prev, known := c.handed.get(partition)
	if known && st.resetCause == "" {
		st.resetCause = logChanged(conn, prev)
	}
	floor := int64(-1)
	if st.resetCause != "" {
		c.reportReset(partition, position, st)
	} else if known {
		// Taken back: what this consumer read before is drawn already.
		floor = prev.next
	}
	if c.cfg.History <= 0 || c.cfg.OnHistory == nil {
		return nil
	}
	since := time.Now().Add(-c.cfg.History)
	st.history.Go(func() {
		// On connections of its own, so that live records are handed on
		// while it is read.
		hconn, err := c.dialSpanConn(ctx, partition)
		if err == nil {
			stop := context.AfterFunc(ctx, func() { hconn.Close() })
			defer func() {
				if stop() {
					hconn.Close()
				}
			}()
		}
		if err = c.readHistory(ctx, hconn, partition, since, floor, position, err); err != nil {
			st.fail(err)
		}
	})
	return nil
}

func (c *Consumer) reportReset(partition int, from int64, st *partitionStart) {
	cause := st.resetCause
	st.resetCause = ""
	if c.cfg.OnReset != nil {
		c.cfg.OnReset(LogReset{Partition: partition, From: from, Cause: cause})
	}
}

// logChanged returns why the partition's log is not the one prev was read
// from, or "" if it still is: its end is before prev, or the record before
// prev.next is gone or has another timestamp.
func logChanged(conn *kafka.Conn, prev handedOn) string {
	first, last, err := conn.ReadOffsets()
	if err != nil {
		return ""
	}
	switch {
	case prev.next > last:
		return fmt.Sprintf("end of log %d before the position %d", last, prev.next)
	case prev.next-1 < first:
		return ""
	}
	if _, err := conn.Seek(prev.next-1, kafka.SeekAbsolute|kafka.SeekDontCheck); err != nil {
		return ""
	}
	batch := conn.ReadBatchWith(kafka.ReadBatchConfig{MinBytes: 1, MaxBytes: 1 << 20, MaxWait: time.Second})
	msg, err := batch.ReadMessage()
	batch.Close()
	if err != nil || msg.Offset != prev.next-1 {
		return ""
	}
	if !msg.Time.Equal(prev.time) {
		return fmt.Sprintf("the record at offset %d changed", msg.Offset)
	}
	return ""
}

// historyBudget returns the most records of a partition's history read whole.
func (c *Consumer) historyBudget() int64 {
	if c.cfg.HistoryBudget > 0 {
		return int64(c.cfg.HistoryBudget)
	}
	return DefaultHistoryBudget
}

// readHistory hands on, through OnHistory, partition's records with
// timestamps from since on, at offsets from floor (if >= 0) up to position,
// read through conn and decoded as consumed records are. A history that holds more than the
// budget is read in time slices. Only OnHistory's errors are returned; a
// read error, or connErr (conn could not be had), ends the history, on its
// last part.
func (c *Consumer) readHistory(ctx context.Context, conn *spanConn, partition int, since time.Time, floor, position int64, connErr error) error {
	h := History{Partition: partition, From: position, To: position}
	emit := func() error {
		if err := c.cfg.OnHistory(ctx, h); err != nil {
			return handlerError{fmt.Errorf("handle history of %s [%d]: %w", c.cfg.Topic, partition, err)}
		}
		return nil
	}
	finish := func(err error) error {
		if ctx.Err() != nil {
			err = nil
		}
		if h.From >= h.To && err == nil {
			return nil
		}
		h.Records, h.Done, h.Err = nil, true, err
		return emit()
	}
	if connErr != nil {
		return finish(connErr)
	}
	from, err := c.offsetAt(conn.Conn, partition, since, position)
	if err != nil {
		return finish(err)
	}
	h.From = min(max(from, floor), position)
	if h.From >= position {
		return nil
	}
	h.Slicing = slicing(time.Since(since), position-h.From, c.historyBudget())
	spans, err := c.sliceSpans(conn.Conn, partition, since, time.Now(), h.Slicing, offsetSpan{from: h.From, to: position})
	if err != nil {
		return finish(err)
	}
	for _, sp := range spans {
		h.Total += sp.len()
	}
	var done int64 // offsets of the spans read whole
	for _, sp := range spans {
		// Offsets a span's read stops short of hold no record the broker
		// gives (control records of transactions): nothing is left there.
		_, err := c.readSpan(ctx, conn, partition, sp, func(chunk []Record) error {
			h.Records = chunk
			h.Read = done + chunk[len(chunk)-1].Offset + 1 - sp.from
			return emit()
		})
		var fatal handlerError
		if errors.As(err, &fatal) {
			return err
		}
		if err != nil || ctx.Err() != nil {
			return finish(err)
		}
		done += sp.len()
	}
	h.Read = h.Total
	return finish(nil)
}
