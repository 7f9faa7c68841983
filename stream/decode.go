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

// decode turns a fetched message into r, a Record in place in the batch
// (grow), reading its plotted fields or, with Full, all of them. A registry outage pauses the
// partition here, retrying with backoff, rather than dropping the record.
func (c *Consumer) decode(ctx context.Context, partition int, msg *kafka.Message, r *Record) {
	r.Partition, r.Offset, r.Key, r.Time = partition, msg.Offset, msg.Key, msg.Time
	if len(msg.Value) == 0 {
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
			if rec, err = c.cfg.Decoder.Decode(ctx, msg.Value); err == nil {
				r.SchemaID, r.Fields = rec.SchemaID, &rec
			}
		} else if err = c.cfg.Decoder.DecodePlotted(ctx, msg.Value, &r.Plotted); err == nil {
			r.SchemaID = r.Plotted.SchemaID
		}
		if err == nil {
			r.Err = nil
			break
		}
		if id, _, herr := schema.ParseHeader(msg.Value); herr == nil {
			r.SchemaID = id // also of a record that cannot be decoded
		}
		r.Err = err
		if !schema.IsRetryable(err) || ctx.Err() != nil {
			break
		}
		paused = true
		wait := backoff.next()
		c.cfg.OnStatus(Status{Partition: partition, Registry: true, Err: err, Offset: msg.Offset, Text: fmt.Sprintf("paused at offset %d, registry unavailable, retrying in %s: %v", msg.Offset, wait.Round(10*time.Millisecond), err)})
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
