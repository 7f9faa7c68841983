package schema

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// nestedSchema has nested and nullable records, decimals, an enum, a union
// of several kinds, an array, a map and a recursive field.
const nestedSchema = `{"type":"record","name":"reading","namespace":"x","fields":[
 {"name":"at","type":"long","logicalType":"timestamp-micros"},
 {"name":"location","type":{"type":"record","name":"loc","fields":[{"name":"lat","type":"double"},{"name":"label","type":"string"}]}},
 {"name":"calib","type":["null",{"type":"record","name":"calib","fields":[{"name":"offset","type":"double"},{"name":"gain","type":["null","float"]}]}]},
 {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
 {"name":"fee","type":["null",{"type":"fixed","name":"money","size":8,"logicalType":"decimal","precision":12,"scale":3}]},
 {"name":"kind","type":{"type":"enum","name":"kind","symbols":["A","B"]}},
 {"name":"mixed","type":["null","int","string"]},
 {"name":"numbers","type":["int","double"]},
 {"name":"tags","type":{"type":"array","items":"string"}},
 {"name":"attrs","type":{"type":"map","values":"long"}},
 {"name":"day","type":{"type":"int","logicalType":"date"}},
 {"name":"next","type":["null","reading"]}]}`

func TestDescribeAvro(t *testing.T) {
	for _, tc := range []struct {
		name   string
		schema string
		want   []Field
	}{
		{
			name:   "click",
			schema: testsupport.ClickSchema,
			want: []Field{
				{Path: "id", Type: "string", Kind: KindString},
				{Path: "impression_id", Type: "string", Kind: KindString},
				{Path: "creative_id", Type: "string", Kind: KindString},
				{Path: "placement_id", Type: "string", Kind: KindString},
				{Path: "timestamp", Type: "long/timestamp-millis", Kind: KindTime},
				{Path: "user_agent", Type: "string", Kind: KindString, Nullable: true},
				{Path: "ip", Type: "string", Kind: KindString, Nullable: true},
				{Path: "referrer", Type: "string", Kind: KindString, Nullable: true},
				{Path: "cost", Type: "float", Kind: KindNumber},
			},
		},
		{
			name:   "nested",
			schema: nestedSchema,
			want: []Field{
				{Path: "at", Type: "long (logicalType timestamp-micros on the field)", Kind: KindTime, Unit: time.Microsecond},
				{Path: "location.lat", Type: "double", Kind: KindNumber},
				{Path: "location.label", Type: "string", Kind: KindString},
				{Path: "calib.offset", Type: "double", Kind: KindNumber, Nullable: true},
				{Path: "calib.gain", Type: "float", Kind: KindNumber, Nullable: true},
				{Path: "price", Type: "bytes/decimal", Kind: KindNumber, Scale: 2},
				{Path: "fee", Type: "fixed/decimal", Kind: KindNumber, Nullable: true, Scale: 3},
				{Path: "kind", Type: "enum", Kind: KindString},
				{Path: "mixed", Type: "union", Kind: KindOther, Nullable: true},
				{Path: "numbers", Type: "union", Kind: KindNumber},
				{Path: "tags", Type: "array", Kind: KindOther},
				{Path: "attrs", Type: "map", Kind: KindOther},
				{Path: "day", Type: "int/date", Kind: KindOther},
			},
		},
		{
			name: "integers named like a time, their unit told by their values",
			schema: `{"type":"record","name":"s","fields":[{"name":"timestamp","type":"long"},{"name":"ts","type":"long"},` +
				`{"name":"meta","type":{"type":"record","name":"m","fields":[{"name":"created_at","type":"int"},{"name":"load","type":"long"}]}},` +
				`{"name":"response_ts","type":"double"}]}`,
			want: []Field{
				{Path: "timestamp", Type: "long", Kind: KindTime},
				{Path: "ts", Type: "long", Kind: KindTime},
				{Path: "meta.created_at", Type: "int", Kind: KindTime},
				{Path: "meta.load", Type: "long", Kind: KindNumber},
				{Path: "response_ts", Type: "double", Kind: KindNumber},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := parseSchema(tc.schema)
			if err != nil {
				t.Fatal(err)
			}
			w := newAvroEntry(tc.schema).writer
			if w == nil {
				t.Fatalf("no writer for %s", s)
			}
			if !reflect.DeepEqual(w.Fields, tc.want) {
				t.Errorf("fields:\n got %+v\nwant %+v", w.Fields, tc.want)
			}
			for _, f := range tc.want {
				if got, ok := w.Field(f.Path); !ok || got != f {
					t.Errorf("Field(%q) = %+v, %v", f.Path, got, ok)
				}
			}
			if _, ok := w.Field("nope"); ok {
				t.Error("Field(nope) found")
			}
		})
	}
}

func TestRecordLookup(t *testing.T) {
	d := newSensorDecoder(&memSource{schemas: map[int]string{1: nestedSchema}})
	in := map[string]any{
		"at":       int64(1700000000123456),
		"location": map[string]any{"lat": 59.3, "label": "Kista"},
		"calib":    map[string]any{"x.calib": map[string]any{"offset": 0.5, "gain": nil}},
		"price":    big.NewRat(1234, 100),
		"fee":      map[string]any{"x.money": big.NewRat(-5, 1000)},
		"kind":     "B",
		"mixed":    nil,
		"numbers":  map[string]any{"double": 2.5},
		"tags":     []any{"a"},
		"attrs":    map[string]any{"floor": int64(3)},
		"day":      time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC),
		"next":     nil,
	}
	rec, err := d.Decode(context.Background(), frame(t, 1, nestedSchema, in))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		want any
		ok   bool
	}{
		{"at", int64(1700000000123456), true},
		{"location.lat", 59.3, true},
		{"location.label", "Kista", true},
		{"calib.offset", 0.5, true},
		{"calib.gain", nil, true},
		{"price", big.NewRat(1234, 100), true},
		{"fee", big.NewRat(-5, 1000), true},
		{"kind", "B", true},
		{"mixed", nil, true},
		{"attrs.floor", int64(3), true},
		{"location.nope", nil, false},
		{"location.lat.deeper", nil, false},
		{"nope", nil, false},
		{"next.at", nil, false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			got, ok := rec.Lookup(tc.path)
			if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Lookup(%q) = %#v, %v; want %#v, %v", tc.path, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// infoSource is an InfoSource serving typed schemas from memory.
type infoSource struct {
	memSource
	infos map[int]SubjectSchema
}

func (s *infoSource) SchemaInfo(ctx context.Context, id int) (SubjectSchema, error) {
	s.calls.Add(1)
	info, ok := s.infos[id]
	if !ok {
		return SubjectSchema{}, errors.New("no such schema")
	}
	return info, nil
}

// sensorJSONSchema is the sensor event as a JSON Schema, as Confluent's
// JSONSerializer registers it.
const sensorJSONSchema = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "sensor",
  "type": "object",
  "properties": {
    "timestamp": {"type": "integer"},
    "id": {"type": "string"},
    "value": {"type": "number"},
    "site": {"$ref": "#/definitions/site"},
    "note": {"oneOf": [{"type": "null"}, {"type": "string"}]},
    "battery": {"type": ["number", "null"]},
    "taken": {"type": "string", "format": "date-time"}
  },
  "definitions": {"site": {"type": "object", "properties": {"floor": {"type": "integer"}, "room": {"type": "string"}}}},
  "required": ["timestamp", "id", "value"]
}`

func TestDescribeJSONSchema(t *testing.T) {
	for _, tc := range []struct {
		name   string
		schema string
		want   []Field
		err    string
	}{
		{
			name:   "sensor",
			schema: sensorJSONSchema,
			want: []Field{
				{Path: "timestamp", Type: "integer", Kind: KindTime},
				{Path: "id", Type: "string", Kind: KindString},
				{Path: "value", Type: "number", Kind: KindNumber},
				{Path: "site.floor", Type: "integer", Kind: KindNumber},
				{Path: "site.room", Type: "string", Kind: KindString},
				{Path: "note", Type: "string", Kind: KindString, Nullable: true},
				{Path: "battery", Type: "number", Kind: KindNumber, Nullable: true},
				{Path: "taken", Type: "string/date-time", Kind: KindTime},
			},
		},
		{
			name:   "time formats",
			schema: `{"type":"object","properties":{"a":{"type":"integer","format":"utc-millisec"},"b":{"type":"integer","format":"timestamp-micros"},"c":{"type":"integer","title":"org.apache.kafka.connect.data.Timestamp"},"d":{"type":["integer","number"]},"e":{"type":"boolean"}}}`,
			want: []Field{
				{Path: "a", Type: "integer/utc-millisec", Kind: KindTime, Unit: time.Millisecond},
				{Path: "b", Type: "integer/timestamp-micros", Kind: KindTime, Unit: time.Microsecond},
				{Path: "c", Type: "integer", Kind: KindTime, Unit: time.Millisecond},
				{Path: "d", Type: "integer|number", Kind: KindNumber},
				{Path: "e", Type: "boolean", Kind: KindOther},
			},
		},
		{
			name:   "integers named like a time",
			schema: `{"type":"object","properties":{"event_time":{"type":"integer"},"ts":{"type":["integer","null"]},"load_time":{"type":"number"},"rpm":{"type":"integer"}}}`,
			want: []Field{
				{Path: "event_time", Type: "integer", Kind: KindTime},
				{Path: "ts", Type: "integer", Kind: KindTime, Nullable: true},
				{Path: "load_time", Type: "number", Kind: KindNumber},
				{Path: "rpm", Type: "integer", Kind: KindNumber},
			},
		},
		{name: "not json", schema: `{"type":`, err: "parse json schema"},
		{name: "array at the top", schema: `{"type":"array","items":{"type":"number"}}`, err: "top-level type is array"},
		{name: "not an object", schema: `"string"`, err: "not a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := describeJSONSchema(tc.schema)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(w.Fields, tc.want) {
				t.Errorf("fields:\n got %+v\nwant %+v", w.Fields, tc.want)
			}
		})
	}
}

func TestDecodeJSON(t *testing.T) {
	src := &infoSource{infos: map[int]SubjectSchema{
		1: {ID: 1, Type: FormatJSON, Schema: sensorJSONSchema, Subject: "temperature-value", Version: 3},
		2: {ID: 2, Type: FormatProtobuf, Schema: `syntax = "proto3"; message Sensor { string id = 1; }`},
		3: {ID: 3, Type: FormatAvro, Schema: SensorSchema, Subject: "sensor", Version: 1},
		4: {ID: 4, Type: FormatJSON, Schema: `{"type":`},
	}}
	jsonPayload := func(id int, text string) []byte { return append(AppendHeader(nil, id), text...) }
	avroPayload := frame(t, 3, SensorSchema, map[string]any{"timestamp": int64(5), "id": "sensor1", "value": 2.5})
	for _, tc := range []struct {
		name      string
		payload   []byte
		want      Record // Writer checked by label
		label     string
		err       error
		mention   string
		sensorErr error
	}{
		{
			name:    "json schema",
			payload: jsonPayload(1, `{"timestamp":1700000000123,"id":"sensor3","value":21.5,"note":null}`),
			want: Record{SchemaID: 1, Name: "sensor", Fields: map[string]any{
				"timestamp": json.Number("1700000000123"), "id": "sensor3", "value": json.Number("21.5"), "note": nil}},
			label:     "temperature-value v3 (JSON)",
			sensorErr: nil,
		},
		{
			name:      "plain json",
			payload:   []byte(" \n{\"id\":\"sensor0\",\"value\":1,\"nested\":{\"a\":[1,true]}}"),
			want:      Record{Fields: map[string]any{"id": "sensor0", "value": json.Number("1"), "nested": map[string]any{"a": []any{json.Number("1"), true}}}},
			label:     "plain JSON",
			sensorErr: errNoReading,
		},
		{
			name:      "avro beside json",
			payload:   avroPayload,
			want:      Record{SchemaID: 3, Name: "sensor", Fields: map[string]any{"timestamp": time.UnixMilli(5).UTC(), "id": "sensor1", "value": 2.5}},
			label:     "sensor v1",
			sensorErr: nil,
		},
		{
			name:      "protobuf beside json",
			payload:   jsonPayload(2, "\x00\x0a\x07sensor0"),
			want:      Record{SchemaID: 2, Name: "Sensor", Fields: map[string]any{"id": "sensor0"}},
			label:     "Sensor #2 (PROTOBUF)",
			sensorErr: errNoReading,
		},
		{name: "protobuf truncated", payload: jsonPayload(2, "\x00\x0asensor"), err: ErrMalformedProto, mention: "schema 2", sensorErr: ErrMalformedProto},
		{name: "json array", payload: jsonPayload(1, `[1,2]`), err: ErrBadJSON, mention: "an array, not an object", sensorErr: ErrBadJSON},
		{name: "json trailing", payload: jsonPayload(1, `{"a":1} {"b":2}`), err: ErrBadJSON, mention: "data after the object", sensorErr: ErrBadJSON},
		{name: "json truncated", payload: jsonPayload(1, `{"a":`), err: ErrBadJSON, mention: "schema 1", sensorErr: ErrBadJSON},
		{name: "plain json truncated", payload: []byte(`{"a":1`), err: ErrBadJSON, mention: "decode plain json", sensorErr: ErrBadJSON},
		{name: "broken json schema", payload: jsonPayload(4, `{}`), mention: "parse json schema", sensorErr: nil},
		{name: "not json, not framed", payload: []byte("hello"), err: ErrBadMagic, mention: "0x68", sensorErr: ErrBadMagic},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newSensorDecoder(src)
			got, err := d.Decode(context.Background(), tc.payload)
			switch {
			case tc.mention != "":
				if err == nil || !strings.Contains(err.Error(), tc.mention) || (tc.err != nil && !errors.Is(err, tc.err)) {
					t.Fatalf("Decode err = %v, want %v mentioning %q", err, tc.err, tc.mention)
				}
				if IsRetryable(err) || errors.Is(err, ErrUnknownSchema) {
					t.Errorf("err %v is retryable or calls the schema unknown", err)
				}
			case err != nil:
				t.Fatalf("Decode: %v", err)
			default:
				if got.Writer.Label() != tc.label {
					t.Errorf("Writer.Label() = %q, want %q", got.Writer.Label(), tc.label)
				}
				got.Writer = nil
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("Decode = %#v\nwant %#v", got, tc.want)
				}
			}
			_, err = decodeSensor(context.Background(), d, tc.payload, &Sensor{})
			if tc.sensorErr == nil && tc.mention == "" {
				if err != nil {
					t.Errorf("DecodePlotted: %v", err)
				}
			} else if tc.sensorErr != nil && !errors.Is(err, tc.sensorErr) {
				t.Errorf("DecodePlotted err = %v, want %v", err, tc.sensorErr)
			}
		})
	}
}

func TestDecoderWriter(t *testing.T) {
	src := &infoSource{infos: map[int]SubjectSchema{
		1: {ID: 1, Type: FormatJSON, Schema: sensorJSONSchema},
		2: {ID: 2, Type: FormatProtobuf, Schema: "syntax"},
		3: {ID: 3, Type: FormatAvro, Schema: testsupport.ClickSchema, Subject: "com.example.click", Version: 2},
	}}
	d := newSensorDecoder(src)
	ctx := context.Background()
	for _, tc := range []struct {
		id    int
		label string
		err   string
	}{
		{0, "plain JSON", ""},
		{1, "sensor #1 (JSON)", ""},
		{3, "com.example.click v2", ""},
		{2, "", "compile protobuf schema: schema-2.proto:1:7: syntax error"},
		{9, "", "unknown schema id"},
	} {
		t.Run(strings.TrimSpace(tc.label+" "+tc.err), func(t *testing.T) {
			w, err := d.Writer(ctx, tc.id)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("Writer(%d) err = %v, want %q", tc.id, err, tc.err)
				}
				return
			}
			if err != nil || w.Label() != tc.label || w.ID != tc.id {
				t.Errorf("Writer(%d) = %+v (%q), %v; want %q", tc.id, w, w.Label(), err, tc.label)
			}
		})
	}
}

func TestWithSelectionOncePerSchema(t *testing.T) {
	const v2 = `{"type":"record","name":"sensor","fields":[{"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"id","type":"string"},{"name":"value","type":"double"},{"name":"unit","type":"string","default":"C"},{"name":"humidity","type":"double","default":0}]}`
	src := &memSource{schemas: map[int]string{1: SensorSchema, 2: v2}}
	var asked []int
	choose := func(w *Writer) Selection {
		asked = append(asked, w.ID)
		sel := sensorSelection(w)
		if _, ok := w.Field("humidity"); ok {
			sel.Values = append(sel.Values, "humidity")
		}
		return sel
	}
	d := NewDecoder(src, WithSelection(choose))
	ctx := context.Background()
	p1 := frame(t, 1, SensorSchema, map[string]any{"timestamp": int64(1), "id": "a", "value": 1.0})
	p2 := frame(t, 2, v2, map[string]any{"timestamp": int64(2), "id": "b", "value": 2.0, "unit": "C", "humidity": 40.5})
	for range 3 {
		var p Plotted
		if err := d.DecodePlotted(ctx, p1, &p); err != nil || string(p.Series) != "a" || len(p.Values) != 1 {
			t.Fatalf("v1 = %+v, %v", p, err)
		}
		if err := d.DecodePlotted(ctx, p2, &p); err != nil || len(p.Values) != 2 || p.Values[1] != (Value{Num: 40.5, State: Set}) {
			t.Fatalf("v2 = %+v, %v", p, err)
		}
	}
	if !reflect.DeepEqual(asked, []int{1, 2}) {
		t.Errorf("selection asked for %v, want once per schema [1 2]", asked)
	}
}

func TestClientSchemaInfo(t *testing.T) {
	c, _ := newConfluent(t)
	ctx := context.Background()
	v1, err := c.Register(ctx, "sensor", SensorSchema)
	if err != nil {
		t.Fatal(err)
	}
	jid, err := c.RegisterType(ctx, "temperature-value", FormatJSON, sensorJSONSchema)
	if err != nil {
		t.Fatalf("register json: %v", err)
	}
	pid, err := c.RegisterType(ctx, "proto-value", FormatProtobuf, `syntax = "proto3"; message S { string id = 1; }`)
	if err != nil {
		t.Fatalf("register protobuf: %v", err)
	}
	fresh, err := NewClient(c.BaseURL())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		id   int
		want SubjectSchema
	}{
		{"avro", v1, SubjectSchema{ID: v1, Type: FormatAvro, Subject: "sensor", Version: 1}},
		{"json", jid, SubjectSchema{ID: jid, Type: FormatJSON, Subject: "temperature-value", Version: 1}},
		{"protobuf", pid, SubjectSchema{ID: pid, Type: FormatProtobuf, Subject: "proto-value", Version: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, cl := range []*Client{c, fresh} {
				got, err := cl.SchemaInfo(ctx, tc.id)
				if err != nil {
					t.Fatal(err)
				}
				got.Schema = ""
				if got != tc.want {
					t.Errorf("SchemaInfo(%d) = %+v, want %+v", tc.id, got, tc.want)
				}
			}
			_, err := fresh.SchemaByID(ctx, tc.id)
			if tc.want.Type == FormatAvro {
				if err != nil {
					t.Errorf("SchemaByID: %v", err)
				}
			} else if !errors.Is(err, ErrUnsupportedType) || !strings.Contains(err.Error(), string(tc.want.Type)) {
				t.Errorf("SchemaByID = %v, want ErrUnsupportedType naming %s", err, tc.want.Type)
			}
		})
	}

	// Hopsworks answers no versions endpoint: the schema still decodes.
	h, srv := newHopsworks(t)
	hc, err := NewClient(srv.URL+hopsPrefix, WithAPIKey(h.key))
	if err != nil {
		t.Fatal(err)
	}
	id, err := hc.Register(ctx, "sensor", TutorialSensorSchema)
	if err != nil {
		t.Fatal(err)
	}
	hc2, _ := NewClient(srv.URL+hopsPrefix, WithAPIKey(h.key))
	info, err := hc2.SchemaInfo(ctx, id)
	if err != nil || info.Type != FormatAvro || info.Subject != "" || info.Version != 0 || info.Schema != TutorialSensorSchema {
		t.Errorf("Hopsworks SchemaInfo = %+v, %v", info, err)
	}
}
