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
	// SchemaByID returns the schema text registered under id.
	SchemaByID(ctx context.Context, id int) (string, error)
}

// Record is a generically decoded Avro record.
//
// Fields holds every field of the writer's record by name, in hamba/avro's
// generic form: null → nil, boolean → bool, int → int, long → int64,
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
type Record struct {
	// SchemaID is the registry id of the writer schema.
	SchemaID int
	// Name is the full name of the writer's record (namespace.name).
	Name string
	// Fields maps field names to values (see the type's documentation).
	Fields map[string]any
}

// entry is everything the Decoder keeps per writer schema id.
type entry struct {
	schema    avro.Schema
	name      string
	root      *node
	sensor    *sensorPlan
	sensorErr error
	err       error // the schema could not be parsed or compiled
}

// call is an in-flight schema fetch that other callers may wait for.
type call struct {
	done chan struct{}
	e    *entry
	err  error
}

// maxInterned bounds the Decoder's table of sensor id strings.
const maxInterned = 4096

// Decoder decodes Confluent-framed Avro payloads using the writer schema
// named by each payload. It is safe for concurrent use; schemas are fetched
// once per id and kept.
type Decoder struct {
	src Source
	api avro.API // own hamba configuration, unaffected by avro.Register elsewhere

	entries atomic.Pointer[map[int]*entry] // copy-on-write, read without locks
	ids     atomic.Pointer[map[string]string]

	mu       sync.Mutex // guards writers of entries and ids, and inflight
	inflight map[int]*call
}

// NewDecoder returns a Decoder that fetches writer schemas from src.
func NewDecoder(src Source) *Decoder {
	return &Decoder{src: src, api: avro.Config{}.Freeze(), inflight: map[int]*call{}}
}

// Decode decodes a payload written with any record schema.
func (d *Decoder) Decode(ctx context.Context, payload []byte) (Record, error) {
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
	return Record{SchemaID: id, Name: e.name, Fields: fields}, nil
}

// DecodeSensor decodes a sensor reading from a payload written with any
// schema that has the fields timestamp (long or int), id (string) and value
// (double, float, long or int); other fields are skipped. On error into is
// left untouched.
func (d *Decoder) DecodeSensor(ctx context.Context, payload []byte, into *Sensor) (schemaID int, err error) {
	id, body, err := ParseHeader(payload)
	if err != nil {
		return 0, fmt.Errorf("decode sensor: %w", err)
	}
	e, err := d.entry(ctx, id)
	if err != nil {
		return id, err
	}
	if e.err != nil {
		return id, fmt.Errorf("decode sensor with schema %d: %w", id, e.err)
	}
	if e.sensor == nil {
		return id, fmt.Errorf("decode sensor with schema %d: %w", id, e.sensorErr)
	}
	var s Sensor
	idBytes, err := e.sensor.run(body, &s)
	if err != nil {
		return id, fmt.Errorf("decode sensor with schema %d: %w", id, err)
	}
	s.ID = d.intern(idBytes)
	*into = s
	return id, nil
}

// intern returns b as a string, reusing earlier strings with the same bytes
// so that decoding a known sensor id does not allocate.
func (d *Decoder) intern(b []byte) string {
	if m := d.ids.Load(); m != nil {
		if s, ok := (*m)[string(b)]; ok {
			return s
		}
	}
	s := string(b)
	d.mu.Lock()
	defer d.mu.Unlock()
	old := d.ids.Load()
	if old != nil && len(*old) >= maxInterned {
		return s
	}
	next := make(map[string]string, 1+lenOf(old))
	if old != nil {
		maps.Copy(next, *old)
	}
	next[s] = s
	d.ids.Store(&next)
	return s
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
	if m := d.entries.Load(); m != nil {
		if e, ok := (*m)[id]; ok {
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

	text, err := d.src.SchemaByID(ctx, id)
	if err != nil {
		c.err = sourceError(id, err)
	} else {
		c.e = newEntry(text)
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

// sourceError wraps a Source failure: retryable failures (network, 5xx)
// stay retryable and are not called unknown; anything else is
// ErrUnknownSchema.
func sourceError(id int, err error) error {
	switch {
	case errors.Is(err, ErrUnknownSchema):
		return fmt.Errorf("fetch schema %d: %w", id, err)
	case IsRetryable(err), errors.Is(err, context.Canceled):
		return fmt.Errorf("fetch schema %d: %w", id, err)
	default:
		return fmt.Errorf("fetch schema %d: %w: %w", id, ErrUnknownSchema, err)
	}
}

// newEntry parses and compiles a writer schema. Failures are kept in the
// entry: a schema id always names the same text, so retrying cannot help.
func newEntry(text string) *entry {
	s, err := parseSchema(text)
	if err != nil {
		return &entry{err: err}
	}
	root, err := compile(s)
	if err != nil {
		return &entry{err: fmt.Errorf("compile avro schema: %w", err)}
	}
	e := &entry{schema: s, root: root}
	if rec, ok := s.(*avro.RecordSchema); ok {
		e.name = rec.FullName()
	}
	e.sensor, e.sensorErr = newSensorPlan(s, root)
	return e
}
