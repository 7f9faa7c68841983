package schema

import (
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
