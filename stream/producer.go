package stream

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// Message is one record to produce.
type Message struct {
	Key   []byte
	Value []byte
	Time  time.Time
}

// Delivery reports what became of one Message.
type Delivery struct {
	// Partition is where the message was (or would have been) written.
	Partition int
	// Offset is the message's offset; valid only when Err is nil.
	Offset int64
	// Err is nil when the broker acknowledged the message.
	Err error
}

// ProducerConfig configures a Producer.
type ProducerConfig struct {
	Conn  Connection
	Topic string
	// Retries is how many times a failed partition batch is re-sent before
	// giving up. Default: 5.
	Retries int
	// Backoff is the pause before the first retry; it doubles on each
	// further retry, up to maxProduceBackoff. Default: 100ms.
	Backoff time.Duration
}

// maxProduceBackoff bounds the pause between re-sends of a batch.
const maxProduceBackoff = 5 * time.Second

// Producer writes messages synchronously, partitioned by the CRC32 of the
// key exactly as librdkafka's default partitioner does, and reports the
// offset of every acknowledged message.
//
// It sends each partition's share of a Send call as one produce request
// (acks=all) straight to kafka-go's Client rather than through kafka.Writer:
// the writer holds batches for BatchTimeout and reports offsets only through
// a callback, while a synchronous request gives the exact offset of every
// acknowledged record, and no record is reported as delivered that was not.
type Producer struct {
	cfg        ProducerConfig
	client     *kafka.Client
	partitions int
	parts      []int // 0 … partitions-1, for the balancer
	balancer   kafka.CRC32Balancer
}

// NewProducer connects to the cluster and reads the topic's partition count.
func NewProducer(ctx context.Context, cfg ProducerConfig) (*Producer, error) {
	if err := cfg.Conn.Validate(); err != nil {
		return nil, err
	}
	if cfg.Topic == "" {
		return nil, errors.New("producer: no topic")
	}
	if cfg.Retries == 0 {
		cfg.Retries = 5
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 100 * time.Millisecond
	}
	n, err := cfg.Conn.Partitions(ctx, cfg.Topic)
	if err != nil {
		return nil, err
	}
	parts := make([]int, n)
	for i := range parts {
		parts[i] = i
	}
	return &Producer{cfg: cfg, client: cfg.Conn.Client(), partitions: n, parts: parts}, nil
}

// Partitions returns the topic's partition count.
func (p *Producer) Partitions() int { return p.partitions }

// Topic returns the topic written to.
func (p *Producer) Topic() string { return p.cfg.Topic }

// PartitionFor returns the partition a non-empty key lands on: CRC32 (IEEE)
// of the key modulo the partition count, like librdkafka's consistent
// partitioners. The producer partitions with it.
func PartitionFor(key []byte, partitions int) int {
	return int(crc32.ChecksumIEEE(key) % uint32(partitions))
}

// partition is librdkafka's "consistent_random": PartitionFor, or a random
// partition for an empty key (kafka-go's CRC32Balancer).
func (p *Producer) partition(key []byte) int {
	if len(key) == 0 {
		return p.balancer.Balance(kafka.Message{}, p.parts...)
	}
	return PartitionFor(key, p.partitions)
}

// Send writes msgs and waits for the broker's acknowledgement. It returns one
// Delivery per message, in order, and the first error (messages of partitions
// that failed carry that error in their Delivery). out is reused if large
// enough.
func (p *Producer) Send(ctx context.Context, msgs []Message, out []Delivery) ([]Delivery, error) {
	if cap(out) < len(msgs) {
		out = make([]Delivery, len(msgs))
	}
	out = out[:len(msgs)]
	byPartition := make([][]int, p.partitions)
	for i, m := range msgs {
		part := p.partition(m.Key)
		byPartition[part] = append(byPartition[part], i)
		out[i] = Delivery{Partition: part, Offset: -1}
	}
	var wg sync.WaitGroup
	errs := make([]error, p.partitions)
	for part, idx := range byPartition {
		if len(idx) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			base, err := p.produce(ctx, part, msgs, idx)
			errs[part] = err
			for j, i := range idx {
				if err != nil {
					out[i].Err = err
					continue
				}
				out[i].Offset = base + int64(j)
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func (p *Producer) produce(ctx context.Context, part int, msgs []Message, idx []int) (int64, error) {
	records := make([]kafka.Record, len(idx))
	// One allocation for all keys and values rather than two per record.
	readers := make([]bytesReader, 2*len(idx))
	backoff := newBackoff(p.cfg.Backoff, max(p.cfg.Backoff, maxProduceBackoff))
	for attempt := 0; ; attempt++ {
		for j, i := range idx {
			m := msgs[i]
			records[j] = kafka.Record{Time: m.Time, Key: readers[2*j].reset(m.Key), Value: readers[2*j+1].reset(m.Value)}
		}
		resp, err := p.client.Produce(ctx, &kafka.ProduceRequest{
			Topic:        p.cfg.Topic,
			Partition:    part,
			RequiredAcks: kafka.RequireAll,
			Records:      kafka.NewRecordReader(records...),
		})
		if err == nil && resp.Error != nil {
			err = resp.Error
		}
		if err == nil && len(resp.RecordErrors) > 0 {
			for _, rerr := range resp.RecordErrors {
				err = rerr
				break
			}
		}
		if err == nil {
			return resp.BaseOffset, nil
		}
		if ctx.Err() != nil {
			return -1, fmt.Errorf("produce to %s [%d]: %w", p.cfg.Topic, part, ctx.Err())
		}
		if attempt >= p.cfg.Retries || !retriable(err) {
			return -1, fmt.Errorf("produce to %s [%d] after %d attempts: %w", p.cfg.Topic, part, attempt+1, err)
		}
		if !sleep(ctx, backoff.next()) {
			return -1, fmt.Errorf("produce to %s [%d]: %w", p.cfg.Topic, part, ctx.Err())
		}
	}
}

// bytesReader is kafka-go's protocol.Bytes over a byte slice, like
// kafka.NewBytes but reusable.
type bytesReader struct {
	b   []byte
	off int
}

// reset points r at b and returns it as kafka.Bytes (nil for a nil b, a
// null key or value).
func (r *bytesReader) reset(b []byte) kafka.Bytes {
	if b == nil {
		return nil
	}
	r.b, r.off = b, 0
	return r
}

func (r *bytesReader) Len() int { return len(r.b) - r.off }

func (r *bytesReader) Read(p []byte) (int, error) {
	if r.off >= len(r.b) {
		return 0, io.EOF
	}
	n := copy(p, r.b[r.off:])
	r.off += n
	return n, nil
}

func (r *bytesReader) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(r.b[r.off:])
	r.off += n
	return int64(n), err
}

func (r *bytesReader) Close() error { return nil }

// retriable reports whether a produce error may succeed when re-sent.
func retriable(err error) bool {
	var kerr kafka.Error
	if errors.As(err, &kerr) {
		return kerr.Temporary()
	}
	return true // network errors: the broker may come back
}

// Close releases the producer's connections.
func (p *Producer) Close() error {
	closeClient(p.client)
	return nil
}
