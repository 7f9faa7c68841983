package schema

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/hamba/avro/v2"
)

// Encoder writes Confluent-framed Avro payloads with one registered schema.
// It is safe for concurrent use.
type Encoder struct {
	id     int
	schema avro.Schema
	// api is this Encoder's own hamba configuration: hamba caches codecs by
	// a schema fingerprint that ignores defaults, so a shared configuration
	// would fill a missing field with another schema's default.
	api avro.API
	// fields is the writer order of the sensor's fields when the schema has
	// exactly those three (any order), which AppendSensor writes by hand;
	// nil otherwise.
	fields []op
}

// NewEncoder parses schemaText, registered under id, into an Encoder.
func NewEncoder(id int, schemaText string) (*Encoder, error) {
	s, err := parseSchema(schemaText)
	if err != nil {
		return nil, fmt.Errorf("new encoder for schema %d: %w", id, err)
	}
	return &Encoder{id: id, schema: s, api: avro.Config{}.Freeze(), fields: sensorWriteOrder(s)}, nil
}

// sensorWriteOrder returns the ops that write a Sensor with s, or nil when s
// has other fields or types the hand-written path does not cover.
func sensorWriteOrder(s avro.Schema) []op {
	rec, ok := s.(*avro.RecordSchema)
	if !ok || len(rec.Fields()) != 3 {
		return nil
	}
	ops := make([]op, 0, 3)
	for _, f := range rec.Fields() {
		var o op
		var err error
		switch f.Name() {
		case "timestamp":
			o, err = timestampOp(f.Type())
			if o == opTimeMicros {
				return nil
			}
		case "id":
			o, err = idOp(f.Type())
		case "value":
			o, err = valueOp(f.Type())
		default:
			return nil
		}
		if err != nil {
			return nil
		}
		ops = append(ops, o)
	}
	return ops
}

// ID returns the registry id written into every payload's header.
func (e *Encoder) ID() int { return e.id }

// Append appends the header and the Avro encoding of v (a map[string]any or
// a struct with avro tags) to dst. On error dst is returned unchanged.
func (e *Encoder) Append(dst []byte, v any) ([]byte, error) {
	body, err := e.api.Marshal(e.schema, v)
	if err != nil {
		return dst, fmt.Errorf("encode with schema %d: %w", e.id, err)
	}
	return append(AppendHeader(dst, e.id), body...), nil
}

// AppendSensor appends the header and the Avro encoding of s to dst. For the
// sensor schemas (exactly timestamp, id and value, any order) it writes the
// bytes by hand, identical to hamba/avro's; other record schemas go through
// Append with a map, so their extra fields need defaults. On error dst is
// returned unchanged.
func (e *Encoder) AppendSensor(dst []byte, s Sensor) ([]byte, error) {
	if e.fields == nil {
		if _, ok := e.schema.(*avro.RecordSchema); !ok {
			return dst, fmt.Errorf("encode sensor with schema %d: %w", e.id, ErrNotSensor)
		}
		return e.Append(dst, map[string]any{"timestamp": s.Timestamp, "id": s.ID, "value": s.Value})
	}
	n := len(dst)
	dst = AppendHeader(dst, e.id)
	for _, o := range e.fields {
		switch o {
		case opTimeLong:
			dst = appendLong(dst, s.Timestamp)
		case opTimeInt:
			if s.Timestamp < math.MinInt32 || s.Timestamp > math.MaxInt32 {
				return dst[:n], fmt.Errorf("encode sensor with schema %d: timestamp %d does not fit an int", e.id, s.Timestamp)
			}
			dst = appendLong(dst, s.Timestamp)
		case opID:
			dst = appendLong(dst, int64(len(s.ID)))
			dst = append(dst, s.ID...)
		case opValueDouble:
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(s.Value))
		case opValueFloat:
			dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(float32(s.Value)))
		case opValueLong, opValueInt:
			if !wholeIn(s.Value, o) {
				return dst[:n], fmt.Errorf("encode sensor with schema %d: value %v is not a whole number in range", e.id, s.Value)
			}
			dst = appendLong(dst, int64(s.Value))
		}
	}
	return dst, nil
}

// wholeIn reports whether v is a whole number that an int (opValueInt) or a
// long holds exactly.
func wholeIn(v float64, o op) bool {
	if v != math.Trunc(v) {
		return false
	}
	if o == opValueInt {
		return v >= math.MinInt32 && v <= math.MaxInt32
	}
	return v >= -(1<<63) && v < 1<<63
}

// appendLong appends a zigzag varint.
func appendLong(dst []byte, v int64) []byte {
	u := uint64(v<<1) ^ uint64(v>>63)
	for u >= 0x80 {
		dst = append(dst, byte(u)|0x80)
		u >>= 7
	}
	return append(dst, byte(u))
}

// SensorEncoder returns an encoder for sensor events under subject: for
// SensorSchema registered anew when register is set, else for the subject's
// latest version (as the tutorial's producer does).
func (c *Client) SensorEncoder(ctx context.Context, subject string, register bool) (*Encoder, error) {
	if register {
		id, err := c.Register(ctx, subject, SensorSchema)
		if err != nil {
			return nil, fmt.Errorf("register schema under subject %s: %w", subject, err)
		}
		return NewEncoder(id, SensorSchema)
	}
	latest, err := c.Latest(ctx, subject)
	if err != nil {
		return nil, fmt.Errorf("look up schema subject %s (use --register to register it): %w", subject, err)
	}
	enc, err := NewEncoder(latest.ID, latest.Schema)
	if err != nil {
		return nil, fmt.Errorf("schema subject %s version %d: %w", subject, latest.Version, err)
	}
	return enc, nil
}
