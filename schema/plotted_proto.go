package schema

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

// maxDenseField bounds the field numbers a protoProg looks up by index.
const maxDenseField = 256

// errors of the Protobuf reader without context.
var (
	errProtoTag    = fmt.Errorf("%w: bad field tag", ErrMalformedProto)
	errProtoDecode = fmt.Errorf("%w: truncated or overlong field value", ErrMalformedProto)
	errProtoDepth  = fmt.Errorf("%w: nested deeper than %d messages", ErrMalformedProto, maxProtoNesting)
	errProtoString = fmt.Errorf("%w: string field is not valid UTF-8", ErrMalformedProto)
	// errProtoWhole hands a record over to the full parser.
	errProtoWhole = errors.New("record needs the full parser")
)

// protoReader reads the selected fields of one Protobuf message straight
// from the wire. A record that carries what the reader does not follow
// itself (a map or group field, a message whose type has required fields,
// a selected message field given twice, which Protobuf merges, a file in
// editions syntax) is parsed whole by the full parser instead, so the
// reader never accepts a body Decode refuses nor reads other values.
type protoReader struct {
	pm      *protoMessage
	ix      *selIndex
	top     *protoProg // nil: every record goes to the full parser
	nCounts int
}

// protoProg reads or checks one message type at one path.
type protoProg struct {
	dense  []*pfield
	sparse map[protowire.Number]*pfield
	// Selected fields without presence: their value when absent, applied
	// before the message is read (always) or after it (unless seen).
	early, late []pdefault
	all         uint64 // the seen bits of the late defaults together
}

// pdefault is the value of an absent field without presence.
type pdefault struct {
	targets []target
	s       scalar
}

// pop says how a protoProg's run reads a field: pGeneric through one and
// apply, the others straight into their one slot.
type pop uint8

const (
	pGeneric     pop = iota
	pValueDouble     // a double filling one value slot
	pSeriesText      // a string filling the series
	pTimeInt64       // an int64 read as epoch units for the time
)

// pfield is one declared field of a protoProg's message.
type pfield struct {
	op        pop
	slot      int    // pValueDouble: index in Values
	seen      uint64 // the bit run sets when the field's value is read, its default then not applied
	kind      protoreflect.Kind
	wire      protowire.Type
	list      bool
	whole     bool // present: hand the record to the full parser
	utf8      bool
	msg       *protoProg // message kinds: its contents
	timestamp bool       // a google.protobuf.Timestamp read as a point in time
	wrapped   bool       // a wrapper whose value field fills targets itself
	targets   []target   // selected: the slots this field fills
	names     map[int32][]byte
	count     int      // >= 0: counter of a selected message field or oneof
	clear     []target // slots under the other members of its oneof
}

// plotReader returns the message's compiled reader, compiling it on first
// use.
func (pm *protoMessage) plotReader(d *Decoder) *protoReader {
	pm.plotOnce.Do(func() {
		c := protoCompiler{checks: map[protoreflect.FullName]*protoProg{}, whole: map[protoreflect.FullName]bool{}}
		r := &protoReader{pm: pm, ix: d.selection(pm.writer)}
		if !c.needsWhole(pm.desc) {
			r.top = c.prog(pm.desc, "", r.ix, true)
			r.nCounts = c.counts
		}
		pm.plot = r
	})
	return pm.plot
}

// messageOf returns the message a Protobuf payload names by the message
// indexes at the start of body, and the body after them: the single byte
// 0, the commonest, without parsing an index array.
func (p *protoSchema) messageOf(body []byte) (*protoMessage, []byte, error) {
	if len(body) > 0 && body[0] == 0 && p.first != nil {
		return p.first, body[1:], nil
	}
	idx, msg, err := ParseMessageIndexes(body)
	if err != nil {
		return nil, nil, err
	}
	pm, err := p.message(idx)
	return pm, msg, err
}

// protoCompiler builds protoProgs, sharing the check-only program of each
// message type (so that recursive types compile).
type protoCompiler struct {
	checks map[protoreflect.FullName]*protoProg
	whole  map[protoreflect.FullName]bool
	counts int
}

// needsWhole reports whether a message's records always need the full
// parser: editions syntax, required fields, message-set wire format.
func (c *protoCompiler) needsWhole(md protoreflect.MessageDescriptor) bool {
	if w, ok := c.whole[md.FullName()]; ok {
		return w
	}
	c.whole[md.FullName()] = false // a cycle adds nothing
	opts, _ := md.Options().(*descriptorpb.MessageOptions)
	w := md.Syntax() == protoreflect.Editions || md.RequiredNumbers().Len() > 0 || opts.GetMessageSetWireFormat()
	c.whole[md.FullName()] = w
	return w
}

// prog builds the program of message md at path; selected says the path
// is on a selected route (else the program only checks).
func (c *protoCompiler) prog(md protoreflect.MessageDescriptor, path string, ix *selIndex, selected bool) *protoProg {
	if !selected {
		if g, ok := c.checks[md.FullName()]; ok {
			return g
		}
	}
	g := &protoProg{}
	if !selected {
		c.checks[md.FullName()] = g
	}
	fields := md.Fields()
	maxNum := 0
	for i := range fields.Len() {
		maxNum = max(maxNum, int(fields.Get(i).Number()))
	}
	g.dense = make([]*pfield, min(maxNum, maxDenseField)+1)
	for i := range fields.Len() {
		fd := fields.Get(i)
		f := c.field(fd, path, ix, selected)
		if int(fd.Number()) < len(g.dense) {
			g.dense[fd.Number()] = f
		} else {
			if g.sparse == nil {
				g.sparse = map[protowire.Number]*pfield{}
			}
			g.sparse[fd.Number()] = f
		}
		if len(f.targets) > 0 && !fd.HasPresence() {
			g.addDefault(f, protoDefault(fd))
		}
	}
	if selected {
		for i := range fields.Len() {
			fd := fields.Get(i)
			oo := fd.ContainingOneof()
			if oo == nil || oo.IsSynthetic() {
				continue
			}
			f := g.byNum(fd.Number())
			for j := range oo.Fields().Len() {
				other := oo.Fields().Get(j)
				if other.Number() != fd.Number() {
					f.clear = append(f.clear, ix.within(joinPath(path, string(other.Name())))...)
				}
			}
		}
	}
	return g
}

// addDefault adds the value of f when absent: a late default, applied
// when run has not seen f, for up to 64 singular fields; else an early
// one, which f's value overwrites.
func (g *protoProg) addDefault(f *pfield, s scalar) {
	d := pdefault{targets: f.targets, s: s}
	if f.list || len(g.late) == 64 {
		g.early = append(g.early, d)
		return
	}
	f.seen = 1 << len(g.late)
	g.all |= f.seen
	g.late = append(g.late, d)
}

func (g *protoProg) byNum(num protowire.Number) *pfield {
	if int(num) < len(g.dense) {
		return g.dense[num]
	}
	return g.sparse[num]
}

// field builds one field of a message program.
func (c *protoCompiler) field(fd protoreflect.FieldDescriptor, prefix string, ix *selIndex, selected bool) *pfield {
	path := joinPath(prefix, string(fd.Name()))
	f := &pfield{kind: fd.Kind(), wire: wireTypeOf(fd.Kind()), list: fd.IsList(), count: -1,
		utf8: fd.Kind() == protoreflect.StringKind && fd.Syntax() == protoreflect.Proto3}
	if selected {
		f.targets = ix.targets[path]
	}
	f.op, f.slot = directOp(fd, f.targets)
	descend := selected && ix.under[path]
	switch {
	case fd.IsMap(), fd.Kind() == protoreflect.GroupKind:
		f.whole = true
		return f
	case fd.Kind() == protoreflect.EnumKind:
		if len(f.targets) > 0 {
			f.names = map[int32][]byte{}
			vals := fd.Enum().Values()
			for i := range vals.Len() {
				v := vals.Get(i)
				if _, dup := f.names[int32(v.Number())]; !dup {
					f.names[int32(v.Number())] = []byte(v.Name())
				}
			}
		}
	case fd.Kind() == protoreflect.MessageKind:
		md := fd.Message()
		if c.needsWhole(md) {
			f.whole = true
			return f
		}
		if fd.IsList() {
			f.msg = c.prog(md, "", ix, false)
			return f
		}
		_, wrapper := wrapperValue(md)
		switch {
		case len(f.targets) > 0 && wrapper:
			// The wrapper stands for its value: compile it with the value
			// field at this path.
			f.msg, f.wrapped = c.wrapperProg(md, path, ix), true
		case md.FullName() == wktTimestamp && len(f.targets) > 0:
			f.timestamp = true
			f.msg = c.prog(md, "", ix, false)
		case descend && !wrapper && md.FullName() != wktTimestamp && md.FullName() != wktDuration:
			f.msg = c.prog(md, path, ix, true)
		default:
			f.msg = c.prog(md, "", ix, false)
		}
		if len(f.targets) > 0 || descend {
			f.count = c.counts
			c.counts++
		}
	}
	return f
}

// wrapperProg compiles a google.protobuf wrapper whose value field fills
// the targets at path.
func (c *protoCompiler) wrapperProg(md protoreflect.MessageDescriptor, path string, ix *selIndex) *protoProg {
	vf, _ := wrapperValue(md)
	g := &protoProg{dense: make([]*pfield, int(vf.Number())+1)}
	f := &pfield{kind: vf.Kind(), wire: wireTypeOf(vf.Kind()), count: -1, targets: ix.targets[path],
		utf8: vf.Kind() == protoreflect.StringKind && vf.Syntax() == protoreflect.Proto3}
	f.op, f.slot = directOp(vf, f.targets)
	g.dense[vf.Number()] = f
	g.addDefault(f, protoDefault(vf))
	return g
}

// directOp is the op reading a singular scalar field with one target
// straight into its slot, pGeneric for any other field.
func directOp(fd protoreflect.FieldDescriptor, ts []target) (pop, int) {
	if oo := fd.ContainingOneof(); len(ts) != 1 || fd.IsList() || fd.IsMap() || oo != nil && !oo.IsSynthetic() {
		return pGeneric, 0
	}
	switch t := ts[0]; {
	case fd.Kind() == protoreflect.DoubleKind && t.role == roleValue:
		return pValueDouble, t.i
	case fd.Kind() == protoreflect.StringKind && t.role == roleSeries:
		return pSeriesText, 0
	case fd.Kind() == protoreflect.Int64Kind && t.role == roleTime:
		return pTimeInt64, 0
	}
	return pGeneric, 0
}

// protoDefault is the value of an unset field without presence.
func protoDefault(fd protoreflect.FieldDescriptor) scalar {
	if fd.IsList() || fd.IsMap() {
		return scalar{kind: sOther}
	}
	switch fd.Kind() {
	case protoreflect.EnumKind:
		n := fd.Default().Enum()
		if ev := fd.Enum().Values().ByNumber(n); ev != nil {
			return scalar{kind: sText, b: []byte(ev.Name())}
		}
		return scalar{kind: sInt, i: int64(n)}
	case protoreflect.StringKind:
		return scalar{kind: sText, b: []byte(fd.Default().String())}
	case protoreflect.BoolKind:
		if fd.Default().Bool() {
			return scalar{kind: sBool, i: 1}
		}
		return scalar{kind: sBool}
	case protoreflect.FloatKind:
		return scalar{kind: sFloat32, f: fd.Default().Float()}
	case protoreflect.DoubleKind:
		return scalar{kind: sFloat, f: fd.Default().Float()}
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return scalar{kind: sUint, u: fd.Default().Uint()}
	case protoreflect.BytesKind, protoreflect.MessageKind, protoreflect.GroupKind:
		return scalar{kind: sOther}
	}
	return scalar{kind: sInt, i: fd.Default().Int()}
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

// wireTypeOf is the wire type of one value of kind k.
func wireTypeOf(k protoreflect.Kind) protowire.Type {
	switch k {
	case protoreflect.StringKind, protoreflect.BytesKind, protoreflect.MessageKind:
		return protowire.BytesType
	case protoreflect.GroupKind:
		return protowire.StartGroupType
	}
	return wireType(k)
}

// read reads the selected fields of a message body into p.
func (r *protoReader) read(body []byte, id int, w *Writer, p *Plotted) error {
	if r.top != nil {
		p.begin(id, w, r.ix.sel)
		if cap(p.counts) < r.nCounts {
			p.counts = make([]uint8, r.nCounts)
		}
		p.counts = p.counts[:r.nCounts]
		clear(p.counts)
		err := r.top.run(body, 1, p, true)
		if err == nil {
			return nil
		}
		if !errors.Is(err, errProtoWhole) {
			return err
		}
	}
	fields, err := decodeProto(r.pm, body)
	if err != nil {
		return err
	}
	rec := Record{SchemaID: id, Name: r.pm.writer.Name, Fields: fields, Writer: w}
	p.fromRecord(&rec, r.ix.sel)
	return nil
}
