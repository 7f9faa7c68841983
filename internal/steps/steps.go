// Package steps encodes the sensor generator's steps (simulate.Event) as
// Kafka records and sends them with a stream.Producer, a batch at a time,
// reusing its buffers. It is shared by produce and the dashboard's
// generator; it does not choose when to send or print what was delivered.
package steps

import (
	"context"
	"fmt"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/simulate"
	"github.com/kafkaplot/kafkaplot/stream"
)

// Encoder frames sensor readings: schema.Encoder (Avro) or
// schema.ProtoSensorEncoder.
type Encoder interface {
	AppendSensor(dst []byte, s schema.Sensor) ([]byte, error)
}

// Batch is a run of generator steps encoded for one Producer.Send:
// the events' keys and values back to back in one buffer, reused from
// batch to batch.
type Batch struct {
	Steps      []int    // step of each event
	IDs        []string // sensor id of each event
	buf        []byte   // key, then value, of each event
	bounds     []int    // start of each key and value in buf, and the end
	msgs       []stream.Message
	Deliveries []stream.Delivery // Send's, one per event
	Err        error             // Send's error
}

// Reset empties the batch, keeping its buffers.
func (b *Batch) Reset() {
	b.Steps, b.IDs, b.buf, b.bounds, b.msgs = b.Steps[:0], b.IDs[:0], b.buf[:0], b.bounds[:0], b.msgs[:0]
	b.Deliveries, b.Err = b.Deliveries[:0], nil
}

// Len returns the events in the batch.
func (b *Batch) Len() int { return len(b.Steps) }

// Add encodes one step's events; on error the batch is unchanged.
func (b *Batch) Add(enc Encoder, events []simulate.Event) error {
	n, nb, nbuf := len(b.Steps), len(b.bounds), len(b.buf)
	for _, ev := range events {
		b.bounds = append(b.bounds, len(b.buf))
		b.buf = append(b.buf, ev.ID...)
		b.bounds = append(b.bounds, len(b.buf))
		var err error
		b.buf, err = enc.AppendSensor(b.buf, schema.Sensor{Timestamp: ev.Timestamp.UnixMilli(), ID: ev.ID, Value: ev.Value})
		if err != nil {
			b.Steps, b.IDs, b.bounds, b.msgs, b.buf = b.Steps[:n], b.IDs[:n], b.bounds[:nb], b.msgs[:n], b.buf[:nbuf]
			return fmt.Errorf("encode %s at step %d: %w", ev.ID, ev.Step, err)
		}
		b.Steps = append(b.Steps, ev.Step)
		b.IDs = append(b.IDs, ev.ID)
		b.msgs = append(b.msgs, stream.Message{Time: ev.Timestamp})
	}
	return nil
}

// Send writes the batch and waits for the acknowledgements, into
// Deliveries and Err. An interrupt must not hide which events the broker
// acknowledged, so the request finishes (bounded) even when ctx is
// cancelled.
func (b *Batch) Send(ctx context.Context, producer *stream.Producer) {
	bounds := append(b.bounds, len(b.buf))
	for i := range b.msgs {
		b.msgs[i].Key = b.buf[bounds[2*i]:bounds[2*i+1]]
		b.msgs[i].Value = b.buf[bounds[2*i+1]:bounds[2*i+2]]
	}
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	b.Deliveries, b.Err = producer.Send(sendCtx, b.msgs, b.Deliveries)
}

// Sender sends one generator step at a time and waits for it.
type Sender struct {
	Producer *stream.Producer
	Encoder  Encoder
	batch    Batch
}

// Send returns one delivery per event, in order, and the first error.
func (s *Sender) Send(ctx context.Context, events []simulate.Event) ([]stream.Delivery, error) {
	s.batch.Reset()
	if err := s.batch.Add(s.Encoder, events); err != nil {
		return nil, err
	}
	s.batch.Send(ctx, s.Producer)
	return s.batch.Deliveries, s.batch.Err
}
