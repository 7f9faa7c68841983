package schema

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// MagicByte is the first byte of every Confluent-framed payload.
const MagicByte byte = 0

// headerLen is the length of the Confluent header: magic byte plus schema id.
const headerLen = 5

// Sentinel errors; match them with errors.Is.
var (
	// ErrBadMagic reports a payload whose first byte is not MagicByte.
	ErrBadMagic = errors.New("bad magic byte")
	// ErrShortPayload reports a payload shorter than the 5-byte header.
	ErrShortPayload = errors.New("payload shorter than the 5-byte confluent header")
	// ErrUnknownSchema reports a schema id the registry does not know.
	ErrUnknownSchema = errors.New("unknown schema id")
	// ErrTruncated reports an Avro body that ends before the record does.
	ErrTruncated = errors.New("truncated avro body")
	// ErrTrailingBytes reports bytes left over after the Avro record.
	ErrTrailingBytes = errors.New("trailing bytes after avro record")
	// ErrNotSensor reports a schema the Encoder cannot write a Sensor with.
	ErrNotSensor = errors.New("schema is not a sensor record")
	// ErrMalformed reports Avro data that no writer could have produced
	// (bad union or enum index, negative length, overlong varint, a size
	// over the limits).
	ErrMalformed = errors.New("malformed avro body")
	// ErrUnsupportedType reports a schema of a type the Decoder cannot
	// decode; the message names the type.
	ErrUnsupportedType = errors.New("unsupported schema type")
	// ErrBadJSON reports a JSON payload that is not one JSON object.
	ErrBadJSON = errors.New("malformed json payload")
)

// AppendHeader appends the Confluent header (MagicByte and the 4-byte
// big-endian schema id) to dst.
func AppendHeader(dst []byte, id int) []byte {
	return append(dst, MagicByte, byte(uint32(id)>>24), byte(uint32(id)>>16), byte(uint32(id)>>8), byte(uint32(id)))
}

// ParseHeader splits a Confluent-framed payload into its schema id and Avro
// body.
func ParseHeader(payload []byte) (id int, body []byte, err error) {
	if len(payload) < headerLen {
		return 0, nil, fmt.Errorf("%w: got %d bytes", ErrShortPayload, len(payload))
	}
	if payload[0] != MagicByte {
		return 0, nil, fmt.Errorf("%w: got 0x%02x, want 0x00", ErrBadMagic, payload[0])
	}
	return int(binary.BigEndian.Uint32(payload[1:headerLen])), payload[headerLen:], nil
}
