package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// This file reads a partition's recent past when it becomes this consumer's,
// outside the group (nothing is committed), and notices a log that was
// reset under the consumer (truncated, deleted or recreated).

// DefaultHistoryBudget is the most records of history read per partition
// when ConsumerConfig.HistoryBudget is zero.
const DefaultHistoryBudget = 2048

// History is the records of a partition's recent past: those of the span
// [From, To) of offsets, where To is the group's position when the partition
// became this consumer's. They were read outside the group; nothing of them
// was committed.
type History struct {
	Partition int
	From, To  int64
	// Records are the records read, in offset order: all of the span, or
	// an even sample of it when Sampled.
	Records []Record
	// Sampled says the span held more records than the budget and Records
	// are an even sample of it.
	Sampled bool
	// Err says why the history stopped short of To, nil if it did not.
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
// history and notice a reset, and whether a reset was already seen (an
// offset out of range) and is still to be reported.
type partitionStart struct {
	begun      bool
	resetCause string
}

// begin runs on each connection of a partition's assignment, once its
// position is found. The first time it reports a reset of the log (seen
// through an out-of-range offset, or noticed here by what this consumer read
// before) and hands on the partition's history up to position. On a
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
	h, herr := c.readHistory(ctx, conn, partition, time.Now().Add(-c.cfg.History), floor, position)
	if ctx.Err() == nil {
		h.Err = herr
	}
	if len(h.Records) > 0 || h.Err != nil {
		if err := c.cfg.OnHistory(ctx, h); err != nil {
			return handlerError{fmt.Errorf("handle history of %s [%d]: %w", c.cfg.Topic, partition, err)}
		}
	}
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

// budget returns the most records of history read per partition.
func (c *Consumer) budget() int {
	if c.cfg.HistoryBudget > 0 {
		return c.cfg.HistoryBudget
	}
	return DefaultHistoryBudget
}

// readHistory reads partition's records with timestamps from since on,
// at offsets from floor (if >= 0) up to position, through conn, decoded as
// consumed records are. Past the budget it reads an even sample (see
// sampleOffsets). It returns what it read before an error too.
func (c *Consumer) readHistory(ctx context.Context, conn *kafka.Conn, partition int, since time.Time, floor, position int64) (History, error) {
	h := History{Partition: partition, From: position, To: position}
	from, err := conn.ReadOffset(since)
	if err != nil {
		return h, fmt.Errorf("find offset of %s in %s [%d]: %w", since.Format(time.RFC3339), c.cfg.Topic, partition, err)
	}
	if from < 0 || from > position {
		from = position // no record that recent
	}
	from = max(from, floor)
	h.From = from
	if from >= position {
		return h, nil
	}
	targets := sampleOffsets(from, position, c.budget())
	h.Sampled = targets != nil
	return c.readSpan(ctx, conn, &h, targets)
}

// sampleOffsets returns at most budget offsets evenly spread over [from,
// to), ending with to-1, or nil when the span holds no more than budget
// offsets (read them all). The stride between them is a prime, so that
// series whose records take turns in the log (sensor0..3, then again) are
// sampled in turn too, each at an even spacing, unless their number is a
// multiple of the stride.
func sampleOffsets(from, to int64, budget int) []int64 {
	n := to - from
	if budget <= 0 || n <= int64(budget) {
		return nil
	}
	stride := nextPrime((n + int64(budget) - 1) / int64(budget))
	count := (n + stride - 1) / stride
	out := make([]int64, count)
	for i := range count {
		out[i] = to - 1 - (count-1-i)*stride
	}
	return out
}

// nextPrime returns the smallest prime at least n (n >= 2).
func nextPrime(n int64) int64 {
	for ; ; n++ {
		prime := n >= 2
		for d := int64(2); d*d <= n && prime; d++ {
			prime = n%d != 0
		}
		if prime {
			return n
		}
	}
}

// sparseRead is the stride (offsets between samples) above which a sample
// is fetched alone, with a seek, rather than read through.
const sparseRead = 64

// readSpan reads the records of [h.From, h.To) into h.Records: every one,
// or with targets the first record at or after each target.
func (c *Consumer) readSpan(ctx context.Context, conn *kafka.Conn, h *History, targets []int64) (History, error) {
	maxBytes := c.cfg.MaxBytes
	if targets != nil && (h.To-h.From)/int64(len(targets)) > sparseRead {
		maxBytes = min(maxBytes, 256<<10)
	}
	capacity := int(h.To - h.From)
	if targets != nil {
		capacity = len(targets)
	}
	h.Records = make([]Record, 0, capacity)
	cursor, k := h.From, 0
	empty := 0
	for cursor < h.To && ctx.Err() == nil {
		if targets != nil {
			if k == len(targets) {
				break
			}
			if targets[k]-cursor > sparseRead {
				cursor = targets[k]
			}
		}
		if _, err := conn.Seek(cursor, kafka.SeekAbsolute|kafka.SeekDontCheck); err != nil {
			return *h, fmt.Errorf("seek %s [%d] to %d: %w", c.cfg.Topic, h.Partition, cursor, err)
		}
		if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
			return *h, err
		}
		batch := conn.ReadBatchWith(kafka.ReadBatchConfig{MinBytes: 1, MaxBytes: maxBytes, MaxWait: 500 * time.Millisecond})
		read := 0
		for {
			msg, err := batch.ReadMessage()
			if err != nil || msg.Offset >= h.To {
				break
			}
			read++
			cursor = msg.Offset + 1
			if targets != nil {
				if msg.Offset < targets[k] {
					continue
				}
				for k < len(targets) && targets[k] <= msg.Offset {
					k++
				}
			}
			h.Records = append(h.Records, Record{})
			c.decode(ctx, h.Partition, &msg, &h.Records[len(h.Records)-1])
			if targets != nil && k == len(targets) {
				break
			}
		}
		if err := batch.Close(); err != nil && !errors.Is(err, io.EOF) && !isTimeout(err) {
			return *h, fmt.Errorf("read history of %s [%d] at %d: %w", c.cfg.Topic, h.Partition, cursor, err)
		}
		if read == 0 {
			// Nothing at cursor (a gap in the offsets, or the broker had
			// nothing to say): give up after a few tries rather than spin.
			if empty++; empty == 3 {
				break
			}
		} else {
			empty = 0
		}
	}
	return *h, nil
}
