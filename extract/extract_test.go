package extract

import (
	"context"
	"fmt"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/schema"
)

// Writer schemas used by the tests, registered in registry() under their
// ids.
const (
	clickID = 1 + iota
	sensorV1ID
	sensorV2ID
	nestedID
	sensorJSONID
	microsID
)

const nestedSchema = `{"type":"record","name":"reading","namespace":"x","fields":[
 {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"site","type":"string"},
 {"name":"location","type":{"type":"record","name":"loc","fields":[{"name":"lat","type":"double"},{"name":"label","type":"string"}]}},
 {"name":"calib","type":["null",{"type":"record","name":"calib","fields":[{"name":"offset","type":"double"}]}]},
 {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
 {"name":"fee","type":["null",{"type":"fixed","name":"money","size":8,"logicalType":"decimal","precision":12,"scale":3}]},
 {"name":"count","type":["null","long"]},{"name":"raw","type":"bytes"},{"name":"mac","type":{"type":"fixed","name":"mac","size":3}},
 {"name":"tags","type":{"type":"array","items":"string"}}]}`

const sensorJSON = `{"title":"sensor","type":"object","properties":{"timestamp":{"type":"integer"},"id":{"type":"string"},"value":{"type":"number"},"humidity":{"type":["number","null"]}}}`

const microsSchema = `{"type":"record","name":"m","fields":[{"name":"t","type":{"type":"long","logicalType":"timestamp-micros"}},{"name":"name","type":"string"},{"name":"v","type":"int"}]}`

// registry is a schema.InfoSource over the test schemas.
type registry map[int]schema.SubjectSchema

func (r registry) SchemaByID(ctx context.Context, id int) (string, error) {
	s, err := r.SchemaInfo(ctx, id)
	return s.Schema, err
}

func (r registry) SchemaInfo(_ context.Context, id int) (schema.SubjectSchema, error) {
	s, ok := r[id]
	if !ok {
		return s, fmt.Errorf("schema %d: %w", id, schema.ErrUnknownSchema)
	}
	return s, nil
}

func newRegistry() registry {
	avro := func(id int, subject string, version int, text string) schema.SubjectSchema {
		return schema.SubjectSchema{ID: id, Subject: subject, Version: version, Schema: text, Type: schema.FormatAvro}
	}
	return registry{
		clickID:      avro(clickID, "clicks-avro-value", 1, testsupport.ClickSchema),
		sensorV1ID:   avro(sensorV1ID, "sensor", 1, schema.TutorialSensorSchema),
		sensorV2ID:   avro(sensorV2ID, "sensor", 2, testsupport.SensorV2Humidity),
		nestedID:     avro(nestedID, "reading", 1, nestedSchema),
		sensorJSONID: {ID: sensorJSONID, Subject: "sensor-json", Version: 1, Schema: sensorJSON, Type: schema.FormatJSON},
		microsID:     avro(microsID, "m", 1, microsSchema),
	}
}

// decode encodes v with schema id and decodes it generically.
func decode(t *testing.T, d *schema.Decoder, reg registry, id int, v map[string]any) schema.Record {
	t.Helper()
	enc, err := schema.NewEncoder(id, reg[id].Schema)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := enc.Append(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := d.Decode(context.Background(), payload)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// encode encodes v with schema id of reg.
func encode(t *testing.T, reg registry, id int, v map[string]any) []byte {
	t.Helper()
	enc, err := schema.NewEncoder(id, reg[id].Schema)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := enc.Append(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	return payload
}

// jsonPayload is a JSON payload, framed with id unless id is 0.
func jsonPayload(id int, text string) []byte {
	if id == 0 {
		return []byte(text)
	}
	return append(schema.AppendHeader(nil, id), text...)
}

// decodeJSON decodes a JSON payload, framed with id unless id is 0.
func decodeJSON(t *testing.T, d *schema.Decoder, id int, text string) schema.Record {
	t.Helper()
	payload := []byte(text)
	if id != 0 {
		payload = append(schema.AppendHeader(nil, id), payload...)
	}
	rec, err := d.Decode(context.Background(), payload)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestExtract(t *testing.T) {
	reg := newRegistry()
	d := schema.NewDecoder(reg)
	kafkaTime := time.UnixMilli(1_800_000_000_000)
	ms := func(n int64) time.Time { return time.UnixMilli(n) }
	click := map[string]any{
		"id": "c-1", "impression_id": "i-1", "creative_id": "cr-7", "placement_id": "p-2",
		"timestamp": time.UnixMilli(1700000000123).UTC(), "user_agent": nil, "ip": "10.0.0.1", "referrer": nil, "cost": float32(0.25),
	}
	nested := map[string]any{
		"at": time.UnixMilli(1700000000500).UTC(), "site": "kista",
		"location": map[string]any{"lat": 59.25, "label": "A"},
		"calib":    nil,
		"price":    big.NewRat(1234, 100),
		"fee":      map[string]any{"x.money": big.NewRat(-5, 1000)},
		"count":    nil,
		"raw":      []byte{1, 2}, "mac": [3]byte{1, 2, 3}, "tags": []any{"a"},
	}
	for _, tc := range []struct {
		name    string
		cfg     Config
		payload func(t *testing.T) []byte
		key     string
		want    []Point
		source  Source
	}{
		{
			name:    "click by creative_id with cost",
			cfg:     Config{Series: "creative_id", Values: []string{"cost"}},
			payload: func(t *testing.T) []byte { return encode(t, reg, clickID, click) },
			key:     "c-1",
			want:    []Point{{Series: "cr-7", Field: "cost", Time: ms(1700000000123), Value: 0.25}},
			source:  Source{SeriesBy: "creative_id", TimeBy: "timestamp"},
		},
		{
			name:    "click detected: key, cost, timestamp",
			payload: func(t *testing.T) []byte { return encode(t, reg, clickID, click) },
			key:     "c-1",
			want:    []Point{{Series: "c-1", Field: "cost", Time: ms(1700000000123), Value: 0.25}},
			source:  Source{SeriesBy: "key", TimeBy: "timestamp"},
		},
		{
			name:    "click without key falls back to the id field",
			payload: func(t *testing.T) []byte { return encode(t, reg, clickID, click) },
			want:    []Point{{Series: "c-1", Field: "cost", Time: ms(1700000000123), Value: 0.25}},
			source:  Source{SeriesBy: "id", TimeBy: "timestamp"},
		},
		{
			name:    "click at the record time, a null string as a value is a gap",
			cfg:     Config{Series: "placement_id", Values: []string{"cost", "referrer"}, Time: RecordTime},
			payload: func(t *testing.T) []byte { return encode(t, reg, clickID, click) },
			want: []Point{
				{Series: "p-2", Field: "cost", Time: kafkaTime, Value: 0.25},
				{Series: "p-2", Field: "referrer", Time: kafkaTime, Null: true},
			},
			source: Source{SeriesBy: "placement_id", TimeBy: "record time"},
		},
		{
			name: "tutorial sensor: the timestamp's logicalType on the field",
			payload: func(t *testing.T) []byte {
				return encode(t, reg, sensorV1ID, map[string]any{"timestamp": int64(1700000000999), "id": "sensor3", "value": 21.5})
			},
			key:    "sensor3",
			want:   []Point{{Series: "sensor3", Field: "value", Time: ms(1700000000999), Value: 21.5}},
			source: Source{SeriesBy: "key", TimeBy: "timestamp"},
		},
		{
			name: "sensor v2: value and humidity",
			payload: func(t *testing.T) []byte {
				return encode(t, reg, sensorV2ID, map[string]any{"timestamp": time.UnixMilli(5).UTC(), "id": "sensor4", "value": 1.5, "unit": "K", "humidity": 40.0})
			},
			key: "sensor4",
			want: []Point{
				{Series: "sensor4", Field: "value", Time: ms(5), Value: 1.5},
				{Series: "sensor4", Field: "humidity", Time: ms(5), Value: 40},
			},
			source: Source{SeriesBy: "key", TimeBy: "timestamp"},
		},
		{
			name:    "nested: decimals, a null union record and a null long are gaps",
			payload: func(t *testing.T) []byte { return encode(t, reg, nestedID, nested) },
			want: []Point{
				{Series: "x.reading", Field: "location.lat", Time: ms(1700000000500), Value: 59.25},
				{Series: "x.reading", Field: "calib.offset", Time: ms(1700000000500), Null: true},
				{Series: "x.reading", Field: "price", Time: ms(1700000000500), Value: 12.34},
				{Series: "x.reading", Field: "fee", Time: ms(1700000000500), Value: -0.005},
				{Series: "x.reading", Field: "count", Time: ms(1700000000500), Null: true},
			},
			source: Source{SeriesBy: "record", TimeBy: "at"},
		},
		{
			name:    "nested: chosen by dotted path, missing field is a gap",
			cfg:     Config{Series: "location.label", Values: []string{"location.lat", "nope"}},
			payload: func(t *testing.T) []byte { return encode(t, reg, nestedID, nested) },
			want: []Point{
				{Series: "A", Field: "location.lat", Time: ms(1700000000500), Value: 59.25},
				{Series: "A", Field: "nope", Time: ms(1700000000500), Null: true},
			},
			source: Source{SeriesBy: "location.label", TimeBy: "at"},
		},
		{
			name: "JSON Schema sensor",
			payload: func(t *testing.T) []byte {
				return jsonPayload(sensorJSONID, `{"timestamp":1700000000777,"id":"sensor5","value":19.25,"humidity":null}`)
			},
			key: "sensor5",
			want: []Point{
				{Series: "sensor5", Field: "value", Time: ms(1700000000777), Value: 19.25},
				{Series: "sensor5", Field: "humidity", Time: ms(1700000000777), Null: true},
			},
			source: Source{SeriesBy: "key", TimeBy: "timestamp"},
		},
		{
			name: "plain JSON: numbers sorted, integer timestamp",
			payload: func(t *testing.T) []byte {
				return jsonPayload(0, `{"timestamp":1700000000001,"name":"pump","rpm":1200,"temp":{"in":20.5,"out":"31"},"ok":true}`)
			},
			want: []Point{
				{Series: "pump", Field: "rpm", Time: ms(1700000000001), Value: 1200},
				{Series: "pump", Field: "temp.in", Time: ms(1700000000001), Value: 20.5},
			},
			source: Source{SeriesBy: "name", TimeBy: "timestamp"},
		},
		{
			name: "plain JSON: a string that holds a number, chosen",
			cfg:  Config{Series: KeySeries, Values: []string{"temp.out", "ok"}, Time: "when"},
			payload: func(t *testing.T) []byte {
				return jsonPayload(0, `{"when":"2024-05-17T23:58:00.250Z","temp":{"out":"31.5"},"ok":true}`)
			},
			want: []Point{
				{Series: "(none)", Field: "temp.out", Time: time.Date(2024, 5, 17, 23, 58, 0, 250e6, time.UTC), Value: 31.5},
			},
			source: Source{SeriesBy: "key", TimeBy: "when"},
		},
		{
			name: "micros timestamp and a binary key",
			payload: func(t *testing.T) []byte {
				return encode(t, reg, microsID, map[string]any{"t": time.UnixMicro(1700000000123456).UTC(), "name": "m1", "v": 7})
			},
			key:    "\x00\x01",
			want:   []Point{{Series: "0x0001", Field: "v", Time: time.UnixMicro(1700000000123456), Value: 7}},
			source: Source{SeriesBy: "key", TimeBy: "t"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			payload := tc.payload(t)
			var key []byte
			if tc.key != "" {
				key = []byte(tc.key)
			}
			ex := New(tc.cfg)
			rec, err := d.Decode(context.Background(), payload)
			if err != nil {
				t.Fatal(err)
			}
			full, fullSrc := ex.Extract(&rec, key, kafkaTime, nil)
			var p schema.Plotted
			if err := schema.NewDecoder(reg, schema.WithSelection(ex.Selection)).DecodePlotted(context.Background(), payload, &p); err != nil {
				t.Fatal(err)
			}
			plotted, plottedSrc := ex.Points(&p, key, kafkaTime, nil)
			for _, way := range []struct {
				name string
				got  []Point
				src  Source
			}{{"Extract", full, fullSrc}, {"Points", plotted, plottedSrc}} {
				got := way.got
				if len(got) != len(tc.want) {
					t.Fatalf("%s: points:\n got %+v\nwant %+v", way.name, got, tc.want)
				}
				for i := range got {
					if g, w := got[i], tc.want[i]; g.Series != w.Series || g.Field != w.Field || !g.Time.Equal(w.Time) || g.Value != w.Value || g.Null != w.Null {
						t.Errorf("%s: point %d = %+v, want %+v", way.name, i, g, w)
					}
				}
				if way.src != tc.source {
					t.Errorf("%s: source = %+v, want %+v", way.name, way.src, tc.source)
				}
			}
		})
	}
}

func TestPlanCachedPerWriter(t *testing.T) {
	reg := newRegistry()
	d := schema.NewDecoder(reg)
	w1, err := d.Writer(context.Background(), sensorV2ID)
	if err != nil {
		t.Fatal(err)
	}
	ex := New(Config{})
	p := ex.Plan(w1)
	if p != ex.Plan(w1) {
		t.Error("plan not cached")
	}
	want := &Plan{Fallback: "id", Values: []string{"value", "humidity"}, Time: "timestamp"}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("plan = %+v, want %+v", p, want)
	}
}
