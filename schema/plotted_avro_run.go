package schema

import (
	"encoding/binary"
	"math"
	"math/big"
	"time"
)

// run reads one value at b[pos:] and returns the position after it. It
// checks what skip checks, at the same depths.
func (g *avroProg) run(b []byte, pos, depth int, p *Plotted) (int, error) {
	var err error
	switch g.op {
	case aSkip:
		return skip(g.node, b, pos, depth)
	case aSkipBytes:
		var l int
		l, pos, err = readLen(b, pos)
		return pos + l, err
	case aSkipLong:
		_, pos, err = readLong(b, pos)
		return pos, err
	case aSkipOptBytes:
		if depth >= maxDepth {
			return pos, errTooDeep
		}
		var i int64
		if i, pos, err = readLong(b, pos); err != nil {
			return pos, err
		}
		if i < 0 || i > 1 {
			return pos, errBadUnion
		}
		if g.node.branches[i].kind == kNull {
			return pos, nil
		}
		var l int
		l, pos, err = readLen(b, pos)
		return pos + l, err
	case aRecord:
		if depth >= maxDepth {
			return pos, errTooDeep
		}
		if len(g.targets) > 0 {
			p.apply(g.targets, &scalar{kind: sOther})
		}
		return g.record(b, pos, depth+1, p)
	case aUnion:
		if depth >= maxDepth {
			return pos, errTooDeep
		}
		var i int64
		if i, pos, err = readLong(b, pos); err != nil {
			return pos, err
		}
		if i < 0 || i >= int64(len(g.branches)) {
			return pos, errBadUnion
		}
		return g.branches[i].run(b, pos, depth+1, p)
	case aSeriesString:
		var l int
		if l, pos, err = readLen(b, pos); err != nil {
			return pos, err
		}
		p.Series, p.SeriesState = b[pos:pos+l:pos+l], Set
		return pos + l, nil
	case aValueDouble:
		var v float64
		if v, pos, err = readDouble(b, pos); err != nil {
			return pos, err
		}
		p.Values[g.slot] = Value{Num: v, State: Set}
		return pos, nil
	case aValueFloat:
		var v float32
		if v, pos, err = readFloat(b, pos); err != nil {
			return pos, err
		}
		p.Values[g.slot] = Value{Num: float64(v), State: Set}
		return pos, nil
	case aValueLong, aTimeLong, aTimeMillis, aTimeMicros:
		var v int64
		if v, pos, err = readLong(b, pos); err != nil {
			return pos, err
		}
		switch g.op {
		case aValueLong:
			p.Values[g.slot] = Value{Num: float64(v), State: Set}
		case aTimeLong:
			p.Time, p.TimeState = fromEpoch(v, p.Selection.Unit), Set
		case aTimeMillis:
			p.Time, p.TimeState = time.UnixMilli(v), Set
		default:
			p.Time, p.TimeState = time.UnixMicro(v), Set
		}
		return pos, nil
	case aValueInt:
		var v int32
		if v, pos, err = readInt(b, pos); err != nil {
			return pos, err
		}
		p.Values[g.slot] = Value{Num: float64(v), State: Set}
		return pos, nil
	}
	return g.leaf(b, pos, depth, p)
}

// record runs the programs of a record's fields, the commonest inline.
func (g *avroProg) record(b []byte, pos, depth int, p *Plotted) (int, error) {
	var err error
	for _, f := range g.fields {
		switch f.op {
		case aSkipBytes:
			if pos < len(b) && b[pos] < 0x80 && b[pos]&1 == 0 {
				l := int(b[pos] >> 1)
				if l > len(b)-pos-1 {
					return pos, errWalkTruncated
				}
				pos += 1 + l
				continue
			}
		case aSkipOptBytes:
			if pos+1 < len(b) && (b[pos] == 0 || b[pos] == 2) && b[pos+1] < 0x80 && b[pos+1]&1 == 0 && depth < maxDepth {
				if f.node.branches[b[pos]>>1].kind == kNull {
					pos++
					continue
				}
				l := int(b[pos+1] >> 1)
				if l > len(b)-pos-2 {
					return pos, errWalkTruncated
				}
				pos += 2 + l
				continue
			}
		case aSeriesString:
			if pos < len(b) && b[pos] < 0x80 && b[pos]&1 == 0 {
				l := int(b[pos] >> 1)
				if l > len(b)-pos-1 {
					return pos, errWalkTruncated
				}
				p.Series, p.SeriesState = b[pos+1:pos+1+l:pos+1+l], Set
				pos += 1 + l
				continue
			}
		case aValueDouble:
			if len(b)-pos >= 8 {
				p.Values[f.slot] = Value{Num: math.Float64frombits(binary.LittleEndian.Uint64(b[pos:])), State: Set}
				pos += 8
				continue
			}
		case aTimeMillis, aTimeLong:
			if v, next, err := readLong(b, pos); err == nil {
				if f.op == aTimeMillis {
					p.Time = time.UnixMilli(v)
				} else {
					p.Time = fromEpoch(v, p.Selection.Unit)
				}
				p.TimeState, pos = Set, next
				continue
			}
		case aValueFloat:
			if len(b)-pos >= 4 {
				p.Values[f.slot] = Value{Num: float64(math.Float32frombits(binary.LittleEndian.Uint32(b[pos:]))), State: Set}
				pos += 4
				continue
			}
		}
		if pos, err = f.run(b, pos, depth, p); err != nil {
			return pos, err
		}
	}
	return pos, nil
}

// leaf reads a selected value that is not a record or union.
func (g *avroProg) leaf(b []byte, pos, depth int, p *Plotted) (int, error) {
	var err error
	var s scalar
	switch g.op {
	case aNull:
		s.kind = sNull
	case aBool:
		if pos >= len(b) {
			return pos, errWalkTruncated
		}
		if b[pos] > 1 {
			return pos, errBadBool
		}
		s.kind, s.i = sBool, int64(b[pos])
		pos++
	case aInt, aDate, aIntOther:
		var v int32
		if v, pos, err = readInt(b, pos); err != nil {
			return pos, err
		}
		switch g.op {
		case aInt:
			s.kind, s.i = sInt, int64(v)
		case aDate:
			s.kind, s.t = sTime, time.Unix(int64(v)*86400, 0).UTC()
		default:
			s.kind = sOther
		}
	case aLong, aTimestampMillis, aTimestampMicros, aLongOther:
		var v int64
		if v, pos, err = readLong(b, pos); err != nil {
			return pos, err
		}
		switch g.op {
		case aLong:
			s.kind, s.i = sInt, v
		case aTimestampMillis:
			s.kind, s.t = sTime, time.UnixMilli(v)
		case aTimestampMicros:
			s.kind, s.t = sTime, time.UnixMicro(v)
		default:
			s.kind = sOther
		}
	case aFloat:
		var v float32
		if v, pos, err = readFloat(b, pos); err != nil {
			return pos, err
		}
		s.kind, s.f = sFloat32, float64(v)
	case aDouble:
		if s.f, pos, err = readDouble(b, pos); err != nil {
			return pos, err
		}
		s.kind = sFloat
	case aString, aDecimalBytes:
		var l int
		if l, pos, err = readLen(b, pos); err != nil {
			return pos, err
		}
		if g.op == aString {
			s.kind, s.b = sText, b[pos:pos+l:pos+l]
		} else {
			s.kind, s.f = sDecimal, decimalFloat(b[pos:pos+l], g.scale)
		}
		pos += l
	case aDecimalFixed:
		if len(b)-pos < g.node.size {
			return pos, errWalkTruncated
		}
		s.kind, s.f = sDecimal, decimalFloat(b[pos:pos+g.node.size], g.scale)
		pos += g.node.size
	case aEnum:
		var i int32
		if i, pos, err = readInt(b, pos); err != nil {
			return pos, err
		}
		if i < 0 || int(i) >= len(g.symbols) {
			return pos, errBadEnum
		}
		s.kind, s.b = sText, g.symbols[i]
	default: // aOther
		if pos, err = skip(g.node, b, pos, depth); err != nil {
			return pos, err
		}
		s.kind = sOther
	}
	p.apply(g.targets, &s)
	return pos, nil
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// decimalFloat returns the float64 nearest to a decimal's value: the
// big-endian two's-complement unscaled integer b over 10^scale.
func decimalFloat(b []byte, scale int) float64 {
	if len(b) <= 7 && scale >= 0 && scale < len(pow10) {
		var u int64
		if len(b) > 0 && b[0]&0x80 != 0 {
			u = -1
		}
		for _, c := range b {
			u = u<<8 | int64(c)
		}
		if u >= -(1<<53) && u <= 1<<53 {
			// Both exact: one correctly rounded division.
			return float64(u) / pow10[scale]
		}
	}
	num := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		num.Sub(num, new(big.Int).Lsh(big.NewInt(1), uint(len(b))*8))
	}
	denom := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)
	f, _ := new(big.Rat).SetFrac(num, denom).Float64()
	return f
}
