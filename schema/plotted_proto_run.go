package schema

import (
	"encoding/binary"
	"math"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// run reads one message occurrence at depth (the top message is 1); read
// says whether it fills slots.
func (g *protoProg) run(b []byte, depth int, p *Plotted, read bool) error {
	if depth > maxProtoNesting {
		return errProtoDepth
	}
	if read {
		for i := range g.early {
			p.apply(g.early[i].targets, &g.early[i].s)
		}
	}
	var seen uint64
	for len(b) > 0 {
		var num protowire.Number
		var typ protowire.Type
		if c := b[0]; c < 0x80 && c >= 1<<3 {
			num, typ = protowire.Number(c>>3), protowire.Type(c&7)
			b = b[1:]
		} else {
			var n int
			num, typ, n = protowire.ConsumeTag(b)
			if n < 0 || num > protowire.MaxValidNumber {
				return errProtoTag
			}
			b = b[n:]
		}
		f := g.byNum(num)
		if f != nil && read && typ == f.wire {
			switch f.op {
			case pValueDouble:
				if len(b) < 8 {
					return errProtoDecode
				}
				p.Values[f.slot] = Value{Num: math.Float64frombits(binary.LittleEndian.Uint64(b)), State: Set}
				b, seen = b[8:], seen|f.seen
				continue
			case pSeriesText:
				v, n := shortBytes(b)
				if n < 0 {
					return errProtoDecode
				}
				if f.utf8 && !validUTF8(v) {
					return errProtoString
				}
				p.Series, p.SeriesState = v[:len(v):len(v)], Set
				b, seen = b[n:], seen|f.seen
				continue
			case pTimeInt64:
				v, n := protowire.ConsumeVarint(b)
				if n < 0 {
					return errProtoDecode
				}
				p.Time, p.TimeState = fromEpoch(int64(v), p.Selection.Unit), Set
				b, seen = b[n:], seen|f.seen
				continue
			}
		}
		if f != nil && f.whole {
			return errProtoWhole
		}
		if f == nil || !f.accepts(typ) {
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return errProtoDecode
			}
			b = b[n:]
			continue
		}
		if f.list {
			n, err := f.element(b, typ, depth)
			if err != nil {
				return err
			}
			b = b[n:]
			continue
		}
		if read && f.count >= 0 {
			if p.counts[f.count]++; p.counts[f.count] > 1 {
				return errProtoWhole
			}
		}
		if read && f.clear != nil {
			p.clear(f.clear)
		}
		n, err := f.one(b, depth, p, read)
		if err != nil {
			return err
		}
		b, seen = b[n:], seen|f.seen
	}
	if read && seen != g.all {
		for i := range g.late {
			if seen&(1<<i) == 0 {
				p.apply(g.late[i].targets, &g.late[i].s)
			}
		}
	}
	return nil
}

// shortBytes is protowire.ConsumeBytes, a length below 128 read inline.
func shortBytes(b []byte) ([]byte, int) {
	if len(b) > 0 && b[0] < 0x80 {
		if n := 1 + int(b[0]); n <= len(b) {
			return b[1:n], n
		}
		return nil, -1
	}
	return protowire.ConsumeBytes(b)
}

// validUTF8 is utf8.Valid with a first pass for ASCII, eight bytes at a
// time, then four, two and one.
func validUTF8(v []byte) bool {
	var hi uint64
	rest := v
	for ; len(rest) >= 8; rest = rest[8:] {
		hi |= binary.LittleEndian.Uint64(rest)
	}
	if len(rest) >= 4 {
		hi |= uint64(binary.LittleEndian.Uint32(rest))
		rest = rest[4:]
	}
	if len(rest) >= 2 {
		hi |= uint64(binary.LittleEndian.Uint16(rest))
		rest = rest[2:]
	}
	if len(rest) > 0 {
		hi |= uint64(rest[0])
	}
	return hi&0x8080808080808080 == 0 || utf8.Valid(v)
}

// accepts reports whether a value of wire type typ is this field's (else
// it is an unknown field).
func (f *pfield) accepts(typ protowire.Type) bool {
	if typ == f.wire {
		return true
	}
	// A packed repeated scalar.
	return f.list && typ == protowire.BytesType && f.wire != protowire.BytesType && f.wire != protowire.StartGroupType
}

// element checks one element (or a packed run) of a repeated field.
func (f *pfield) element(b []byte, typ protowire.Type, depth int) (int, error) {
	if typ == protowire.BytesType && f.wire != protowire.BytesType {
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return 0, errProtoDecode
		}
		for len(v) > 0 {
			m := consumeScalar(f.wire, v)
			if m < 0 {
				return 0, errProtoDecode
			}
			v = v[m:]
		}
		return n, nil
	}
	if f.wire != protowire.BytesType {
		n := consumeScalar(f.wire, b)
		if n < 0 {
			return 0, errProtoDecode
		}
		return n, nil
	}
	v, n := protowire.ConsumeBytes(b)
	if n < 0 {
		return 0, errProtoDecode
	}
	switch {
	case f.msg != nil:
		if err := f.msg.run(v, depth+1, nil, false); err != nil {
			return 0, err
		}
	case f.utf8 && !utf8.Valid(v):
		return 0, errProtoString
	}
	return n, nil
}

func consumeScalar(typ protowire.Type, b []byte) int {
	switch typ {
	case protowire.VarintType:
		_, n := protowire.ConsumeVarint(b)
		return n
	case protowire.Fixed32Type:
		_, n := protowire.ConsumeFixed32(b)
		return n
	}
	_, n := protowire.ConsumeFixed64(b)
	return n
}

// one reads a singular field's value.
func (f *pfield) one(b []byte, depth int, p *Plotted, read bool) (int, error) {
	var s scalar
	var n int
	switch f.wire {
	case protowire.BytesType:
		var v []byte
		if v, n = protowire.ConsumeBytes(b); n < 0 {
			return 0, errProtoDecode
		}
		switch {
		case f.msg != nil:
			sub := read && (f.count >= 0 && !f.timestamp)
			if err := f.msg.run(v, depth+1, p, sub); err != nil {
				return 0, err
			}
			if !read || len(f.targets) == 0 || f.wrapped {
				return n, nil
			}
			if f.timestamp {
				s.kind, s.t = sTime, timestampOf(v)
			} else {
				s.kind = sOther
			}
		case f.kind == protoreflect.StringKind:
			if f.utf8 && !utf8.Valid(v) {
				return 0, errProtoString
			}
			s.kind, s.b = sText, v[:len(v):len(v)]
		default:
			s.kind = sOther
		}
	case protowire.VarintType:
		var v uint64
		if v, n = protowire.ConsumeVarint(b); n < 0 {
			return 0, errProtoDecode
		}
		switch f.kind {
		case protoreflect.BoolKind:
			s.kind = sBool
			if v != 0 {
				s.i = 1
			}
		case protoreflect.EnumKind:
			if name, ok := f.names[int32(v)]; ok {
				s.kind, s.b = sText, name
			} else {
				s.kind, s.i = sInt, int64(int32(v))
			}
		case protoreflect.Int32Kind:
			s.kind, s.i = sInt, int64(int32(v))
		case protoreflect.Sint32Kind:
			s.kind, s.i = sInt, int64(int32(protowire.DecodeZigZag(v&math.MaxUint32)))
		case protoreflect.Uint32Kind:
			s.kind, s.u = sUint, uint64(uint32(v))
		case protoreflect.Sint64Kind:
			s.kind, s.i = sInt, protowire.DecodeZigZag(v)
		case protoreflect.Uint64Kind:
			s.kind, s.u = sUint, v
		default: // Int64Kind
			s.kind, s.i = sInt, int64(v)
		}
	case protowire.Fixed32Type:
		var v uint32
		if v, n = protowire.ConsumeFixed32(b); n < 0 {
			return 0, errProtoDecode
		}
		switch f.kind {
		case protoreflect.FloatKind:
			s.kind, s.f = sFloat32, float64(math.Float32frombits(v))
		case protoreflect.Sfixed32Kind:
			s.kind, s.i = sInt, int64(int32(v))
		default:
			s.kind, s.u = sUint, uint64(v)
		}
	default: // Fixed64Type
		var v uint64
		if v, n = protowire.ConsumeFixed64(b); n < 0 {
			return 0, errProtoDecode
		}
		switch f.kind {
		case protoreflect.DoubleKind:
			s.kind, s.f = sFloat, math.Float64frombits(v)
		case protoreflect.Sfixed64Kind:
			s.kind, s.i = sInt, int64(v)
		default:
			s.kind, s.u = sUint, v
		}
	}
	if read && len(f.targets) > 0 {
		p.apply(f.targets, &s)
	}
	return n, nil
}

// timestampOf reads a checked google.protobuf.Timestamp's wire form as
// dynamicpb would: the last seconds and nanos given win.
func timestampOf(b []byte) time.Time {
	var sec, nanos int64
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		b = b[n:]
		switch {
		case num == 1 && typ == protowire.VarintType:
			v, m := protowire.ConsumeVarint(b)
			sec, n = int64(v), m
		case num == 2 && typ == protowire.VarintType:
			v, m := protowire.ConsumeVarint(b)
			nanos, n = int64(int32(v)), m
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		b = b[n:]
	}
	return time.Unix(sec, nanos).UTC()
}
