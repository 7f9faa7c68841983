package stream

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// pipelinedFetchBytes bounds a fetch of the group's fetch loop: with the
// next fetch in flight while one is decoded, a larger one only holds more
// memory (a response buffer per partition) and reads no faster.
const pipelinedFetchBytes = 1 << 20

// Fetch versions the fetch loop speaks: 4 brought record batches, 11 is
// the last that names topics by name and is not flexible.
const (
	minFetchVersion = 4
	maxFetchVersion = 11
)

// leaderDialer is Dialer, but it does TLS itself (as kafka-go would) so that
// it can keep the connection kafka-go then authenticates: after kafka-go's
// own requests (SASL, ApiVersions, offsets, history), the fetch loop speaks
// Fetch on it directly (wireFetcher). *last is the connection dialed last.
func (c Connection) leaderDialer(last *net.Conn) *kafka.Dialer {
	d := c.Dialer()
	plain, config := d.DialFunc, d.TLS
	d.TLS = nil
	d.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := plain(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if config != nil {
			cfg := config
			if cfg.ServerName == "" {
				cfg = config.Clone()
				cfg.ServerName = addr
				if i := strings.LastIndex(addr, ":"); i >= 0 {
					cfg.ServerName = addr[:i]
				}
			}
			tc := tls.Client(conn, cfg)
			if err := tc.HandshakeContext(ctx); err != nil {
				conn.Close()
				return nil, err
			}
			conn = tc
		}
		*last = conn
		return conn, nil
	}
	return d
}

// wireFetcher fetches one partition on a connection of its own, one fetch
// in flight while the records of the one before are handed on, and reads
// the records straight from the response (batchReader): no copy of a key or
// value, no allocation per record.
type wireFetcher struct {
	conn      net.Conn
	topic     string
	partition int32
	version   int16
	maxBytes  int32
	maxWait   time.Duration
	format    *kmsg.RequestFormatter
	corr      int32
	inFlight  []inFlight // oldest first
	req       []byte
	resp      []byte
}

// inFlight is a fetch sent and not yet read.
type inFlight struct {
	corr   int32
	offset int64
}

// fetched is one fetch's answer for the partition.
type fetched struct {
	// Offset is where the fetch started.
	Offset int64
	// Batches are the record batches returned, whole ones only.
	Batches []byte
	// Next is the offset after them (Offset when there are none).
	Next int64
	// High is the partition's high watermark as the fetch saw it.
	High int64
}

// newWireFetcher returns a fetcher on conn, which kafka-go dialed (and
// authenticated) and which it no longer uses; versions are the broker's.
func newWireFetcher(conn net.Conn, versions []kafka.ApiVersion, clientID, topic string, partition, maxBytes int, maxWait time.Duration) (*wireFetcher, error) {
	version := int16(-1)
	for _, v := range versions {
		if v.ApiKey == int16(kmsg.Fetch) {
			version = min(v.MaxVersion, maxFetchVersion)
		}
	}
	if version < minFetchVersion {
		return nil, fmt.Errorf("fetch %s [%d]: the broker speaks Fetch up to v%d; kafkaplot needs v%d (Kafka 0.11 or later)", topic, partition, version, minFetchVersion)
	}
	return &wireFetcher{
		conn: conn, topic: topic, partition: int32(partition), version: version,
		maxBytes: int32(min(maxBytes, pipelinedFetchBytes)), maxWait: maxWait,
		format: kmsg.NewRequestFormatter(kmsg.FormatterClientID(clientID)),
		corr:   1 << 30, // apart from kafka-go's ids on the same connection
	}, nil
}

// send asks for the records from offset on, the broker to wait at most
// wait (at most maxWait) for the first.
func (f *wireFetcher) send(offset int64, wait time.Duration) error {
	req := kmsg.NewPtrFetchRequest()
	req.SetVersion(f.version)
	req.ReplicaID = -1
	req.MaxWaitMillis = int32(min(wait, f.maxWait) / time.Millisecond)
	req.MinBytes = 1
	req.MaxBytes = f.maxBytes
	req.SessionEpoch = -1
	t := kmsg.NewFetchRequestTopic()
	t.Topic = f.topic
	p := kmsg.NewFetchRequestTopicPartition()
	p.Partition = f.partition
	p.FetchOffset = offset
	p.PartitionMaxBytes = f.maxBytes
	t.Partitions = append(t.Partitions, p)
	req.Topics = append(req.Topics, t)
	f.corr++
	f.req = f.format.AppendRequest(f.req[:0], req, f.corr)
	if err := f.conn.SetWriteDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return err
	}
	if _, err := f.conn.Write(f.req); err != nil {
		return fmt.Errorf("send fetch of %s [%d]: %w", f.topic, f.partition, err)
	}
	f.inFlight = append(f.inFlight, inFlight{corr: f.corr, offset: offset})
	return nil
}

// receive reads the answer to the oldest fetch in flight. What it returns
// is valid until the next receive.
func (f *wireFetcher) receive() (fetched, error) {
	if len(f.inFlight) == 0 {
		return fetched{}, errors.New("receive: no fetch in flight")
	}
	want := f.inFlight[0]
	f.inFlight = f.inFlight[:copy(f.inFlight, f.inFlight[1:])]
	if err := f.conn.SetReadDeadline(time.Now().Add(f.maxWait + 10*time.Second)); err != nil {
		return fetched{}, err
	}
	var head [8]byte
	if _, err := io.ReadFull(f.conn, head[:]); err != nil {
		return fetched{}, fmt.Errorf("read fetch response of %s [%d]: %w", f.topic, f.partition, err)
	}
	size := int(int32(binary.BigEndian.Uint32(head[:])))
	if corr := int32(binary.BigEndian.Uint32(head[4:])); corr != want.corr {
		return fetched{}, fmt.Errorf("read fetch response of %s [%d]: correlation id %d, want %d", f.topic, f.partition, corr, want.corr)
	}
	if size < 4 {
		return fetched{}, fmt.Errorf("read fetch response of %s [%d]: size %d", f.topic, f.partition, size)
	}
	if cap(f.resp) < size-4 {
		f.resp = make([]byte, size-4)
	}
	f.resp = f.resp[:size-4]
	if _, err := io.ReadFull(f.conn, f.resp); err != nil {
		return fetched{}, fmt.Errorf("read fetch response of %s [%d]: %w", f.topic, f.partition, err)
	}
	resp := kmsg.NewPtrFetchResponse()
	resp.SetVersion(f.version)
	if err := resp.ReadFrom(f.resp); err != nil {
		return fetched{}, fmt.Errorf("parse fetch response of %s [%d]: %w", f.topic, f.partition, err)
	}
	if resp.ErrorCode != 0 {
		return fetched{}, fmt.Errorf("fetch %s [%d]: %w", f.topic, f.partition, kafka.Error(resp.ErrorCode))
	}
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if t.Topic != f.topic || p.Partition != f.partition {
				continue
			}
			if p.ErrorCode != 0 {
				return fetched{}, fmt.Errorf("fetch %s [%d] at offset %d: %w", f.topic, f.partition, want.offset, kafka.Error(p.ErrorCode))
			}
			next, whole := batchesEnd(p.RecordBatches, want.offset)
			if whole == 0 && len(p.RecordBatches) > 0 {
				return fetched{}, fmt.Errorf("fetch %s [%d] at offset %d: %w (%d bytes)", f.topic, f.partition, want.offset, errPartialBatch, len(p.RecordBatches))
			}
			return fetched{Offset: want.offset, Batches: p.RecordBatches[:whole], Next: next, High: p.HighWatermark}, nil
		}
	}
	return fetched{Offset: want.offset, Next: want.offset, High: -1}, nil
}
