package schema

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// Selection names the fields a compiled reader takes from each record of
// one writer schema, by dotted path as Record.Lookup reads them ("cost",
// "location.lat"): through nested records, Protobuf messages and JSON
// objects, and through unions. Entries of an Avro or Protobuf map are not
// fields.
type Selection struct {
	// Series is the path of the field whose value names the series; ""
	// reads none.
	Series string
	// Values are the paths of the fields to plot.
	Values []string
	// Time is the path of the time field; "" reads none.
	Time string
	// Unit is the unit of a numeric Time field: time.Second,
	// time.Millisecond, time.Microsecond or time.Nanosecond; 0 tells it from
	// each value's magnitude (EpochTime).
	Unit time.Duration
}

// State says what a record holds at a selected path.
type State uint8

// States of a selected field.
const (
	// Absent: the record has no value there (the field is missing, null,
	// an unset Protobuf optional, or under a null record).
	Absent State = iota
	// Set: the value is usable (a number for a value, text for the series,
	// a point in time for the time).
	Set
	// Unusable: the value is of another kind (a boolean or bytes as a
	// value, a record as the series, a string that is no date as the time).
	Unusable
)

// Value is one plotted field of a record.
type Value struct {
	// Num is the value when State is Set.
	Num float64
	// State says whether the record has a usable value.
	State State
}

// Plotted holds the selected fields of one record, read by DecodePlotted
// with the reader compiled for its writer schema. A value is a number as
// Go converts the decoded value (int, long, float, double, a decimal's
// nearest float64, a Protobuf integer, a JSON number), or a string's text
// as strconv.ParseFloat reads it after trimming spaces. The series is a
// string's or an enum's text, a number's shortest text, or true/false. The
// time is a timestamp logical type, a Protobuf Timestamp, an RFC 3339
// string, or a number of Selection.Unit since the epoch (rounded, within
// ±2^62). Reuse one Plotted across calls: reading into it does not
// allocate once its slices have grown.
type Plotted struct {
	// SchemaID is the writer schema's registry id, 0 for plain JSON and
	// schema files.
	SchemaID int
	// Writer describes the writer schema (for plain JSON, the record's
	// shape); shared, never modified.
	Writer *Writer
	// Selection is what was read; shared, never modified.
	Selection *Selection
	// Values[i] is the value at Selection.Values[i].
	Values []Value
	// Series is the series field's text when SeriesState is Set: a view of
	// the payload or of this Plotted's buffer, valid until either is
	// reused.
	Series      []byte
	SeriesState State
	// Time is the time field's value when TimeState is Set.
	Time      time.Time
	TimeState State

	buf    []byte     // append-only while one record is read: unescaped and formatted text
	items  []jsonItem // JSON scan scratch
	sig    []byte     // JSON shape signature scratch
	counts []uint8    // Protobuf occurrences of selected message fields and oneofs
}

// begin resets p for a record read with sel.
func (p *Plotted) begin(id int, w *Writer, sel *Selection) {
	p.SchemaID, p.Writer, p.Selection = id, w, sel
	if cap(p.Values) < len(sel.Values) {
		p.Values = make([]Value, len(sel.Values))
	}
	p.Values = p.Values[:len(sel.Values)]
	clear(p.Values)
	p.Series, p.SeriesState = nil, Absent
	p.Time, p.TimeState = time.Time{}, Absent
	p.buf = p.buf[:0]
}

// role is what a selected field is read for.
type role uint8

const (
	roleValue role = iota
	roleSeries
	roleTime
)

// target is one slot of Plotted that a field fills.
type target struct {
	role role
	i    int // index in Values for roleValue
}

// selIndex is a Selection compiled for matching paths.
type selIndex struct {
	sel     *Selection
	targets map[string][]target // by exact path
	under   map[string]bool     // paths that have selected paths below them
}

func newSelIndex(sel Selection) *selIndex {
	s := &selIndex{sel: &sel, targets: map[string][]target{}, under: map[string]bool{}}
	add := func(path string, t target) {
		if path == "" {
			return
		}
		s.targets[path] = append(s.targets[path], t)
		for p := path; ; {
			i := strings.LastIndexByte(p, '.')
			if i < 0 {
				break
			}
			p = p[:i]
			s.under[p] = true
		}
	}
	add(sel.Series, target{role: roleSeries})
	for i, v := range sel.Values {
		add(v, target{role: roleValue, i: i})
	}
	add(sel.Time, target{role: roleTime})
	return s
}

// within returns the targets at path and at every path below it.
func (s *selIndex) within(path string) []target {
	var out []target
	for p, ts := range s.targets {
		if p == path || strings.HasPrefix(p, path+".") {
			out = append(out, ts...)
		}
	}
	return out
}

// scalarKind is the kind of a decoded leaf.
type scalarKind uint8

const (
	sNull    scalarKind = iota
	sInt                // i
	sUint               // u
	sFloat32            // f, exactly a float32
	sFloat              // f
	sDecimal            // f, a decimal's nearest float64
	sText               // b
	sNumText            // b, a JSON number's literal
	sBool               // i: 0 or 1
	sTime               // t
	sOther              // anything else: bytes, records, arrays, maps, durations
)

// scalar is one decoded leaf, in the form every format reduces it to.
type scalar struct {
	kind scalarKind
	i    int64
	u    uint64
	f    float64
	b    []byte
	t    time.Time
}

// apply fills the targets ts with s.
func (p *Plotted) apply(ts []target, s *scalar) {
	for _, t := range ts {
		switch t.role {
		case roleValue:
			p.Values[t.i] = s.value()
		case roleSeries:
			p.setSeries(s)
		case roleTime:
			p.Time, p.TimeState = s.time(p.Selection.Unit)
		}
	}
}

// clear marks the targets ts absent.
func (p *Plotted) clear(ts []target) {
	for _, t := range ts {
		switch t.role {
		case roleValue:
			p.Values[t.i] = Value{}
		case roleSeries:
			p.Series, p.SeriesState = nil, Absent
		case roleTime:
			p.Time, p.TimeState = time.Time{}, Absent
		}
	}
}

// bytesString views b as a string for a call that does not keep it.
func bytesString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// parseNumber reads a number written as text, as a plotted value.
func parseNumber(b []byte) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(bytesString(b)), 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func (s *scalar) value() Value {
	switch s.kind {
	case sNull:
		return Value{}
	case sInt:
		return Value{Num: float64(s.i), State: Set}
	case sUint:
		return Value{Num: float64(s.u), State: Set}
	case sFloat32, sFloat, sDecimal:
		return Value{Num: s.f, State: Set}
	case sNumText:
		if f, ok := jsonFloat(s.b); ok {
			return Value{Num: f, State: Set}
		}
		if f, ok := parseNumber(s.b); ok {
			return Value{Num: f, State: Set}
		}
	case sText:
		if f, ok := parseNumber(s.b); ok {
			return Value{Num: f, State: Set}
		}
	}
	return Value{State: Unusable}
}

func (p *Plotted) setSeries(s *scalar) {
	start := len(p.buf)
	switch s.kind {
	case sNull:
		p.Series, p.SeriesState = nil, Absent
		return
	case sText, sNumText:
		p.Series, p.SeriesState = s.b, Set
		return
	case sInt:
		p.buf = strconv.AppendInt(p.buf, s.i, 10)
	case sUint:
		p.buf = strconv.AppendUint(p.buf, s.u, 10)
	case sFloat:
		p.buf = strconv.AppendFloat(p.buf, s.f, 'g', -1, 64)
	case sFloat32:
		p.buf = strconv.AppendFloat(p.buf, s.f, 'g', -1, 32)
	case sBool:
		p.buf = strconv.AppendBool(p.buf, s.i != 0)
	default:
		p.Series, p.SeriesState = nil, Unusable
		return
	}
	p.Series, p.SeriesState = p.buf[start:len(p.buf):len(p.buf)], Set
}

// maxEpochUnits bounds a number of time units read as a point in time.
const maxEpochUnits = 1 << 62

func (s *scalar) time(unit time.Duration) (time.Time, State) {
	switch s.kind {
	case sNull:
		return time.Time{}, Absent
	case sTime:
		return s.t, Set
	case sInt:
		return fromEpoch(s.i, unit), Set
	case sUint:
		return floatTime(float64(s.u), unit)
	case sFloat32, sFloat, sDecimal:
		return floatTime(s.f, unit)
	case sNumText:
		if i, ok := jsonInt(s.b); ok {
			return fromEpoch(i, unit), Set
		}
		if i, err := strconv.ParseInt(bytesString(s.b), 10, 64); err == nil {
			return fromEpoch(i, unit), Set
		}
		f, ok := parseNumber(s.b)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			break
		}
		return floatTime(f, unit)
	case sText:
		if t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(bytesString(s.b))); err == nil {
			return t, Set
		}
	}
	return time.Time{}, Unusable
}

func floatTime(f float64, unit time.Duration) (time.Time, State) {
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > maxEpochUnits {
		return time.Time{}, Unusable
	}
	return fromEpoch(int64(math.Round(f)), unit), Set
}

// fromEpoch returns the time n units after the epoch.
func fromEpoch(n int64, unit time.Duration) time.Time { return EpochTime(n, unit) }

// scalarOf reduces a value of a generically decoded Record (see Record)
// to a scalar; text is appended to buf.
func scalarOf(v any) scalar {
	switch x := v.(type) {
	case nil:
		return scalar{kind: sNull}
	case int:
		return scalar{kind: sInt, i: int64(x)}
	case int32:
		return scalar{kind: sInt, i: int64(x)}
	case int64:
		return scalar{kind: sInt, i: x}
	case uint32:
		return scalar{kind: sUint, u: uint64(x)}
	case uint64:
		return scalar{kind: sUint, u: x}
	case float32:
		return scalar{kind: sFloat32, f: float64(x)}
	case float64:
		return scalar{kind: sFloat, f: x}
	case *big.Rat:
		if x == nil {
			return scalar{kind: sNull}
		}
		f, _ := x.Float64()
		return scalar{kind: sDecimal, f: f}
	case string:
		return scalar{kind: sText, b: []byte(x)}
	case json.Number:
		return scalar{kind: sNumText, b: []byte(x)}
	case bool:
		if x {
			return scalar{kind: sBool, i: 1}
		}
		return scalar{kind: sBool}
	case time.Time:
		return scalar{kind: sTime, t: x}
	}
	return scalar{kind: sOther}
}

// fromRecord fills p from a generically decoded record: the slow path of
// records a compiled reader hands over whole.
func (p *Plotted) fromRecord(rec *Record, sel *Selection) {
	p.begin(rec.SchemaID, rec.Writer, sel)
	one := func(path string, t target) {
		if path == "" {
			return
		}
		v, ok := rec.Lookup(path)
		if !ok {
			return
		}
		s := scalarOf(v)
		if s.kind == sText || s.kind == sNumText {
			start := len(p.buf)
			p.buf = append(p.buf, s.b...)
			s.b = p.buf[start:len(p.buf):len(p.buf)]
		}
		p.apply([]target{t}, &s)
	}
	one(sel.Series, target{role: roleSeries})
	for i, path := range sel.Values {
		one(path, target{role: roleValue, i: i})
	}
	one(sel.Time, target{role: roleTime})
}

// WithSelection makes DecodePlotted read, from records of each writer
// schema, the fields choose names for it. choose is called once per
// writer schema (Avro id, Protobuf message, JSON Schema id) and once per
// shape of plain JSON records (whose Writer then lists that shape's
// fields); without this option DecodePlotted reads no field and only
// checks records.
func WithSelection(choose func(*Writer) Selection) DecoderOption {
	return func(d *Decoder) { d.choose = choose }
}

// selection asks the Decoder's chooser for w's selection.
func (d *Decoder) selection(w *Writer) *selIndex {
	var sel Selection
	if d.choose != nil {
		sel = d.choose(w)
	}
	return newSelIndex(sel)
}

// DecodePlotted reads the selected fields (WithSelection) of a payload
// straight from its bytes, with a reader compiled once per writer schema:
// Avro or JSON Schema behind a Confluent header, Protobuf by id and message
// index, a plain JSON object, or a bare body of the schema file. It checks
// the whole body as Decode does: a payload Decode refuses gives an error
// here too, and into then holds no reading.
func (d *Decoder) DecodePlotted(ctx context.Context, payload []byte, into *Plotted) error {
	if d.file != nil {
		return d.plotFile(payload, into)
	}
	if isPlainJSON(payload) {
		if err := d.plainShapes().read(d, payload, 0, d.plain, into); err != nil {
			return fmt.Errorf("decode plain json: %w", err)
		}
		return nil
	}
	id, body, err := ParseHeader(payload)
	if err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	e, err := d.entry(ctx, id)
	if err != nil {
		return err
	}
	if e.err != nil {
		return fmt.Errorf("decode with schema %d: %w", id, e.err)
	}
	switch e.format {
	case FormatProtobuf:
		pm, msg, err := e.proto.messageOf(body)
		if err != nil {
			return fmt.Errorf("decode with schema %d: %w", id, err)
		}
		err = pm.plotReader(d).read(msg, id, pm.writer, into)
		if err != nil {
			return fmt.Errorf("decode with schema %d: %w", id, err)
		}
		return nil
	case FormatJSON:
		if err := e.jsonShapes().read(d, body, id, e.writer, into); err != nil {
			return fmt.Errorf("decode with schema %d: %w", id, err)
		}
		return nil
	}
	if e.name == "" {
		return fmt.Errorf("decode with schema %d: top-level type is %s, not a record", id, e.schema.Type())
	}
	if err := e.avroReader(d).read(body, id, e.writer, into); err != nil {
		return fmt.Errorf("decode with schema %d: %w", id, err)
	}
	return nil
}

// plotFile reads the selected fields of a bare body of the schema file.
func (d *Decoder) plotFile(payload []byte, into *Plotted) error {
	sf := d.file
	var err error
	if sf.pm != nil {
		err = sf.pm.plotReader(d).read(payload, 0, sf.e.writer, into)
	} else {
		err = sf.e.avroReader(d).read(payload, 0, sf.e.writer, into)
	}
	if err != nil {
		return fmt.Errorf("decode with schema file %s: %w", sf.Spec, err)
	}
	return nil
}
