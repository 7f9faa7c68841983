package schema

import (
	"fmt"

	"github.com/hamba/avro/v2"
)

// Sensor is one reading of the tutorial's sensor record.
type Sensor struct {
	// Timestamp is the reading's time in epoch milliseconds.
	Timestamp int64
	// ID names the sensor, e.g. "sensor3".
	ID string
	// Value is the reading.
	Value float64
}

// op is how the encoder writes one sensor field.
type op uint8

const (
	opSkip op = iota
	opTimeLong
	opTimeMicros
	opTimeInt
	opID
	opValueDouble
	opValueFloat
	opValueLong
	opValueInt
)

// logicalOf returns the logical type of a schema, or "".
func logicalOf(s avro.Schema) avro.LogicalType {
	if lts, ok := s.(avro.LogicalTypeSchema); ok {
		if l := lts.Logical(); l != nil {
			return l.Type()
		}
	}
	return ""
}

func describe(s avro.Schema) string {
	if l := logicalOf(s); l != "" {
		return string(s.Type()) + "/" + string(l)
	}
	return string(s.Type())
}

func timestampOp(s avro.Schema) (op, error) {
	switch s.Type() {
	case avro.Long:
		switch logicalOf(s) {
		case "", avro.TimestampMillis, avro.LocalTimestampMillis:
			return opTimeLong, nil
		case avro.TimestampMicros, avro.LocalTimestampMicros:
			return opTimeMicros, nil
		}
	case avro.Int:
		if logicalOf(s) == "" {
			return opTimeInt, nil
		}
	}
	return opSkip, fmt.Errorf("type %s, want long (epoch ms) or int", describe(s))
}

func idOp(s avro.Schema) (op, error) {
	if s.Type() == avro.String {
		return opID, nil
	}
	return opSkip, fmt.Errorf("type %s, want string", describe(s))
}

func valueOp(s avro.Schema) (op, error) {
	if logicalOf(s) == "" {
		switch s.Type() {
		case avro.Double:
			return opValueDouble, nil
		case avro.Float:
			return opValueFloat, nil
		case avro.Long:
			return opValueLong, nil
		case avro.Int:
			return opValueInt, nil
		}
	}
	return opSkip, fmt.Errorf("type %s, want double, float, long or int", describe(s))
}

func trailing(n int) error {
	return fmt.Errorf("%w: %d byte(s)", ErrTrailingBytes, n)
}
