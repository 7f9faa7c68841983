package stream

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"time"

	"github.com/segmentio/kafka-go/compress"
)

// wireRecord is one record of a fetched record batch. Key and Value are
// views of the fetch response (or of the batch's decompressed records),
// valid until the next fetch is read.
type wireRecord struct {
	Offset int64
	Time   time.Time
	Key    []byte
	Value  []byte
}

// Record batch (magic 2) header layout, from the start of the batch.
const (
	batchLengthAt     = 8  // int32: bytes after this field
	batchMagicAt      = 16 // int8
	batchCRCAt        = 17 // uint32: CRC-32C of everything from attributes on
	batchAttributesAt = 21 // int16
	batchLastDeltaAt  = 23 // int32
	batchFirstTimeAt  = 27 // int64
	batchMaxTimeAt    = 35 // int64
	batchCountAt      = 57 // int32
	batchHeaderSize   = 61
)

// Record batch attributes.
const (
	attrCompression   = 0x07
	attrLogAppendTime = 0x08
	attrControl       = 0x20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errPartialBatch is returned for a fetch whose records hold no whole
// batch: the next fetch from the same offset would return the same.
var errPartialBatch = errors.New("the fetch returned only part of a record batch")

// batchesEnd returns the offset after the last whole record batch in
// batches (from, when there is none) and the bytes those batches take;
// a fetch ends with a partial batch when MaxBytes cut it.
func batchesEnd(batches []byte, from int64) (next int64, whole int) {
	next = from
	for len(batches)-whole >= batchHeaderSize {
		b := batches[whole:]
		size := 12 + int(int32(binary.BigEndian.Uint32(b[batchLengthAt:])))
		if size < batchHeaderSize || size > len(b) {
			break
		}
		last := int64(binary.BigEndian.Uint64(b)) + int64(int32(binary.BigEndian.Uint32(b[batchLastDeltaAt:])))
		next = max(next, last+1)
		whole += size
	}
	return next, whole
}

// batchReader reads the records of record batches.
type batchReader struct{}

// each calls fn for every record at offset from or later in batches
// (whole batches, as batchesEnd measured them), skipping control batches.
// It checks each batch's CRC. fn's error stops it and is returned.
func (br *batchReader) each(batches []byte, from int64, fn func(*wireRecord) error) error {
	var rec wireRecord
	for len(batches) > 0 {
		if len(batches) < batchHeaderSize {
			return fmt.Errorf("record batch: %d bytes left, want a header of %d", len(batches), batchHeaderSize)
		}
		size := 12 + int(int32(binary.BigEndian.Uint32(batches[batchLengthAt:])))
		if size < batchHeaderSize || size > len(batches) {
			return fmt.Errorf("record batch: length %d with %d bytes left", size, len(batches))
		}
		b := batches[:size]
		batches = batches[size:]
		base := int64(binary.BigEndian.Uint64(b))
		if magic := b[batchMagicAt]; magic != 2 {
			return fmt.Errorf("record batch at offset %d: magic %d: only record batches (magic 2, Kafka 0.11 and later) are read", base, magic)
		}
		if sum := crc32.Checksum(b[batchAttributesAt:], castagnoli); sum != binary.BigEndian.Uint32(b[batchCRCAt:]) {
			return fmt.Errorf("record batch at offset %d: CRC mismatch (corrupt in transit or on the broker)", base)
		}
		attrs := binary.BigEndian.Uint16(b[batchAttributesAt:])
		last := base + int64(int32(binary.BigEndian.Uint32(b[batchLastDeltaAt:])))
		if attrs&attrControl != 0 || last < from {
			continue
		}
		firstTime := int64(binary.BigEndian.Uint64(b[batchFirstTimeAt:]))
		appendTime := int64(-1)
		if attrs&attrLogAppendTime != 0 {
			appendTime = int64(binary.BigEndian.Uint64(b[batchMaxTimeAt:]))
		}
		count := int(int32(binary.BigEndian.Uint32(b[batchCountAt:])))
		records, err := br.records(b[batchHeaderSize:], compress.Compression(attrs&attrCompression))
		if err != nil {
			return fmt.Errorf("record batch at offset %d: %w", base, err)
		}
		for range count {
			var timeDelta, offsetDelta int64
			var err error
			if records, timeDelta, offsetDelta, err = readRecord(records, &rec); err != nil {
				return fmt.Errorf("record batch at offset %d: %w", base, err)
			}
			if rec.Offset = base + offsetDelta; rec.Offset < from {
				continue
			}
			ts := firstTime + timeDelta
			if appendTime >= 0 {
				ts = appendTime
			}
			rec.Time = kafkaTime(ts)
			if err := fn(&rec); err != nil {
				return err
			}
		}
	}
	return nil
}

// records returns a batch's records, decompressed into a buffer of their
// own: the keys and values read from them are handed on with those of the
// fetch's other batches, so no later batch may overwrite them.
func (br *batchReader) records(src []byte, codec compress.Compression) ([]byte, error) {
	if codec == compress.None {
		return src, nil
	}
	c := codec.Codec()
	if c == nil {
		return nil, fmt.Errorf("unknown compression codec %d", codec)
	}
	r := c.NewReader(bytes.NewReader(src))
	defer r.Close()
	plain := bytes.NewBuffer(make([]byte, 0, 4*len(src)))
	if _, err := plain.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("decompress %s: %w", c.Name(), err)
	}
	return plain.Bytes(), nil
}

// kafkaTime is a record timestamp in milliseconds as kafka-go reads it:
// the zero time for none (-1).
func kafkaTime(ms int64) time.Time {
	if ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

var errRecordShort = errors.New("record cut short")

// readRecord reads the key and value of one record from src into rec and
// returns what follows it, with the record's timestamp and offset deltas
// (the batch's first timestamp and base offset plus them are its own).
func readRecord(src []byte, rec *wireRecord) (rest []byte, timeDelta, offsetDelta int64, err error) {
	length, n := varint(src)
	if n <= 0 || length < 0 || int64(len(src)-n) < length {
		return nil, 0, 0, errRecordShort
	}
	body, rest := src[n:n+int(length)], src[n+int(length):]
	if len(body) < 1 {
		return nil, 0, 0, errRecordShort
	}
	body = body[1:] // attributes, unused
	var fields [2]int64
	for i := range fields {
		v, n := varint(body)
		if n <= 0 {
			return nil, 0, 0, errRecordShort
		}
		fields[i], body = v, body[n:]
	}
	if rec.Key, body, err = readVarBytes(body); err != nil {
		return nil, 0, 0, err
	}
	if rec.Value, _, err = readVarBytes(body); err != nil {
		return nil, 0, 0, err
	}
	return rest, fields[0], fields[1], nil
}

// readVarBytes reads a varint length (-1: null) and that many bytes.
func readVarBytes(src []byte) ([]byte, []byte, error) {
	l, n := varint(src)
	if n <= 0 || l < -1 || int64(len(src)-n) < l {
		return nil, nil, errRecordShort
	}
	if l < 0 {
		return nil, src[n:], nil
	}
	end := n + int(l)
	return src[n:end:end], src[end:], nil
}

// varint is binary.Varint, a one-byte value (most of a record's lengths
// and deltas) read inline.
func varint(b []byte) (int64, int) {
	if len(b) > 0 && b[0] < 0x80 {
		u := int64(b[0])
		return u>>1 ^ -(u & 1), 1
	}
	return binary.Varint(b)
}
