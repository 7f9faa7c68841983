package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/segmentio/kafka-go"
)

// This file reads spans of a partition's log whole, outside the group:
// every record between two offsets, or between the offsets of two times.
// A partition's history and a time range are both read through it. Nothing
// is sampled: a range too large to read in seconds is read in evenly spaced
// time slices, each one whole (see slicing).

// spanRecordBytes is the bytes a record is assumed to take in a fetch when
// sizing the fetches of a short span.
const spanRecordBytes = 256

// offsetSpan is the offsets [from, to) of one partition.
type offsetSpan struct{ from, to int64 }

func (s offsetSpan) len() int64 { return max(s.to-s.from, 0) }

// readSpan reads every record at offsets [sp.from, sp.to) of partition
// through sc (its fetcher when it has the connection under kafka-go's,
// readSpanWire), decoded as consumed records are, and passes them to sink in
// offset order, in chunks of at most handOnChunk that sink must not retain.
// It returns the offset after the last record read (sp.from if none): less
// than sp.to when ctx ended, sink failed (its error is returned) or the
// broker had nothing more to give at an offset (a gap at the log's end).
func (c *Consumer) readSpan(ctx context.Context, sc *spanConn, partition int, sp offsetSpan, sink func([]Record) error) (int64, error) {
	if sc.raw != nil {
		return c.readSpanWire(ctx, sc, partition, sp, sink)
	}
	conn := sc.Conn
	chunk := make([]Record, 0, min(handOnChunk, sp.len()))
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		err := sink(chunk)
		chunk = chunk[:0] // grow reuses each record's decoding buffers

		return err
	}
	// A short span (a time slice) is fetched with a buffer to its size, not
	// one of MaxBytes per fetch.
	maxBytes := int(min(int64(c.cfg.MaxBytes), max(64<<10, sp.len()*spanRecordBytes)))
	cursor, empty, progressed := sp.from, 0, time.Now()
	for cursor < sp.to && ctx.Err() == nil {
		if _, err := conn.Seek(cursor, kafka.SeekAbsolute|kafka.SeekDontCheck); err != nil {
			return cursor, fmt.Errorf("seek %s [%d] to %d: %w", c.cfg.Topic, partition, cursor, err)
		}
		if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
			return cursor, err
		}
		batch := conn.ReadBatchWith(kafka.ReadBatchConfig{MinBytes: 1, MaxBytes: maxBytes, MaxWait: 500 * time.Millisecond})
		read := 0
		var sinkErr error
		for sinkErr == nil {
			msg, err := batch.ReadMessage()
			if err != nil || msg.Offset >= sp.to {
				break
			}
			if msg.Offset < cursor {
				continue // the start of a compressed batch, before the seek
			}
			read++
			cursor = msg.Offset + 1
			var r *Record
			chunk, r = grow(chunk)
			c.decode(ctx, partition, &msg, r)
			if len(chunk) == cap(chunk) {
				sinkErr = flush()
			}
		}
		closeErr := batch.Close()
		if sinkErr != nil {
			return cursor, sinkErr
		}
		if closeErr != nil && !errors.Is(closeErr, io.EOF) && !isTimeout(closeErr) {
			flush()
			return cursor, fmt.Errorf("read %s [%d] at offset %d: %w", c.cfg.Topic, partition, cursor, closeErr)
		}
		if read > 0 {
			empty, progressed = 0, time.Now()
			continue
		}
		// Nothing at cursor: a gap of offsets at the log's end (control
		// records), or a broker too busy to answer within MaxWait. Give up
		// after a few tries once nothing came for spanStall, not spin.
		if empty++; empty >= 3 && time.Since(progressed) > spanStall {
			break
		}
	}
	return cursor, flush()
}

// spanStall is how long a span's read waits for a record at an offset
// before it takes the offsets left as holding none.
const spanStall = 5 * time.Second

// offsetAt returns the offset of partition's first record whose timestamp
// is at or after t, or end when there is none (ListOffsets by time).
func (c *Consumer) offsetAt(conn *kafka.Conn, partition int, t time.Time, end int64) (int64, error) {
	if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return 0, err
	}
	off, err := conn.ReadOffset(t)
	if err != nil {
		return 0, fmt.Errorf("find offset of %s in %s [%d]: %w", t.Format(time.RFC3339), c.cfg.Topic, partition, err)
	}
	if off < 0 || off > end {
		return end, nil
	}
	return off, nil
}

// Slicing says which part of a long time range is read: the first Slice of
// every Every, each slice whole. The zero Slicing reads the range whole.
type Slicing struct {
	Slice, Every time.Duration
}

// Whole reports whether the range is read whole.
func (s Slicing) Whole() bool { return s.Slice <= 0 || s.Every <= s.Slice }

// String says what is read, the slice and the span it is taken from in
// the same unit: "every record", "1 minute in 12", "2 seconds in 4".
func (s Slicing) String() string {
	if s.Whole() {
		return "every record"
	}
	unit, name := time.Second, "second"
	switch {
	case s.Slice%time.Hour == 0 && s.Every%time.Hour == 0:
		unit, name = time.Hour, "hour"
	case s.Slice%time.Minute == 0 && s.Every%time.Minute == 0:
		unit, name = time.Minute, "minute"
	case s.Slice%time.Second != 0:
		unit, name = time.Millisecond, "millisecond"
	}
	if s.Slice != unit {
		name += "s"
	}
	return fmt.Sprintf("%d %s in %d", s.Slice/unit, name, s.Every/unit)
}

// sliceSizes are the slice lengths slicing chooses from: round figures, so
// that the pane says "read 1 minute in 12".
var sliceSizes = []time.Duration{
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// maxSlices bounds the slices of a range, each costing a ListOffsets at
// both ends per partition.
const maxSlices = 200

// slicing returns how a range of length d holding records records is read
// within budget: whole when it fits, else one slice in k, k the least whole
// number that brings the records read within budget (if they are evenly
// spread in time), the slice a round length that cuts the range into at
// most maxSlices pieces.
func slicing(d time.Duration, records, budget int64) Slicing {
	if budget <= 0 || records <= budget || d <= 0 {
		return Slicing{}
	}
	k := (records + budget - 1) / budget
	least := time.Duration(int64(d) / (maxSlices * k))
	slice := sliceSizes[len(sliceSizes)-1]
	for _, s := range sliceSizes {
		if s >= least {
			slice = s
			break
		}
	}
	return Slicing{Slice: slice, Every: slice * time.Duration(k)}
}

// sliceSpans returns the offset spans of the slices of [from, to) within
// whole, the offsets of that time range on partition: one ListOffsets by
// time at each end of each slice, empty spans left out.
func (c *Consumer) sliceSpans(conn *kafka.Conn, partition int, from, to time.Time, s Slicing, whole offsetSpan) ([]offsetSpan, error) {
	if s.Whole() {
		if whole.len() == 0 {
			return nil, nil
		}
		return []offsetSpan{whole}, nil
	}
	var spans []offsetSpan
	for at := from; at.Before(to); at = at.Add(s.Every) {
		start, err := c.offsetAt(conn, partition, at, whole.to)
		if err != nil {
			return spans, err
		}
		stop := whole.to
		if end := at.Add(s.Slice); end.Before(to) {
			if stop, err = c.offsetAt(conn, partition, end, whole.to); err != nil {
				return spans, err
			}
		}
		sp := offsetSpan{from: max(start, whole.from), to: min(stop, whole.to)}
		if sp.len() > 0 {
			spans = append(spans, sp)
		}
	}
	return spans, nil
}
