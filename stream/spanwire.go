package stream

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/segmentio/kafka-go"
)

// This file reads spans of a partition's log (histories, time ranges) the
// way the group's fetch loop reads it: Fetch requests on the connection
// under kafka-go's, the next in flight while the records of one are
// decoded, keys and values read where they lie in the response
// (wireFetcher, batchReader).

// spanConn is a leader connection spans are read through: kafka-go's for
// its requests (offsets by time, API versions), the connection under it
// for fetches, never both at once (a span's fetches are all answered
// before it returns).
type spanConn struct {
	*kafka.Conn
	raw   net.Conn
	fetch *wireFetcher // made on the first span read; nil until then
}

// dialSpanConn connects to the leader of partition for reading spans.
func (c *Consumer) dialSpanConn(ctx context.Context, partition int) (*spanConn, error) {
	conn, raw, err := c.dialLeaderWire(ctx, partition)
	if err != nil {
		return nil, err
	}
	return &spanConn{Conn: conn, raw: raw}, nil
}

// fetcher returns the connection's fetcher, made on first use.
func (c *Consumer) fetcher(sc *spanConn, partition int) (*wireFetcher, error) {
	if sc.fetch != nil {
		return sc.fetch, nil
	}
	versions, err := sc.ApiVersions()
	if err != nil {
		return nil, err
	}
	f, err := newWireFetcher(sc.raw, versions, c.clientID, c.cfg.Topic, partition, c.cfg.MaxBytes, spanWait)
	if err != nil {
		return nil, err
	}
	sc.fetch = f
	return f, nil
}

// spanWait is how long a span's fetch waits for records: they are there
// already, but a busy broker may answer an early fetch empty.
const spanWait = 500 * time.Millisecond

// readSpanWire is readSpan through sc's fetcher.
func (c *Consumer) readSpanWire(ctx context.Context, sc *spanConn, partition int, sp offsetSpan, sink func([]Record) error) (int64, error) {
	f, err := c.fetcher(sc, partition)
	if err != nil {
		return sp.from, err
	}
	// A short span (a time slice) is fetched with a buffer to its size.
	f.maxBytes = int32(min(int64(min(c.cfg.MaxBytes, pipelinedFetchBytes)), max(64<<10, sp.len()*spanRecordBytes)))
	chunk := make([]Record, 0, min(handOnChunk, sp.len()))
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		err := sink(chunk)
		chunk = chunk[:0] // grow reuses each record's decoding buffers
		return err
	}
	cursor, empty, progressed := sp.from, 0, time.Now()
	add := func(w *wireRecord) error {
		if w.Offset >= sp.to {
			return errSpanEnd
		}
		cursor = w.Offset + 1
		var r *Record
		chunk, r = grow(chunk)
		c.decodeRecord(ctx, partition, w.Offset, w.Time, w.Key, w.Value, r)
		if len(chunk) == cap(chunk) {
			return flush()
		}
		return nil
	}
	var br batchReader
	if err := f.send(cursor, spanWait); err != nil {
		return cursor, err
	}
	// Every fetch sent is received, so that the connection stays in step.
	for inFlight := true; inFlight; {
		got, err := f.receive()
		inFlight = false
		if err != nil {
			return cursor, err
		}
		more := min(got.Next, sp.to) < sp.to && ctx.Err() == nil
		if more && got.Next > got.Offset {
			// The next fetch is asked for before this one's records are
			// decoded, so that the broker prepares it meanwhile.
			if err := f.send(got.Next, spanWait); err != nil {
				return cursor, err
			}
			inFlight = true
		}
		if err := br.each(got.Batches, max(got.Offset, cursor), add); err != nil && !errors.Is(err, errSpanEnd) {
			flush()
			drain(f, inFlight)
			return cursor, err
		}
		// The records of a response are handed on before the next is read:
		// their keys are views of it.
		if err := flush(); err != nil {
			drain(f, inFlight)
			return cursor, err
		}
		if got.Next > got.Offset {
			cursor = max(cursor, min(got.Next, sp.to))
			empty, progressed = 0, time.Now()
			continue
		}
		// Nothing at cursor: a gap of offsets at the log's end (control
		// records), or a broker too busy to answer. Give up after a few
		// tries once nothing came for spanStall, not spin.
		if empty++; !more || empty >= 3 && time.Since(progressed) > spanStall {
			break
		}
		if err := f.send(cursor, spanWait); err != nil {
			return cursor, err
		}
		inFlight = true
	}
	return cursor, flush()
}

// errSpanEnd stops a batch's records at the span's end.
var errSpanEnd = errors.New("end of span")

// drain reads the answer of a fetch in flight, if any, so that the
// connection can be used again.
func drain(f *wireFetcher, inFlight bool) {
	if inFlight {
		f.receive()
	}
}
