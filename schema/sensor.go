package schema

import (
	"fmt"
	"strings"

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

// op is one step of a sensor plan.
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

// step reads or skips one top-level field of the writer's record.
type step struct {
	op   op
	skip *node
}

// sensorPlan reads a Sensor out of bodies written with one writer schema.
type sensorPlan struct {
	steps []step
}

// newSensorPlan builds the plan for a writer schema, or explains with
// ErrNotSensor why the schema cannot carry a sensor reading.
func newSensorPlan(s avro.Schema, root *node) (*sensorPlan, error) {
	rec, ok := s.(*avro.RecordSchema)
	if !ok {
		return nil, fmt.Errorf("%w: top-level type is %s, not a record", ErrNotSensor, s.Type())
	}
	p := &sensorPlan{steps: make([]step, len(rec.Fields()))}
	var seen [3]bool
	var problems []string
	for i, f := range rec.Fields() {
		st := step{op: opSkip, skip: root.fields[i]}
		var slot int
		var err error
		switch f.Name() {
		case "timestamp":
			slot = 0
			st.op, err = timestampOp(f.Type())
		case "id":
			slot = 1
			st.op, err = idOp(f.Type())
		case "value":
			slot = 2
			st.op, err = valueOp(f.Type())
		default:
			p.steps[i] = st
			continue
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("field %s: %v", f.Name(), err))
			continue
		}
		seen[slot] = true
		p.steps[i] = st
	}
	for i, name := range []string{"timestamp", "id", "value"} {
		if !seen[i] && !hasField(rec, name) {
			problems = append(problems, "no field "+name)
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w: record %s: %s", ErrNotSensor, rec.FullName(), strings.Join(problems, "; "))
	}
	return p, nil
}

func hasField(rec *avro.RecordSchema, name string) bool {
	for _, f := range rec.Fields() {
		if f.Name() == name {
			return true
		}
	}
	return false
}

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

// run decodes body into s. idBytes receives the raw bytes of the id; the
// caller turns them into a string (interned) so that run never allocates.
func (p *sensorPlan) run(body []byte, s *Sensor) (idBytes []byte, err error) {
	pos := 0
	for i := range p.steps {
		st := &p.steps[i]
		switch st.op {
		case opSkip:
			pos, err = skip(st.skip, body, pos, 0)
		case opTimeLong:
			s.Timestamp, pos, err = readLong(body, pos)
		case opTimeMicros:
			var us int64
			us, pos, err = readLong(body, pos)
			s.Timestamp = floorDiv(us, 1000)
		case opTimeInt:
			var v int32
			v, pos, err = readInt(body, pos)
			s.Timestamp = int64(v)
		case opID:
			var l int
			l, pos, err = readLen(body, pos)
			if err == nil {
				idBytes = body[pos : pos+l]
				pos += l
			}
		case opValueDouble:
			s.Value, pos, err = readDouble(body, pos)
		case opValueFloat:
			var v float32
			v, pos, err = readFloat(body, pos)
			s.Value = float64(v)
		case opValueLong:
			var v int64
			v, pos, err = readLong(body, pos)
			s.Value = float64(v)
		case opValueInt:
			var v int32
			v, pos, err = readInt(body, pos)
			s.Value = float64(v)
		}
		if err != nil {
			return nil, err
		}
	}
	if pos != len(body) {
		return nil, trailing(len(body) - pos)
	}
	return idBytes, nil
}

func trailing(n int) error {
	return fmt.Errorf("%w: %d byte(s)", ErrTrailingBytes, n)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
