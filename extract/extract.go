// Package extract chooses what to plot from decoded records of any schema:
// the series that names a line, the numeric fields whose values are drawn,
// and the time each point is drawn at.
//
// A Config names fields by dotted path ("cost", "location.lat"); what it
// leaves empty is detected from the writer schema (schema.Writer):
//
//   - series: the Kafka key; for records without a key, a top-level string
//     field called device, sensor, id, host, name or key (the first of
//     these names there is); else the record's name (one line);
//   - values: every numeric field of the writer schema (int, long, float,
//     double, decimal; JSON number and integer) except the series and time
//     fields; for plain JSON without a schema, every number in the record;
//   - time: the first time field of the writer schema (timestamp-millis
//     or -micros, the tutorial's logicalType on the field, a
//     google.protobuf.Timestamp, a JSON Schema date-time, an integer named
//     like a time: ts, timestamp, event_time, created_at, …); for plain
//     JSON, a member named timestamp, else an integer counting seconds,
//     milliseconds, microseconds or nanoseconds from the epoch to a
//     plausible date, one named like a time first; else the Kafka record's
//     timestamp. One rule for every format (schema.TimePick,
//     schema.TimeLikeName); an epoch integer's unit is told by its
//     magnitude unless the schema declares it.
//
// Protobuf messages are planned like records: nested messages by dotted
// path, every integer and floating-point field a value; repeated and map
// fields are never plotted (Plan.Skipped names them).
//
// Selection tells a schema.Decoder which fields to read for the Plan of
// each writer schema (schema.WithSelection); Points makes the points of a
// record read that way (schema.Plotted), Extract those of a record decoded
// whole (schema.Record). The two give the same points.
//
// A value that is null (a union's null branch, an unset Protobuf optional,
// oneof member or message) or missing from a record gives a Null point: a
// gap in the line, which the dashboard counts. The
// package only reads schema.Record and schema.Writer; it knows nothing of
// Kafka clients or the terminal.
package extract

import (
	"encoding/json"
	"math"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
)

// Special names a Config may use instead of a field.
const (
	// KeySeries names series by the Kafka key only.
	KeySeries = "@key"
	// RecordTime draws points at the Kafka record's timestamp.
	RecordTime = "@time"
)

// Labels used in Source when no field is involved.
const (
	byKey        = "key"
	byRecord     = "record"
	byRecordTime = "record time"
	noSeries     = "(none)"
)

// Config chooses fields; zero values auto-detect (see the package
// documentation).
type Config struct {
	// Series is the dotted path of the field whose value names the line, or
	// KeySeries; "" detects.
	Series string
	// Values are the dotted paths of the numeric fields to plot; empty
	// detects.
	Values []string
	// Time is the dotted path of the time field (a timestamp logical type,
	// or a number of epoch milliseconds), or RecordTime; "" detects.
	Time string
}

// Point is one value to plot.
type Point struct {
	// Series names the line, e.g. "sensor3" or a creative id.
	Series string
	// Field is the dotted path of the plotted field, e.g. "value" or "cost".
	Field string
	// Time is when the point is drawn.
	Time time.Time
	// Value is the field's value; 0 when Null.
	Value float64
	// Null is true when the record has no value for Field (null or
	// missing): a gap in the line.
	Null bool
}

// Source says where a record's points came from, for the dashboard header.
type Source struct {
	// SeriesBy is "key", the path of the series field, or "record" when
	// nothing names series.
	SeriesBy string
	// TimeBy is the path of the time field or "record time".
	TimeBy string
}

// Plan is what an Extractor takes from the records of one writer schema.
type Plan struct {
	// Series is the configured series field or KeySeries; "" means the
	// key, else Fallback.
	Series string
	// Fallback is the string field naming series of records without a key
	// ("" if none) when Series is "".
	Fallback string
	// Values are the paths of the fields plotted.
	Values []string
	// Time is the path of the time field, "" for the record's timestamp.
	Time string
	// Unit is the unit of a numeric Time field as the schema declares it
	// (time.Millisecond or time.Microsecond); 0 tells it from each value's
	// magnitude (schema.EpochTime).
	Unit time.Duration
	// Skipped are the paths of the writer's repeated and map fields
	// (Protobuf), which are never plotted.
	Skipped []string
}

// Extractor turns records into points. It is safe for concurrent use; it
// keeps one Plan per writer schema.
type Extractor struct {
	cfg    Config
	mu     sync.Mutex
	plans  map[*schema.Writer]*Plan
	keys   names // series names of Kafka keys
	values names // series names of field values
}

// New returns an Extractor for cfg.
func New(cfg Config) *Extractor {
	cfg.Values = slices.Clone(cfg.Values)
	return &Extractor{cfg: cfg, plans: map[*schema.Writer]*Plan{}}
}

// Config returns the Extractor's configuration.
func (e *Extractor) Config() Config {
	c := e.cfg
	c.Values = slices.Clone(c.Values)
	return c
}

// Plan returns what the Extractor takes from records written with w. For a
// writer without field descriptions (plain JSON) it is computed from each
// record instead, and Plan only reflects the configuration.
func (e *Extractor) Plan(w *schema.Writer) *Plan {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p, ok := e.plans[w]; ok {
		return p
	}
	p := e.plan(w)
	if w != nil && len(w.Fields) > 0 {
		e.plans[w] = p
	}
	return p
}

// plan builds the Plan for a described writer schema.
func (e *Extractor) plan(w *schema.Writer) *Plan {
	p := &Plan{Series: e.cfg.Series}
	var fields []schema.Field
	if w != nil {
		fields = w.Fields
	}
	switch e.cfg.Time {
	case RecordTime:
	case "":
		for _, f := range fields {
			if f.Kind == schema.KindTime {
				p.Time = f.Path
				break
			}
		}
	default:
		p.Time = e.cfg.Time
	}
	if f, ok := w.Field(p.Time); ok {
		p.Unit = f.Unit
	}
	if p.Series == "" {
		p.Fallback = fallbackSeries(fields)
	}
	for _, f := range fields {
		if f.Repeated {
			p.Skipped = append(p.Skipped, f.Path)
		}
	}
	if len(e.cfg.Values) > 0 {
		p.Values = slices.Clone(e.cfg.Values)
		return p
	}
	for _, f := range fields {
		if f.Kind == schema.KindNumber && f.Path != p.Time && f.Path != p.Series && f.Path != p.Fallback {
			p.Values = append(p.Values, f.Path)
		}
	}
	return p
}

// fallbackSeries returns the top-level string field that names the series
// of records without a key (seriesField), or "".
func fallbackSeries(fields []schema.Field) string {
	return seriesField(func(name string) string {
		for _, f := range fields {
			if f.Kind == schema.KindString && strings.EqualFold(f.Path, name) {
				return f.Path
			}
		}
		return ""
	})
}

// seriesField returns the first of the names a series field is sought by,
// in order of preference, that has(name) finds (as the record spells it),
// or "": the thing measured (device, sensor) before a record's id, then a
// host, a name or a key.
func seriesField(has func(name string) string) string {
	for _, name := range [...]string{"device", "sensor", "id", "host", "name", "key"} {
		if path := has(name); path != "" {
			return path
		}
	}
	return ""
}

// epochField returns the path of the integer that is the time by the time
// rule (schema.TimePick), the one schema applies to plain JSON records read
// for plotting, and its unit; "" when there is none.
func epochField(fields map[string]any) (string, time.Duration) {
	var pick schema.TimePick
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			path := prefix + k
			if sub, ok := v.(map[string]any); ok {
				walk(path+".", sub)
				continue
			}
			if n, ok := epochInt(v); ok {
				pick.Offer(path, n)
			}
		}
	}
	walk("", fields)
	return pick.Path, pick.Unit
}

// epochInt returns v as an integer when it is one.
func epochInt(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		i, err := x.Int64()
		return i, err == nil
	case int64:
		return x, true
	case int:
		return int64(x), true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return int64(x), true
		}
	}
	return 0, false
}

// plainPlan builds a Plan from the values of a record without field
// descriptions.
func (e *Extractor) plainPlan(rec *schema.Record) *Plan {
	p := &Plan{Series: e.cfg.Series}
	switch e.cfg.Time {
	case RecordTime:
	case "":
		if v, ok := rec.Fields["timestamp"]; ok {
			if _, isNum := Number(v); isNum {
				p.Time = "timestamp"
			}
		}
		if p.Time == "" {
			p.Time, p.Unit = epochField(rec.Fields)
		}
	default:
		p.Time = e.cfg.Time
	}
	if p.Series == "" {
		p.Fallback = seriesField(func(name string) string {
			if _, ok := rec.Fields[name].(string); ok {
				return name
			}
			for k, v := range rec.Fields {
				if _, ok := v.(string); ok && strings.EqualFold(k, name) {
					return k
				}
			}
			return ""
		})
	}
	if len(e.cfg.Values) > 0 {
		p.Values = slices.Clone(e.cfg.Values)
		return p
	}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			path := prefix + k
			switch x := v.(type) {
			case map[string]any:
				walk(path+".", x)
			case string, bool, nil, []any:
			default:
				if _, ok := Number(v); ok && path != p.Time && path != p.Series && path != p.Fallback {
					p.Values = append(p.Values, path)
				}
			}
		}
	}
	walk("", rec.Fields)
	sort.Strings(p.Values)
	return p
}

// Extract appends the points of rec to dst: one per plotted field. key is
// the Kafka key and ts the Kafka record's timestamp.
func (e *Extractor) Extract(rec *schema.Record, key []byte, ts time.Time, dst []Point) ([]Point, Source) {
	var p *Plan
	if rec.Writer != nil && len(rec.Writer.Fields) > 0 {
		p = e.Plan(rec.Writer)
	} else {
		p = e.plainPlan(rec)
	}
	series, by := e.series(p, rec, key)
	at, timeBy := ts, byRecordTime
	if p.Time != "" {
		if v, ok := rec.Lookup(p.Time); ok {
			if t, ok := toTime(v, p.Unit); ok {
				at, timeBy = t, p.Time
			}
		}
	}
	for _, path := range p.Values {
		pt := Point{Series: series, Field: path, Time: at}
		v, ok := rec.Lookup(path)
		if !ok || v == nil {
			pt.Null = true
			dst = append(dst, pt)
			continue
		}
		f, ok := Number(v)
		if !ok {
			s, isString := v.(string)
			if !isString {
				continue
			}
			if f, ok = parseFloat(s); !ok {
				continue
			}
		}
		pt.Value = f
		dst = append(dst, pt)
	}
	return dst, Source{SeriesBy: by, TimeBy: timeBy}
}

// series names a record's line.
func (e *Extractor) series(p *Plan, rec *schema.Record, key []byte) (string, string) {
	switch {
	case p.Series == KeySeries:
		if len(key) == 0 {
			return noSeries, byKey
		}
		return e.keys.get(key, keyString), byKey
	case p.Series != "":
		v, ok := rec.Lookup(p.Series)
		if !ok || v == nil {
			return noSeries, p.Series
		}
		return Format(v, schema.Field{}), p.Series
	case len(key) > 0:
		return e.keys.get(key, keyString), byKey
	case p.Fallback != "":
		if v, ok := rec.Lookup(p.Fallback); ok && v != nil {
			return Format(v, schema.Field{}), p.Fallback
		}
		return noSeries, p.Fallback
	}
	name := rec.Name
	if name == "" {
		name = "records"
	}
	return name, byRecord
}

// Number converts a decoded numeric value to float64: Go's integer and
// float types, json.Number and *big.Rat (Avro decimal).
func Number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case int16:
		return float64(x), true
	case int8:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint32:
		return float64(x), true
	case json.Number:
		return parseFloat(string(x))
	case *big.Rat:
		if x == nil {
			return 0, false
		}
		f, _ := x.Float64()
		return f, true
	}
	return 0, false
}

// parseFloat parses a number written as text.
func parseFloat(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// toTime converts a decoded time value: time.Time, a number of units since
// the epoch, or an RFC 3339 string.
func toTime(v any, unit time.Duration) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, true
	case string:
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(x))
		return t, err == nil
	}
	f, ok := Number(v)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, false
	}
	if n, isJSON := v.(json.Number); isJSON {
		if i, err := n.Int64(); err == nil {
			return fromUnits(i, unit), true
		}
	}
	switch x := v.(type) {
	case int64:
		return fromUnits(x, unit), true
	case int:
		return fromUnits(int64(x), unit), true
	case int32:
		return fromUnits(int64(x), unit), true
	}
	if math.Abs(f) > 1<<62 {
		return time.Time{}, false
	}
	return fromUnits(int64(math.Round(f)), unit), true
}

// fromUnits returns the time n units after the epoch.
func fromUnits(n int64, unit time.Duration) time.Time { return schema.EpochTime(n, unit) }
