package schema

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// protoSensorPlan reads a Sensor straight from the wire form of a message
// with the sensor's three fields, skipping undeclared fields; it does not
// allocate for a message that carries only those. A field with another wire
// type than its declaration's is skipped, as Protobuf parsers treat it as
// unknown. A record that also carries another declared field (a repeated
// history, a nested message) is checked whole by the full parser, so that
// the plan never accepts a body that Decode refuses.
type protoSensorPlan struct {
	ts, id, value protoField
	tsMessage     bool // timestamp is a google.protobuf.Timestamp
	checkUTF8     bool // id must be UTF-8 (proto3), as dynamicpb checks
	desc          protoreflect.MessageDescriptor
}

// protoField is one field the plan reads.
type protoField struct {
	num  protowire.Number
	typ  protowire.Type
	kind protoreflect.Kind
}

// errProto* are the plan's errors without context (no formatting on the
// hot path).
var (
	errProtoTag       = fmt.Errorf("%w: bad field tag", ErrMalformedProto)
	errProtoValue     = fmt.Errorf("%w: truncated or overlong field value", ErrMalformedProto)
	errProtoTimestamp = fmt.Errorf("%w: bad google.protobuf.Timestamp", ErrMalformedProto)
	errProtoUTF8      = fmt.Errorf("%w: id is not valid UTF-8", ErrMalformedProto)
)

// newProtoSensorPlan builds the plan for a message, or explains with
// ErrNotSensor why it cannot carry a sensor reading.
func newProtoSensorPlan(md protoreflect.MessageDescriptor) (*protoSensorPlan, error) {
	p := &protoSensorPlan{desc: md}
	var problems []string
	field := func(name string) protoreflect.FieldDescriptor {
		fd := md.Fields().ByName(protoreflect.Name(name))
		switch {
		case fd == nil:
			problems = append(problems, "no field "+name)
			return nil
		case fd.IsList() || fd.IsMap():
			problems = append(problems, "field "+name+" is repeated")
			return nil
		}
		return fd
	}
	if fd := field("timestamp"); fd != nil {
		switch k := fd.Kind(); {
		case k == protoreflect.MessageKind && fd.Message().FullName() == wktTimestamp:
			p.ts, p.tsMessage = protoField{num: fd.Number(), typ: protowire.BytesType, kind: k}, true
		case isProtoInteger(k):
			p.ts = protoField{num: fd.Number(), typ: wireType(k), kind: k}
		default:
			problems = append(problems, "field timestamp: type "+protoTypeName(fd)+", want an integer (epoch ms) or google.protobuf.Timestamp")
		}
	}
	if fd := field("id"); fd != nil {
		if fd.Kind() == protoreflect.StringKind {
			p.id = protoField{num: fd.Number(), typ: protowire.BytesType, kind: fd.Kind()}
			p.checkUTF8 = fd.ParentFile().Syntax() == protoreflect.Proto3
		} else {
			problems = append(problems, "field id: type "+protoTypeName(fd)+", want string")
		}
	}
	if fd := field("value"); fd != nil {
		if k := fd.Kind(); isProtoInteger(k) || k == protoreflect.DoubleKind || k == protoreflect.FloatKind {
			p.value = protoField{num: fd.Number(), typ: wireType(k), kind: k}
		} else {
			problems = append(problems, "field value: type "+protoTypeName(fd)+", want a number")
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w: message %s: %s", ErrNotSensor, md.FullName(), strings.Join(problems, "; "))
	}
	return p, nil
}

func isProtoInteger(k protoreflect.Kind) bool {
	switch k {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind,
		protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return true
	}
	return false
}

// wireType is the wire type of a scalar kind.
func wireType(k protoreflect.Kind) protowire.Type {
	switch k {
	case protoreflect.Sfixed32Kind, protoreflect.Fixed32Kind, protoreflect.FloatKind:
		return protowire.Fixed32Type
	case protoreflect.Sfixed64Kind, protoreflect.Fixed64Kind, protoreflect.DoubleKind:
		return protowire.Fixed64Type
	}
	return protowire.VarintType
}

// readProtoNumber reads a scalar of kind k at b as an int64 and a float64,
// with the bytes consumed (negative on error).
func readProtoNumber(k protoreflect.Kind, b []byte) (i int64, f float64, n int) {
	switch wireType(k) {
	case protowire.Fixed32Type:
		v, n := protowire.ConsumeFixed32(b)
		switch k {
		case protoreflect.FloatKind:
			f := float64(math.Float32frombits(v))
			return int64(f), f, n
		case protoreflect.Sfixed32Kind:
			return int64(int32(v)), float64(int32(v)), n
		}
		return int64(v), float64(v), n
	case protowire.Fixed64Type:
		v, n := protowire.ConsumeFixed64(b)
		switch k {
		case protoreflect.DoubleKind:
			f := math.Float64frombits(v)
			return int64(f), f, n
		case protoreflect.Sfixed64Kind:
			return int64(v), float64(int64(v)), n
		}
		return int64(v), float64(v), n
	}
	v, n := protowire.ConsumeVarint(b)
	switch k {
	case protoreflect.Sint32Kind, protoreflect.Sint64Kind:
		x := protowire.DecodeZigZag(v)
		if k == protoreflect.Sint32Kind {
			x = int64(int32(x))
		}
		return x, float64(x), n
	case protoreflect.Int32Kind:
		return int64(int32(v)), float64(int32(v)), n
	case protoreflect.Uint32Kind:
		return int64(uint32(v)), float64(uint32(v)), n
	case protoreflect.Uint64Kind:
		return int64(v), float64(v), n
	}
	return int64(v), float64(int64(v)), n
}

// run decodes body into s. idBytes receives the raw bytes of the id (the
// caller interns them); fields missing from body keep Protobuf's defaults.
func (p *protoSensorPlan) run(body []byte, s *Sensor) (idBytes []byte, err error) {
	var out Sensor
	whole, checkWhole := body, false
	for len(body) > 0 {
		num, typ, n := protowire.ConsumeTag(body)
		if n < 0 || num > protowire.MaxValidNumber {
			return nil, errProtoTag
		}
		body = body[n:]
		switch {
		case num == p.ts.num && typ == p.ts.typ:
			if p.tsMessage {
				var inner []byte
				if inner, n = protowire.ConsumeBytes(body); n >= 0 {
					if out.Timestamp, err = timestampMillis(inner); err != nil {
						return nil, err
					}
				}
			} else {
				out.Timestamp, _, n = readProtoNumber(p.ts.kind, body)
			}
		case num == p.id.num && typ == p.id.typ:
			idBytes, n = protowire.ConsumeBytes(body)
		case num == p.value.num && typ == p.value.typ:
			_, out.Value, n = readProtoNumber(p.value.kind, body)
		default:
			n = protowire.ConsumeFieldValue(num, typ, body)
			checkWhole = checkWhole || p.desc.Fields().ByNumber(num) != nil
		}
		if n < 0 {
			return nil, errProtoValue
		}
		body = body[n:]
	}
	if p.checkUTF8 && !utf8.Valid(idBytes) {
		return nil, errProtoUTF8
	}
	if checkWhole {
		m := dynamicpb.NewMessage(p.desc)
		if err := (proto.UnmarshalOptions{RecursionLimit: maxProtoNesting}).Unmarshal(whole, m); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrMalformedProto, p.desc.FullName(), err)
		}
	}
	*s = out
	return idBytes, nil
}

// timestampMillis reads a google.protobuf.Timestamp's wire form as epoch
// milliseconds.
func timestampMillis(b []byte) (int64, error) {
	var sec, nanos int64
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 || num > protowire.MaxValidNumber {
			return 0, errProtoTimestamp
		}
		b = b[n:]
		switch {
		case num == 1 && typ == protowire.VarintType:
			var v uint64
			v, n = protowire.ConsumeVarint(b)
			sec = int64(v)
		case num == 2 && typ == protowire.VarintType:
			var v uint64
			v, n = protowire.ConsumeVarint(b)
			nanos = int64(int32(v))
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return 0, errProtoTimestamp
		}
		b = b[n:]
	}
	return sec*1000 + floorDiv(nanos, 1_000_000), nil
}
