package schema

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"

	"github.com/hamba/avro/v2"
)

// Source looks up writer schemas by their registry id; *Client implements it.
type Source interface {
	// SchemaByID returns the Avro schema text registered under id.
	SchemaByID(ctx context.Context, id int) (string, error)
}

// InfoSource is a Source that also tells a schema's type (AVRO, JSON,
// PROTOBUF) and where it is registered; *Client implements it. A Decoder
// whose Source is an InfoSource decodes JSON Schema payloads too and names
// subjects and versions in its Writers.
type InfoSource interface {
	Source
	// SchemaInfo returns the schema registered under id with its Type and,
	// when the registry tells, a Subject and Version it is registered as.
	SchemaInfo(ctx context.Context, id int) (SubjectSchema, error)
}

// SubjectSchema is one version of a subject.
type SubjectSchema struct {
	// Subject is the subject name.
	Subject string
	// Version is the version within the subject, from 1.
	Version int
	// ID is the registry-wide schema id.
	ID int
	// Schema is the schema text.
	Schema string
	// Type is the schema's type: FormatAvro (also when the registry does
	// not say), FormatJSON or FormatProtobuf.
	Type Format
}

// Record is a generically decoded record: Avro, JSON with a registered JSON
// Schema, or plain JSON without a header.
//
// For Avro, Fields holds every field of the writer's record by name, in
// hamba/avro's generic form: null → nil, boolean → bool, int → int, long → int64,
// float → float32, double → float64, string (also uuid) → string,
// bytes → []byte, enum → string (the symbol), fixed → [N]byte,
// array → []any, map → map[string]any, record → map[string]any. A union
// gives nil for its null branch, the bare value for a primitive or logical
// branch (["null","string"] → string), and map[string]any{"<full name>": v}
// for a record, enum or fixed branch (hamba's type resolver). Logical
// types: date, timestamp-millis/-micros and local-timestamp-millis/-micros
// → time.Time (UTC), time-millis and time-micros → time.Duration,
// decimal → *big.Rat, duration → avro.LogicalDuration. The tutorial's
// schema (logicalType on the field) therefore yields int64 epoch
// milliseconds for timestamp, and SensorSchema yields a time.Time.
//
// For JSON, Fields holds the payload's object as encoding/json decodes it,
// except that numbers are json.Number (their exact text): object →
// map[string]any, array → []any, string, bool, null → nil.
//
// Lookup reads nested fields by dotted path; Writer describes the writer
// schema's fields.
type Record struct {
	// SchemaID is the registry id of the writer schema, 0 for plain JSON.
	SchemaID int
	// Name is the full name of the writer's record (namespace.name), the
	// JSON Schema's title, or "" for plain JSON.
	Name string
	// Fields maps field names to values (see the type's documentation).
	Fields map[string]any
	// Writer describes the writer schema; shared by every record of the
	// same schema id. Nil only for records built by hand.
	Writer *Writer
}

// entry is everything the Decoder keeps per writer schema id.
type entry struct {
	id     int
	format Format
	schema avro.Schema // Avro only
	name   string
	root   *node // Avro only
	writer *Writer
	proto  *protoSchema // Protobuf only
	err    error        // the schema could not be parsed or compiled, or is not decodable

	plotOnce sync.Once
	avroPlot atomic.Pointer[avroReader] // Avro only, compiled on first use
	shapes   *jsonShapes                // JSON Schema only
}

// call is an in-flight schema fetch that other callers may wait for.
type call struct {
	done chan struct{}
	e    *entry
	err  error
}

// Decoder decodes Confluent-framed payloads using the writer schema named by
// each payload: Avro and, when its Source is an InfoSource, JSON Schema
// (magic byte, id, JSON text). Plain JSON objects without a header are
// decoded too. It is safe for concurrent use; schemas are fetched once per
// id and kept.
type Decoder struct {
	src       Source
	api       avro.API // own hamba configuration, unaffected by avro.Register elsewhere
	choose    func(*Writer) Selection
	plainOnce sync.Once
	plainPlot *jsonShapes // readers of plain JSON records by shape
	plain     *Writer     // the Writer of plain JSON records
	file      *SchemaFile // every value is a bare body of this schema

	entries atomic.Pointer[map[int]*entry] // copy-on-write, read without locks
	last    atomic.Pointer[entry]          // the entry looked up last

	mu       sync.Mutex // guards writers of entries, and inflight
	inflight map[int]*call
}

// DecoderOption configures a Decoder.
type DecoderOption func(*Decoder)

// NewDecoder returns a Decoder that fetches writer schemas from src.
func NewDecoder(src Source, opts ...DecoderOption) *Decoder {
	d := &Decoder{src: src, api: avro.Config{}.Freeze(), inflight: map[int]*call{}, plain: (&Writer{Format: FormatJSON}).finish()}
	for _, opt := range opts {
		opt(d)
	}
	return d
}

// Writer returns the description of the writer schema registered under id
// (fetching it on first use), or of plain JSON for id 0.
func (d *Decoder) Writer(ctx context.Context, id int) (*Writer, error) {
	if id == 0 {
		if d.file != nil {
			return d.file.e.writer, nil
		}
		return d.plain, nil
	}
	e, err := d.entry(ctx, id)
	if err != nil {
		return nil, err
	}
	if e.writer == nil {
		return nil, fmt.Errorf("schema %d: %w", id, e.err)
	}
	return e.writer, nil
}

// Decode decodes a payload written with any record schema: Avro or JSON
// Schema behind a Confluent header, or a plain JSON object.
func (d *Decoder) Decode(ctx context.Context, payload []byte) (Record, error) {
	if d.file != nil {
		return d.decodeFile(payload)
	}
	if isPlainJSON(payload) {
		fields, err := decodeJSONObject(payload)
		if err != nil {
			return Record{}, fmt.Errorf("decode plain json: %w", err)
		}
		return Record{Fields: fields, Writer: d.plain}, nil
	}
	id, body, err := ParseHeader(payload)
	if err != nil {
		return Record{}, fmt.Errorf("decode: %w", err)
	}
	e, err := d.entry(ctx, id)
	if err != nil {
		return Record{}, err
	}
	if e.err != nil {
		return Record{}, fmt.Errorf("decode with schema %d: %w", id, e.err)
	}
	if e.format == FormatProtobuf {
		return d.decodeProto(id, e, body)
	}
	if e.format == FormatJSON {
		fields, err := decodeJSONObject(body)
		if err != nil {
			return Record{}, fmt.Errorf("decode with schema %d: %w", id, err)
		}
		return Record{SchemaID: id, Name: e.name, Fields: fields, Writer: e.writer}, nil
	}
	if e.name == "" {
		return Record{}, fmt.Errorf("decode with schema %d: top-level type is %s, not a record", id, e.schema.Type())
	}
	// Validate first: hamba/avro accepts truncated input and allocates
	// whatever a block count asks for.
	end, err := skip(e.root, body, 0, 0)
	if err != nil {
		return Record{}, fmt.Errorf("decode with schema %d: %w", id, err)
	}
	if end != len(body) {
		return Record{}, fmt.Errorf("decode with schema %d: %w", id, trailing(len(body)-end))
	}
	fields := map[string]any{}
	if err := d.api.Unmarshal(e.schema, body, &fields); err != nil {
		return Record{}, fmt.Errorf("decode with schema %d: %w", id, err)
	}
	return Record{SchemaID: id, Name: e.name, Fields: fields, Writer: e.writer}, nil
}

func lenOf[K comparable, V any](m *map[K]V) int {
	if m == nil {
		return 0
	}
	return len(*m)
}

// entry returns the cached entry for id, fetching and compiling the schema
// on first use. Concurrent first uses of one id share a single fetch.
func (d *Decoder) entry(ctx context.Context, id int) (*entry, error) {
	if e := d.last.Load(); e != nil && e.id == id {
		return e, nil
	}
	if m := d.entries.Load(); m != nil {
		if e, ok := (*m)[id]; ok {
			d.last.Store(e)
			return e, nil
		}
	}
	for {
		e, shared, err := d.fetch(ctx, id)
		// A fetch shared with another caller may have failed only because
		// that caller gave up: try again on our own context.
		if err != nil && shared && ctx.Err() == nil &&
			(errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			continue
		}
		return e, err
	}
}

// fetch looks id up in the Source unless another caller already is, and
// reports whether the result came from that other caller.
func (d *Decoder) fetch(ctx context.Context, id int) (e *entry, shared bool, err error) {
	d.mu.Lock()
	if m := d.entries.Load(); m != nil {
		if e, ok := (*m)[id]; ok {
			d.mu.Unlock()
			return e, false, nil
		}
	}
	if c, ok := d.inflight[id]; ok {
		d.mu.Unlock()
		select {
		case <-c.done:
			return c.e, true, c.err
		case <-ctx.Done():
			return nil, false, fmt.Errorf("fetch schema %d: %w", id, ctx.Err())
		}
	}
	c := &call{done: make(chan struct{})}
	d.inflight[id] = c
	d.mu.Unlock()

	info, err := d.lookup(ctx, id)
	if err == nil {
		c.e, err = d.newEntry(ctx, id, info)
	}
	if err != nil {
		c.e, c.err = nil, sourceError(id, err)
	}

	d.mu.Lock()
	delete(d.inflight, id)
	if c.e != nil {
		old := d.entries.Load()
		next := make(map[int]*entry, 1+lenOf(old))
		if old != nil {
			maps.Copy(next, *old)
		}
		next[id] = c.e
		d.entries.Store(&next)
	}
	d.mu.Unlock()
	close(c.done)
	return c.e, false, c.err
}

// lookup asks the Source for schema id, with its type when the Source can
// tell.
func (d *Decoder) lookup(ctx context.Context, id int) (SubjectSchema, error) {
	if is, ok := d.src.(InfoSource); ok {
		return is.SchemaInfo(ctx, id)
	}
	text, err := d.src.SchemaByID(ctx, id)
	return SubjectSchema{ID: id, Type: FormatAvro, Schema: text}, err
}

// sourceError wraps a Source failure: retryable failures (network, 5xx)
// stay retryable and are not called unknown; a schema of an unsupported
// type says so; anything else is ErrUnknownSchema.
func sourceError(id int, err error) error {
	switch {
	case errors.Is(err, ErrUnknownSchema), errors.Is(err, ErrUnsupportedType):
		return fmt.Errorf("fetch schema %d: %w", id, err)
	case IsRetryable(err), errors.Is(err, context.Canceled):
		return fmt.Errorf("fetch schema %d: %w", id, err)
	default:
		return fmt.Errorf("fetch schema %d: %w: %w", id, ErrUnknownSchema, err)
	}
}

// newEntry parses and compiles a writer schema. Failures are kept in the
// entry: a schema id always names the same text, so retrying cannot help.
// A Protobuf schema's references are fetched here too; only such a fetch
// failing returns an error (not kept, so that a later record retries).
func (d *Decoder) newEntry(ctx context.Context, id int, info SubjectSchema) (*entry, error) {
	var e *entry
	switch info.Type {
	case "", FormatAvro:
		e = newAvroEntry(info.Schema)
	case FormatJSON:
		e = newJSONEntry(info.Schema)
	case FormatProtobuf:
		var err error
		if e, err = newProtoEntry(ctx, d.src, id, info); err != nil {
			return nil, err
		}
	default:
		return &entry{id: id, err: fmt.Errorf("%w %s", ErrUnsupportedType, info.Type)}, nil
	}
	e.id = id
	d.finishEntry(e, id, info.Subject, info.Version)
	return e, nil
}

// finishEntry names an entry's writers.
func (d *Decoder) finishEntry(e *entry, id int, subject string, version int) {
	if e.proto != nil {
		for _, pm := range e.proto.byName {
			pm.writer.ID, pm.writer.Subject, pm.writer.Version = id, subject, version
		}
		return
	}
	if e.writer != nil {
		e.writer.ID, e.writer.Subject, e.writer.Version = id, subject, version
	}
}

// newAvroEntry parses and compiles an Avro writer schema.
func newAvroEntry(text string) *entry {
	s, err := parseSchema(text)
	if err != nil {
		return &entry{err: err}
	}
	root, err := compile(s)
	if err != nil {
		return &entry{err: fmt.Errorf("compile avro schema: %w", err)}
	}
	e := &entry{format: FormatAvro, schema: s, root: root}
	if rec, ok := s.(*avro.RecordSchema); ok {
		e.name = rec.FullName()
		e.writer = describeAvro(rec)
	}
	return e
}

// newJSONEntry reads a JSON Schema for its fields; payloads are decoded as
// JSON whatever the schema says.
func newJSONEntry(text string) *entry {
	w, err := describeJSONSchema(text)
	if err != nil {
		return &entry{err: err}
	}
	return &entry{format: FormatJSON, name: w.Name, writer: w}
}

// decodeProto decodes a Protobuf payload's body (message indexes, then the
// message) generically.
func (d *Decoder) decodeProto(id int, e *entry, body []byte) (Record, error) {
	idx, msg, err := ParseMessageIndexes(body)
	if err != nil {
		return Record{}, fmt.Errorf("decode with schema %d: %w", id, err)
	}
	pm, err := e.proto.message(idx)
	if err != nil {
		return Record{}, fmt.Errorf("decode with schema %d: %w", id, err)
	}
	fields, err := decodeProto(pm, msg)
	if err != nil {
		return Record{}, fmt.Errorf("decode with schema %d: %w", id, err)
	}
	return Record{SchemaID: id, Name: pm.writer.Name, Fields: fields, Writer: pm.writer}, nil
}
