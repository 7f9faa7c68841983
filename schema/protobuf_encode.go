package schema

import (
	"context"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// SensorProto is the tutorial's sensor record as a Protobuf schema: the
// same three fields as SensorSchema, the timestamp in epoch milliseconds.
const SensorProto = `syntax = "proto3";

// A reading of one of the tutorial's emulated sensors.
message sensor {
  // Epoch milliseconds.
  int64 timestamp = 1;
  string id = 2;
  double value = 3;
}
`

// ProtoSensorEncoder writes sensor readings as SensorProto messages in
// Confluent's Protobuf wire format (header, message index [0], body).
type ProtoSensorEncoder struct {
	id int
}

// NewProtoSensorEncoder returns an encoder framing with schema id id, under
// which SensorProto is registered.
func NewProtoSensorEncoder(id int) *ProtoSensorEncoder { return &ProtoSensorEncoder{id: id} }

// ID returns the schema id the encoder frames with.
func (e *ProtoSensorEncoder) ID() int { return e.id }

// AppendSensor appends the framed reading to dst. Fields holding Protobuf's
// defaults (0, "") are left out, as Protobuf serializers do. It never
// fails; the error is there to match Encoder.AppendSensor.
func (e *ProtoSensorEncoder) AppendSensor(dst []byte, s Sensor) ([]byte, error) {
	dst = AppendHeader(dst, e.id)
	dst = AppendMessageIndexes(dst, FirstMessage)
	return appendProtoSensor(dst, s), nil
}

// ProtoSensorEncoder registers SensorProto under subject (registering a
// schema the subject already has returns its id) and returns an encoder
// for it.
func (c *Client) ProtoSensorEncoder(ctx context.Context, subject string) (*ProtoSensorEncoder, error) {
	id, err := c.RegisterType(ctx, subject, FormatProtobuf, SensorProto)
	if err != nil {
		return nil, fmt.Errorf("register protobuf sensor schema under subject %s: %w", subject, err)
	}
	return NewProtoSensorEncoder(id), nil
}

// appendProtoSensor appends the body of a SensorProto message.
func appendProtoSensor(dst []byte, s Sensor) []byte {
	if s.Timestamp != 0 {
		dst = protowire.AppendTag(dst, 1, protowire.VarintType)
		dst = protowire.AppendVarint(dst, uint64(s.Timestamp))
	}
	if s.ID != "" {
		dst = protowire.AppendTag(dst, 2, protowire.BytesType)
		dst = protowire.AppendString(dst, s.ID)
	}
	if s.Value != 0 || math.Signbit(s.Value) {
		dst = protowire.AppendTag(dst, 3, protowire.Fixed64Type)
		dst = protowire.AppendFixed64(dst, math.Float64bits(s.Value))
	}
	return dst
}
