package schema

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hamba/avro/v2"
)

var update = flag.Bool("update", false, "rewrite testdata files (fuzz seed corpus)")

// memSource is a fixed in-memory Source that counts its lookups.
type memSource struct {
	schemas map[int]string
	errs    map[int]error
	calls   atomic.Int64
	gate    chan struct{} // when non-nil, lookups wait for it to close
}

func (m *memSource) SchemaByID(ctx context.Context, id int) (string, error) {
	m.calls.Add(1)
	if m.gate != nil {
		select {
		case <-m.gate:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	if err, ok := m.errs[id]; ok {
		return "", err
	}
	s, ok := m.schemas[id]
	if !ok {
		return "", fmt.Errorf("no schema %d in memory", id)
	}
	return s, nil
}

// frame encodes v with schemaText through hamba/avro and frames it with id.
func frame(t testing.TB, id int, schemaText string, v any) []byte {
	t.Helper()
	s, err := parseSchema(schemaText)
	if err != nil {
		t.Fatalf("parse schema: %v", err)
	}
	body, err := avro.Marshal(s, v)
	if err != nil {
		t.Fatalf("marshal %v: %v", v, err)
	}
	return append(AppendHeader(nil, id), body...)
}

// evolvedSchemas are sensor writer schemas with extra fields of every kind
// before, between and after the sensor's fields, each with one value for
// its extras.
func evolvedSchemas() []struct {
	name   string
	schema string
	extras map[string]any
} {
	return []struct {
		name   string
		schema string
		extras map[string]any
	}{
		{
			name:   "string with default first",
			schema: `{"type":"record","name":"sensor","fields":[{"name":"unit","type":"string","default":"C"},{"name":"timestamp","type":"long"},{"name":"id","type":"string"},{"name":"value","type":"double"}]}`,
			extras: map[string]any{"unit": "°C"},
		},
		{
			name:   "double between",
			schema: `{"type":"record","name":"sensor","fields":[{"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"quality","type":"double"},{"name":"id","type":"string"},{"name":"value","type":"double"}]}`,
			extras: map[string]any{"quality": 0.25},
		},
		{
			name:   "nullable string set and null",
			schema: `{"type":"record","name":"sensor","fields":[{"name":"timestamp","type":"long"},{"name":"id","type":"string"},{"name":"note","type":["null","string"],"default":null},{"name":"site","type":["null","string"],"default":null},{"name":"value","type":"double"}]}`,
			extras: map[string]any{"note": "calibrated", "site": nil},
		},
		{
			name:   "nested record after",
			schema: `{"type":"record","name":"sensor","namespace":"se.ri.kafka.tutorial","fields":[{"name":"timestamp","type":"long"},{"name":"id","type":"string"},{"name":"value","type":"double"},{"name":"location","type":{"type":"record","name":"location","fields":[{"name":"lat","type":"double"},{"name":"lon","type":"double"},{"name":"label","type":"string"}]}}]}`,
			extras: map[string]any{"location": map[string]any{"lat": 59.3, "lon": 18.1, "label": "Kista"}},
		},
		{
			name:   "array and map",
			schema: `{"type":"record","name":"sensor","fields":[{"name":"tags","type":{"type":"array","items":"string"}},{"name":"timestamp","type":"long"},{"name":"attrs","type":{"type":"map","values":"long"}},{"name":"id","type":"string"},{"name":"value","type":"double"},{"name":"history","type":{"type":"array","items":"double"}}]}`,
			extras: map[string]any{
				"tags":    []any{"a", "bb", ""},
				"attrs":   map[string]any{"floor": int64(3), "room": int64(-120000)},
				"history": []any{1.0, -2.5},
			},
		},
		{
			name:   "enum fixed bytes boolean float int",
			schema: `{"type":"record","name":"sensor","fields":[{"name":"kind","type":{"type":"enum","name":"kind","symbols":["TEMP","HUMIDITY","PRESSURE"]}},{"name":"timestamp","type":"long"},{"name":"mac","type":{"type":"fixed","name":"mac","size":6}},{"name":"id","type":"string"},{"name":"raw","type":"bytes"},{"name":"ok","type":"boolean"},{"name":"value","type":"double"},{"name":"gain","type":"float"},{"name":"seq","type":"int"}]}`,
			extras: map[string]any{"kind": "PRESSURE", "mac": [6]byte{1, 2, 3, 4, 5, 6}, "raw": []byte{0, 255, 7}, "ok": true, "gain": float32(1.5), "seq": 123456},
		},
		{
			name:   "union of record and array",
			schema: `{"type":"record","name":"sensor","fields":[{"name":"timestamp","type":"long"},{"name":"extra","type":["null",{"type":"record","name":"calib","fields":[{"name":"offset","type":"double"},{"name":"by","type":"string"}]},{"type":"array","items":"int"}]},{"name":"id","type":"string"},{"name":"value","type":"double"}]}`,
			extras: map[string]any{"extra": map[string]any{"calib": map[string]any{"offset": 0.5, "by": "ops"}}},
		},
		{
			name:   "empty array and map, long strings",
			schema: `{"type":"record","name":"sensor","fields":[{"name":"timestamp","type":"long"},{"name":"tags","type":{"type":"array","items":"string"}},{"name":"id","type":"string"},{"name":"attrs","type":{"type":"map","values":"string"}},{"name":"value","type":"double"},{"name":"blob","type":"string"}]}`,
			extras: map[string]any{"tags": []any{}, "attrs": map[string]any{}, "blob": string(make([]byte, 300))},
		},
	}
}

// runConcurrently runs fn n times at once and waits for all of them.
func runConcurrently(n int, fn func()) {
	var wg sync.WaitGroup
	for range n {
		wg.Go(fn)
	}
	wg.Wait()
}

// sensorSelection reads the tutorial sensor's three fields.
func sensorSelection(*Writer) Selection {
	return Selection{Series: "id", Values: []string{"value"}, Time: "timestamp"}
}

// newSensorDecoder is a Decoder whose compiled readers read the sensor's
// fields.
func newSensorDecoder(src Source, opts ...DecoderOption) *Decoder {
	return NewDecoder(src, append(opts, WithSelection(sensorSelection))...)
}

// errNoReading reports a record without the sensor's three fields.
var errNoReading = errors.New("no sensor reading in the record")

// decodeSensor reads a sensor reading with DecodePlotted (d from
// newSensorDecoder); into is untouched on error. The id is the record's
// writer schema id.
func decodeSensor(ctx context.Context, d *Decoder, payload []byte, into *Sensor) (int, error) {
	var p Plotted
	if err := d.DecodePlotted(ctx, payload, &p); err != nil {
		return p.SchemaID, err
	}
	if p.SeriesState != Set || p.TimeState != Set || len(p.Values) != 1 || p.Values[0].State != Set {
		return p.SchemaID, errNoReading
	}
	*into = Sensor{Timestamp: p.Time.UnixMilli(), ID: string(p.Series), Value: p.Values[0].Num}
	return p.SchemaID, nil
}
