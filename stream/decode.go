package stream

import (
	"context"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/kafkaplot/kafkaplot/schema"
)

// handOnChunk is the most records passed to OnRecords at once: a fetch of
// MaxBytes holds up to a few hundred thousand records, and handing them on
// in chunks keeps the batch small, reused and warm in cache while the
// receiver works on one chunk as the next is decoded.
const handOnChunk = 1024

// handlerError marks an error from OnRecords, which stops the consumer.
type handlerError struct{ err error }

func (e handlerError) Error() string { return e.err.Error() }

// decode is decodeRecord of a message kafka-go read.
func (c *Consumer) decode(ctx context.Context, partition int, msg *kafka.Message, r *Record) {
	c.decodeRecord(ctx, partition, msg.Offset, msg.Time, msg.Key, msg.Value, r)
}

// decodeRecord turns a fetched record into r, a Record in place in the
// batch (grow), reading its plotted fields or, with Full, all of them. A
// registry outage pauses the partition here, retrying with backoff, rather
// than dropping the record.
func (c *Consumer) decodeRecord(ctx context.Context, partition int, offset int64, at time.Time, key, value []byte, r *Record) {
	r.Partition, r.Offset, r.Key, r.Time = partition, offset, key, at
	if len(value) == 0 {
		// kafka-go reads a null value and an empty one alike.
		r.Err = ErrEmptyValue
		return
	}
	backoff := newBackoff(200*time.Millisecond, 10*time.Second)
	paused := false
	for {
		var err error
		if c.cfg.Full {
			var rec schema.Record
			if rec, err = c.cfg.Decoder.Decode(ctx, value); err == nil {
				r.SchemaID, r.Fields = rec.SchemaID, &rec
			}
		} else if err = c.cfg.Decoder.DecodePlotted(ctx, value, &r.Plotted); err == nil {
			r.SchemaID = r.Plotted.SchemaID
		}
		if err == nil {
			r.Err = nil
			break
		}
		if id, _, herr := schema.ParseHeader(value); herr == nil {
			r.SchemaID = id // also of a record that cannot be decoded
		}
		r.Err = err
		if !schema.IsRetryable(err) || ctx.Err() != nil {
			break
		}
		paused = true
		wait := backoff.next()
		c.cfg.OnStatus(Status{Partition: partition, Registry: true, Err: err, Offset: offset, Text: fmt.Sprintf("paused at offset %d, registry unavailable, retrying in %s: %v", offset, wait.Round(10*time.Millisecond), err)})
		if !sleep(ctx, wait) {
			break
		}
	}
	if paused {
		c.cfg.OnStatus(Status{Partition: partition})
	}
}

// handOn passes batch to OnRecords and returns how many records it passed.
// A record whose decode was cut short by shutdown is not handed on, nor is
// anything after it, so its offset is not committed and the next run reads
// it again; the error is then the context's.
func (c *Consumer) handOn(ctx context.Context, batch []Record) (int, error) {
	var stopped error
	if ctx.Err() != nil {
		for i, r := range batch {
			if r.Err != nil && schema.IsRetryable(r.Err) {
				batch, stopped = batch[:i], ctx.Err()
				break
			}
		}
		if len(batch) == 0 {
			return 0, stopped
		}
	}
	if err := c.cfg.OnRecords(ctx, batch); err != nil {
		return 0, handlerError{fmt.Errorf("handle records of %s [%d]: %w", c.cfg.Topic, batch[0].Partition, err)}
	}
	last := &batch[len(batch)-1]
	c.handed.set(last.Partition, handedOn{next: last.Offset + 1, time: last.Time})
	c.lag.read(last.Partition, stamp{batch[0].Offset, batch[0].Time}, stamp{last.Offset, last.Time})
	return len(batch), stopped
}
