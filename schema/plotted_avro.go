package schema

import (
	"encoding/binary"
	"math"
	"math/big"
	"time"

	"github.com/hamba/avro/v2"
)

// avroOp is what an avroProg does with one value.
type avroOp uint8

const (
	aSkip   avroOp = iota // not selected: walk it (skip validates)
	aRecord               // descend into a record's fields
	aUnion                // read the branch index, run the branch's program
	aNull
	aBool
	aInt
	aLong
	aFloat
	aDouble
	aString // also uuid
	aEnum
	aDate            // int days: a point in time
	aIntOther        // int time-millis: a duration
	aLongOther       // long time-micros: a duration
	aTimestampMillis // also local-timestamp-millis
	aTimestampMicros // also local-timestamp-micros
	aDecimalBytes
	aDecimalFixed
	aOther // bytes, fixed, array, map, a record not descended into: walked, unusable

	// Skips of the commonest unselected fields, without walking the node.
	aSkipBytes    // string or bytes
	aSkipOptBytes // a union of null and string or bytes
	aSkipLong

	// Reads of the commonest leaves into their one slot.
	aSeriesString
	aValueDouble
	aValueFloat
	aValueLong
	aValueInt
	aTimeLong // epoch units
	aTimeMillis
	aTimeMicros
)

// avroProg reads one value of a writer schema: the selected fields it
// holds, skipping the rest.
type avroProg struct {
	op       avroOp
	node     *node       // the writer's type, for walking
	targets  []target    // the slots this value fills
	fields   []*avroProg // aRecord: one per field, in writer order
	branches []*avroProg // aUnion: one per branch
	symbols  [][]byte    // aEnum
	scale    int         // decimals
	slot     int         // aValue*: the index in Values
}

// specialize turns a leaf with one slot into its direct read, where there
// is one.
func (g *avroProg) specialize() *avroProg {
	if len(g.targets) != 1 {
		return g
	}
	t := g.targets[0]
	op := g.op
	switch {
	case t.role == roleSeries && op == aString:
		g.op = aSeriesString
	case t.role == roleValue && op == aDouble:
		g.op, g.slot = aValueDouble, t.i
	case t.role == roleValue && op == aFloat:
		g.op, g.slot = aValueFloat, t.i
	case t.role == roleValue && op == aLong:
		g.op, g.slot = aValueLong, t.i
	case t.role == roleValue && op == aInt:
		g.op, g.slot = aValueInt, t.i
	case t.role == roleTime && op == aLong:
		g.op = aTimeLong
	case t.role == roleTime && op == aTimestampMillis:
		g.op = aTimeMillis
	case t.role == roleTime && op == aTimestampMicros:
		g.op = aTimeMicros
	}
	return g
}

// avroReader reads the selected fields of records of one Avro writer
// schema.
type avroReader struct {
	root *avroProg
	sel  *Selection
}

// avroReader returns the entry's compiled reader, compiling it on first use.
func (e *entry) avroReader(d *Decoder) *avroReader {
	if r := e.avroPlot.Load(); r != nil {
		return r
	}
	e.plotOnce.Do(func() {
		ix := d.selection(e.writer)
		e.avroPlot.Store(&avroReader{root: compileAvro(e.schema, e.root, "", ix), sel: ix.sel})
	})
	return e.avroPlot.Load()
}

// joinPath appends a field name to a dotted path.
func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// compileAvro builds the program for a value of schema s (walked as n) at
// path.
func compileAvro(s avro.Schema, n *node, path string, ix *selIndex) *avroProg {
	if ref, ok := s.(*avro.RefSchema); ok {
		s = ref.Schema()
	}
	ts := ix.targets[path]
	descend := path == "" || ix.under[path]
	if len(ts) == 0 && !descend {
		return skipProg(n)
	}
	g := &avroProg{node: n, targets: ts}
	switch s.Type() {
	case avro.Record:
		if !descend {
			g.op = aOther
			return g
		}
		g.op = aRecord
		for i, f := range s.(*avro.RecordSchema).Fields() {
			g.fields = append(g.fields, compileAvro(f.Type(), n.fields[i], joinPath(path, f.Name()), ix))
		}
		return g
	case avro.Union:
		g.op = aUnion
		types := s.(*avro.UnionSchema).Types()
		bare := true
		for _, b := range types {
			bare = bare && resolvedBranch[unionBranchName(b)]
		}
		for i, b := range types {
			if !bare && !isNamedOrNull(b) {
				// hamba/avro wraps the value in a map named by its type:
				// no field, and nothing to plot.
				wrapped := &avroProg{op: aSkip, node: n.branches[i]}
				if len(ts) > 0 {
					wrapped = &avroProg{op: aOther, node: n.branches[i], targets: ts}
				}
				g.branches = append(g.branches, wrapped)
				continue
			}
			g.branches = append(g.branches, compileAvro(b, n.branches[i], path, ix))
		}
		return g
	}
	if len(ts) == 0 {
		return skipProg(n)
	}
	g.op = aOther
	logical := logicalOf(s)
	switch s.Type() {
	case avro.Null:
		g.op = aNull
	case avro.Boolean:
		g.op = aBool
	case avro.Int:
		switch logical {
		case avro.Date:
			g.op = aDate
		case avro.TimeMillis:
			g.op = aIntOther
		default:
			g.op = aInt
		}
	case avro.Long:
		switch logical {
		case avro.TimestampMillis, avro.LocalTimestampMillis:
			g.op = aTimestampMillis
		case avro.TimestampMicros, avro.LocalTimestampMicros:
			g.op = aTimestampMicros
		case avro.TimeMicros:
			g.op = aLongOther
		default:
			g.op = aLong
		}
	case avro.Float:
		g.op = aFloat
	case avro.Double:
		g.op = aDouble
	case avro.String:
		g.op = aString
	case avro.Enum:
		g.op = aEnum
		for _, sym := range s.(*avro.EnumSchema).Symbols() {
			g.symbols = append(g.symbols, []byte(sym))
		}
	case avro.Bytes, avro.Fixed:
		if dec, ok := decimalOf(s); ok {
			g.op, g.scale = aDecimalBytes, dec.Scale()
			if s.Type() == avro.Fixed {
				g.op = aDecimalFixed
			}
		}
	}
	return g.specialize()
}

// skipProg is the program that skips a value of node n.
func skipProg(n *node) *avroProg {
	switch {
	case n.kind == kString || n.kind == kBytes:
		return &avroProg{op: aSkipBytes, node: n}
	case n.kind == kLong:
		return &avroProg{op: aSkipLong, node: n}
	case n.kind == kUnion && len(n.branches) == 2 &&
		(n.branches[0].kind == kNull && (n.branches[1].kind == kString || n.branches[1].kind == kBytes) ||
			n.branches[1].kind == kNull && (n.branches[0].kind == kString || n.branches[0].kind == kBytes)):
		return &avroProg{op: aSkipOptBytes, node: n}
	}
	return &avroProg{op: aSkip, node: n}
}

// resolvedBranch are the union branch types hamba/avro's type resolver
// knows: a union of only these decodes to the bare value of its branch,
// any other union to a map naming the branch's type, which Record.Lookup
// sees through for named types only.
var resolvedBranch = map[string]bool{"null": true, "int": true, "long": true, "float": true, "double": true,
	"string": true, "bytes": true, "boolean": true, "int.date": true, "int.time-millis": true,
	"long.timestamp-millis": true, "long.timestamp-micros": true, "long.time-micros": true,
	"bytes.decimal": true, "string.uuid": true}

// unionBranchName names a union branch as hamba/avro's resolver does.
func unionBranchName(s avro.Schema) string {
	if ref, ok := s.(*avro.RefSchema); ok {
		s = ref.Schema()
	}
	if n, ok := s.(avro.NamedSchema); ok {
		return n.FullName()
	}
	if l := logicalOf(s); l != "" {
		return string(s.Type()) + "." + string(l)
	}
	return string(s.Type())
}

func isNamedOrNull(s avro.Schema) bool {
	if ref, ok := s.(*avro.RefSchema); ok {
		s = ref.Schema()
	}
	_, named := s.(avro.NamedSchema)
	return named || s.Type() == avro.Null
}

// decimalOf returns the decimal logical schema of s, if it has one.
func decimalOf(s avro.Schema) (*avro.DecimalLogicalSchema, bool) {
	ls, ok := s.(avro.LogicalTypeSchema)
	if !ok || ls.Logical() == nil {
		return nil, false
	}
	dec, ok := ls.Logical().(*avro.DecimalLogicalSchema)
	return dec, ok
}

// read reads the selected fields of body into p, checking all of it.
func (r *avroReader) read(body []byte, id int, w *Writer, p *Plotted) error {
	p.begin(id, w, r.sel)
	end, err := r.root.run(body, 0, 0, p)
	if err != nil {
		return err
	}
	if end != len(body) {
		return trailing(len(body) - end)
	}
	return nil
}

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
