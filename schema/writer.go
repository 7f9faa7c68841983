package schema

import (
	"strconv"
	"strings"
	"time"

	"github.com/hamba/avro/v2"
)

// Format is how a payload's body is encoded, named like the registry's
// schemaType.
type Format string

// Formats a registry can name.
const (
	FormatAvro     Format = "AVRO"
	FormatJSON     Format = "JSON"
	FormatProtobuf Format = "PROTOBUF"
)

// Kind is what a field can be used for when plotting.
type Kind uint8

// Field kinds.
const (
	// KindOther is a field that is neither plotted nor names a series:
	// boolean, bytes, fixed, array, map, date, time of day, or a union of
	// several kinds.
	KindOther Kind = iota
	// KindNumber is int, long, float, double or decimal (bytes or fixed with
	// a scale); in JSON, number or integer.
	KindNumber
	// KindTime is a point in time: the timestamp-millis/-micros logical
	// types (also local-), a long or int with logicalType timestamp-millis
	// or -micros on the field (the tutorial's form), a long or int field
	// named like a time (TimeLikeName: ts, timestamp, event_time, …; its
	// unit told by each value's magnitude); in JSON an integer with format
	// utc-millisec, timestamp-millis or timestamp-micros, an integer named
	// like a time, or a string with format date-time; in Protobuf a
	// google.protobuf.Timestamp or an integer named like a time.
	KindTime
	// KindString is string or enum; in JSON, string.
	KindString
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case KindNumber:
		return "number"
	case KindTime:
		return "time"
	case KindString:
		return "string"
	default:
		return "other"
	}
}

// Field is one leaf of a writer schema: a field of the top-level record or,
// by dotted path, of a record nested in it (also through a union with null).
// Arrays and maps are leaves of KindOther.
type Field struct {
	// Path is the dotted path from the top-level record, e.g. "location.lat".
	Path string
	// Type describes the writer's type, e.g. "double", "long/timestamp-millis",
	// "bytes/decimal", "string" or, in JSON Schema, "integer/utc-millisec".
	Type string
	// Kind says what the field can be used for.
	Kind Kind
	// Nullable is true when the field or a record above it is a union with
	// null (in JSON Schema: null among its types), so that a record may have
	// no value for it.
	Nullable bool
	// Unit is the unit of a KindTime field that holds an epoch number, as
	// its schema declares it (time.Millisecond or time.Microsecond); 0 when
	// its values are time.Time or date-time strings, or when each epoch
	// number's magnitude tells its unit (EpochTime).
	Unit time.Duration
	// Scale is a decimal's scale (digits after the point), 0 otherwise.
	Scale int
	// Repeated is true for a Protobuf repeated or map field: a leaf of
	// KindOther that is never plotted.
	Repeated bool
}

// Writer describes the writer schema of decoded records: their format, where
// the schema is registered, and their fields. A Decoder builds one per
// schema id and shares it between the records it decodes; it is never
// modified.
type Writer struct {
	// ID is the registry id, 0 for plain JSON without a header.
	ID int
	// Format is FormatAvro, FormatJSON or FormatProtobuf.
	Format Format
	// Name is the record's full name (Avro), the schema's title (JSON
	// Schema) or the message's full name (Protobuf); "" when unknown.
	Name string
	// Subject is a subject the schema is registered under, "" if unknown.
	Subject string
	// Version is the schema's version in Subject, 0 if unknown.
	Version int
	// File is the schema file of registry-less values (ID 0), "" otherwise.
	File string
	// Fields are the schema's leaves in writer order; nil for plain JSON,
	// whose fields are only known from each record.
	Fields []Field

	index      map[string]int  // Path → index in Fields
	unionNames map[string]bool // full names of named types that are union branches
}

// Field returns the leaf at path.
func (w *Writer) Field(path string) (Field, bool) {
	if w == nil {
		return Field{}, false
	}
	i, ok := w.index[path]
	if !ok {
		return Field{}, false
	}
	return w.Fields[i], true
}

// Label names the schema for people: "sensor v2", "temperature-value v1
// (JSON)", "sensor-protobuf v1 (PROTOBUF)", "sensor #7" when the version is
// unknown, "plain JSON" without a registry, "sensor (sensor.avsc)" for a
// schema file.
func (w *Writer) Label() string {
	if w == nil {
		return "?"
	}
	if w.File != "" {
		return w.Name + " (" + w.File + ")"
	}
	if w.ID == 0 && w.Format == FormatJSON {
		return "plain JSON"
	}
	var b strings.Builder
	switch {
	case w.Subject != "" && w.Version > 0:
		b.WriteString(w.Subject)
		b.WriteString(" v")
		b.WriteString(strconv.Itoa(w.Version))
	case w.Name != "":
		b.WriteString(w.Name)
		b.WriteString(" #")
		b.WriteString(strconv.Itoa(w.ID))
	default:
		b.WriteString("schema #")
		b.WriteString(strconv.Itoa(w.ID))
	}
	if w.Format != FormatAvro {
		b.WriteString(" (")
		b.WriteString(string(w.Format))
		b.WriteString(")")
	}
	return b.String()
}

// finish builds the Writer's path index.
func (w *Writer) finish() *Writer {
	w.index = make(map[string]int, len(w.Fields))
	for i, f := range w.Fields {
		if _, dup := w.index[f.Path]; !dup {
			w.index[f.Path] = i
		}
	}
	return w
}

// maxDescribeDepth bounds how deep nested records are listed.
const maxDescribeDepth = 16

// avroDescriber lists the leaves of an Avro record schema.
type avroDescriber struct {
	w      *Writer
	inside map[string]bool // records on the current path (recursion guard)
}

// describeAvro describes an Avro record schema.
func describeAvro(rec *avro.RecordSchema) *Writer {
	d := avroDescriber{w: &Writer{Format: FormatAvro, Name: rec.FullName(), unionNames: map[string]bool{}}, inside: map[string]bool{}}
	d.record(rec, "", false, 0)
	return d.w.finish()
}

func (d *avroDescriber) record(rec *avro.RecordSchema, prefix string, nullable bool, depth int) {
	if depth > maxDescribeDepth || d.inside[rec.FullName()] {
		return
	}
	d.inside[rec.FullName()] = true
	defer delete(d.inside, rec.FullName())
	for _, f := range rec.Fields() {
		d.field(prefix+f.Name(), f.Name(), f.Type(), fieldLogical(f), nullable, depth)
	}
}

// fieldLogical returns a logicalType property written on the field itself
// (which Avro ignores), or "".
func fieldLogical(f *avro.Field) string {
	s, _ := f.Prop("logicalType").(string)
	return s
}

func (d *avroDescriber) field(path, name string, s avro.Schema, onField string, nullable bool, depth int) {
	if ref, ok := s.(*avro.RefSchema); ok {
		s = ref.Schema()
	}
	switch s.Type() {
	case avro.Record:
		d.record(s.(*avro.RecordSchema), path+".", nullable, depth+1)
		return
	case avro.Union:
		var rest []avro.Schema
		hasNull := false
		for _, b := range s.(*avro.UnionSchema).Types() {
			if ref, ok := b.(*avro.RefSchema); ok {
				b = ref.Schema()
			}
			if named, ok := b.(avro.NamedSchema); ok {
				d.w.unionNames[named.FullName()] = true
			}
			if b.Type() == avro.Null {
				hasNull = true
				continue
			}
			rest = append(rest, b)
		}
		if len(rest) == 1 {
			d.field(path, name, rest[0], onField, nullable || hasNull, depth)
			return
		}
		f := Field{Path: path, Type: "union", Nullable: nullable || hasNull}
		numbers := len(rest) > 0
		for _, b := range rest {
			if k, _, _ := avroLeafKind(b, "", ""); k != KindNumber {
				numbers = false
			}
		}
		if numbers {
			f.Kind = KindNumber
		}
		d.w.Fields = append(d.w.Fields, f)
		return
	}
	kind, unit, scale := avroLeafKind(s, onField, name)
	typ := describe(s)
	if onField != "" && logicalOf(s) == "" {
		typ += " (logicalType " + onField + " on the field)"
	}
	d.w.Fields = append(d.w.Fields, Field{Path: path, Type: typ, Kind: kind, Nullable: nullable, Unit: unit, Scale: scale})
}

// avroLeafKind classifies a non-record, non-union schema; onField is a
// logicalType written on the field and name the field's own name.
func avroLeafKind(s avro.Schema, onField, name string) (Kind, time.Duration, int) {
	logical := logicalOf(s)
	switch s.Type() {
	case avro.Int, avro.Long:
		switch logical {
		case avro.TimestampMillis, avro.TimestampMicros, avro.LocalTimestampMillis, avro.LocalTimestampMicros:
			return KindTime, 0, 0
		case "":
		default: // date, time-millis, time-micros
			return KindOther, 0, 0
		}
		switch avro.LogicalType(onField) {
		case avro.TimestampMillis, avro.LocalTimestampMillis:
			return KindTime, time.Millisecond, 0
		case avro.TimestampMicros, avro.LocalTimestampMicros:
			return KindTime, time.Microsecond, 0
		}
		if TimeLikeName(name) { // the time rule (epoch.go)
			return KindTime, 0, 0
		}
		return KindNumber, 0, 0
	case avro.Float, avro.Double:
		return KindNumber, 0, 0
	case avro.Bytes, avro.Fixed:
		if logical == avro.Decimal {
			if ls, ok := s.(avro.LogicalTypeSchema); ok {
				if dec, ok := ls.Logical().(*avro.DecimalLogicalSchema); ok {
					return KindNumber, 0, dec.Scale()
				}
			}
		}
		return KindOther, 0, 0
	case avro.String, avro.Enum:
		return KindString, 0, 0
	default:
		return KindOther, 0, 0
	}
}

// Lookup returns the value at a dotted path of the record ("cost",
// "location.lat"), looking through the wrappers hamba/avro puts around a
// named union branch. ok is false when the path does not exist in this
// record; a null value gives nil and true.
func (r Record) Lookup(path string) (v any, ok bool) {
	var names map[string]bool
	if r.Writer != nil {
		names = r.Writer.unionNames
	}
	var cur any = r.Fields
	for path != "" {
		part := path
		if i := strings.IndexByte(path, '.'); i >= 0 {
			part, path = path[:i], path[i+1:]
		} else {
			path = ""
		}
		m, isMap := unwrapUnion(cur, names).(map[string]any)
		if !isMap {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return unwrapUnion(cur, names), true
}

// unwrapUnion returns the value inside a map{"<full name>": v} that
// hamba/avro makes of a named union branch, or v itself.
func unwrapUnion(v any, names map[string]bool) any {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 || len(names) == 0 {
		return v
	}
	for k, inner := range m {
		if names[k] {
			return inner
		}
	}
	return v
}
