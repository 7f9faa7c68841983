package schema

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
)

// sensorValues are readings that exercise varint lengths, signs and odd
// floats.
func sensorValues() []Sensor {
	return []Sensor{
		{Timestamp: 1700000000123, ID: "sensor0", Value: 50},
		{Timestamp: 0, ID: "", Value: 0},
		{Timestamp: -1, ID: "s", Value: -0.5},
		{Timestamp: math.MaxInt64, ID: "sensör-ü", Value: math.MaxFloat64},
		{Timestamp: math.MinInt64, ID: strings.Repeat("x", 200), Value: -math.SmallestNonzeroFloat64},
		{Timestamp: 63, ID: "sensor7", Value: math.Inf(-1)},
		{Timestamp: 64, ID: "sensor4", Value: 35.45084971874737},
	}
}

func TestDecodePlottedSensorSchemas(t *testing.T) {
	type sensorStruct struct {
		Timestamp int64   `avro:"timestamp"`
		ID        string  `avro:"id"`
		Value     float64 `avro:"value"`
	}
	for _, tc := range []struct {
		name   string
		schema string
	}{
		{"fixed", SensorSchema},
		{"tutorial", TutorialSensorSchema},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newSensorDecoder(&memSource{schemas: map[int]string{42: tc.schema}})
			for _, want := range sensorValues() {
				for _, v := range []any{
					sensorStruct{want.Timestamp, want.ID, want.Value},
					map[string]any{"timestamp": want.Timestamp, "id": want.ID, "value": want.Value},
				} {
					var got Sensor
					id, err := decodeSensor(context.Background(), d, frame(t, 42, tc.schema, v), &got)
					if err != nil {
						t.Fatalf("DecodePlotted(%+v): %v", want, err)
					}
					if id != 42 || got != want {
						t.Errorf("DecodePlotted = %d, %+v; want 42, %+v", id, got, want)
					}
				}
			}
		})
	}
}

func TestDecodeGenericSensor(t *testing.T) {
	const ts = int64(1700000000123)
	for _, tc := range []struct {
		name      string
		schema    string
		timestamp any
		fields    []Field
	}{
		{"fixed form gives time", SensorSchema, time.UnixMilli(ts).UTC(), []Field{
			{Path: "timestamp", Type: "long/timestamp-millis", Kind: KindTime},
			{Path: "id", Type: "string", Kind: KindString},
			{Path: "value", Type: "double", Kind: KindNumber},
		}},
		{"tutorial form gives epoch ms", TutorialSensorSchema, ts, []Field{
			{Path: "timestamp", Type: "long (logicalType timestamp-millis on the field)", Kind: KindTime, Unit: time.Millisecond},
			{Path: "id", Type: "string", Kind: KindString},
			{Path: "value", Type: "double", Kind: KindNumber},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newSensorDecoder(&memSource{schemas: map[int]string{3: tc.schema}})
			rec, err := d.Decode(context.Background(), frame(t, 3, tc.schema, map[string]any{"timestamp": ts, "id": "sensor2", "value": 1.25}))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			w := rec.Writer
			rec.Writer = nil
			want := Record{SchemaID: 3, Name: "sensor", Fields: map[string]any{"timestamp": tc.timestamp, "id": "sensor2", "value": 1.25}}
			if !reflect.DeepEqual(rec, want) {
				t.Errorf("Decode = %#v, want %#v", rec, want)
			}
			if w == nil || w.ID != 3 || w.Format != FormatAvro || w.Name != "sensor" || !reflect.DeepEqual(w.Fields, tc.fields) {
				t.Errorf("Writer = %+v, want id 3, AVRO, sensor, fields %+v", w, tc.fields)
			}
		})
	}
}

func TestDecodePlottedSensorEvolved(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range evolvedSchemas() {
		t.Run(tc.name, func(t *testing.T) {
			src := &memSource{schemas: map[int]string{7: tc.schema}}
			d := newSensorDecoder(src)
			parsed, err := parseSchema(tc.schema)
			if err != nil {
				t.Fatal(err)
			}
			values := sensorValues()
			for range 200 {
				values = append(values, Sensor{Timestamp: int64(rng.Uint64()) >> rng.IntN(64), ID: "sensor" + string(rune('0'+rng.IntN(8))), Value: rng.NormFloat64() * 1e6})
			}
			for _, want := range values {
				v := map[string]any{"timestamp": want.Timestamp, "id": want.ID, "value": want.Value}
				for k, x := range tc.extras {
					v[k] = x
				}
				payload := frame(t, 7, tc.schema, v)
				var got Sensor
				if _, err := decodeSensor(context.Background(), d, payload, &got); err != nil {
					t.Fatalf("DecodePlotted(%+v): %v", want, err)
				}
				want := want
				if !strings.Contains(tc.schema, "timestamp-millis") { // a plain long named timestamp: its magnitude tells its unit
					want.Timestamp = EpochTime(want.Timestamp, 0).UnixMilli()
				}
				if got != want {
					t.Fatalf("DecodePlotted = %+v, want %+v", got, want)
				}
				// The generic path agrees with hamba/avro's own decoding.
				rec, err := d.Decode(context.Background(), payload)
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				hamba := map[string]any{}
				if err := avro.Unmarshal(parsed, payload[5:], &hamba); err != nil {
					t.Fatalf("hamba Unmarshal: %v", err)
				}
				if !reflect.DeepEqual(rec.Fields, hamba) {
					t.Fatalf("Decode fields = %#v, hamba = %#v", rec.Fields, hamba)
				}
			}
			if n := src.calls.Load(); n != 1 {
				t.Errorf("source asked %d times, want 1", n)
			}
		})
	}
}

func TestDecodePlottedSensorPromotedTypes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		schema string
		value  map[string]any
		want   Sensor
	}{
		{
			name:   "int timestamp, float value",
			schema: `{"type":"record","name":"s","fields":[{"name":"timestamp","type":"int"},{"name":"id","type":"string"},{"name":"value","type":"float"}]}`,
			value:  map[string]any{"timestamp": -5, "id": "a", "value": float32(2.5)},
			want:   Sensor{Timestamp: -5, ID: "a", Value: 2.5},
		},
		{
			name:   "long value",
			schema: `{"type":"record","name":"s","fields":[{"name":"value","type":"long"},{"name":"id","type":"string"},{"name":"timestamp","type":"long"}]}`,
			value:  map[string]any{"timestamp": int64(9), "id": "b", "value": int64(-1 << 40)},
			want:   Sensor{Timestamp: 9, ID: "b", Value: -1 << 40},
		},
		{
			name:   "int value",
			schema: `{"type":"record","name":"s","fields":[{"name":"timestamp","type":"long"},{"name":"id","type":"string"},{"name":"value","type":"int"}]}`,
			value:  map[string]any{"timestamp": int64(1), "id": "c", "value": math.MinInt32},
			want:   Sensor{Timestamp: 1, ID: "c", Value: math.MinInt32},
		},
		{
			name:   "timestamp-micros becomes ms",
			schema: `{"type":"record","name":"s","fields":[{"name":"timestamp","type":{"type":"long","logicalType":"timestamp-micros"}},{"name":"id","type":"string"},{"name":"value","type":"double"}]}`,
			value:  map[string]any{"timestamp": time.UnixMicro(-1500).UTC(), "id": "d", "value": 1.0},
			want:   Sensor{Timestamp: -2, ID: "d", Value: 1},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newSensorDecoder(&memSource{schemas: map[int]string{1: tc.schema}})
			var got Sensor
			if _, err := decodeSensor(context.Background(), d, frame(t, 1, tc.schema, tc.value), &got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestDecodePlottedWithoutReading checks records whose writer schema lacks
// the sensor's fields, or has them as other types: they decode, with what
// is missing absent and what is of another kind unusable, and a
// nullable id or a date timestamp are read as such.
func TestDecodePlottedWithoutReading(t *testing.T) {
	for _, tc := range []struct {
		name    string
		schema  string
		payload map[string]any
		series  State
		value   State
		time    State
	}{
		{
			name:    "missing value",
			schema:  `{"type":"record","name":"s","fields":[{"name":"timestamp","type":"long"},{"name":"id","type":"string"}]}`,
			payload: map[string]any{"timestamp": int64(1), "id": "a"},
			series:  Set, value: Absent, time: Set,
		},
		{
			name:    "missing timestamp and id",
			schema:  `{"type":"record","name":"s","fields":[{"name":"value","type":"double"}]}`,
			payload: map[string]any{"value": 1.0},
			series:  Absent, value: Set, time: Absent,
		},
		{
			name:    "string value",
			schema:  `{"type":"record","name":"s","fields":[{"name":"timestamp","type":"long"},{"name":"id","type":"string"},{"name":"value","type":"string"}]}`,
			payload: map[string]any{"timestamp": int64(1), "id": "a", "value": "hot"},
			series:  Set, value: Unusable, time: Set,
		},
		{
			name:    "nullable id",
			schema:  `{"type":"record","name":"s","fields":[{"name":"timestamp","type":"long"},{"name":"id","type":["null","string"]},{"name":"value","type":"double"}]}`,
			payload: map[string]any{"timestamp": int64(1), "id": "a", "value": 1.0},
			series:  Set, value: Set, time: Set,
		},
		{
			name:    "date timestamp",
			schema:  `{"type":"record","name":"s","fields":[{"name":"timestamp","type":{"type":"int","logicalType":"date"}},{"name":"id","type":"string"},{"name":"value","type":"double"}]}`,
			payload: map[string]any{"timestamp": time.Unix(0, 0).UTC(), "id": "a", "value": 1.0},
			series:  Set, value: Set, time: Set,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newSensorDecoder(&memSource{schemas: map[int]string{1: tc.schema}})
			var p Plotted
			if err := d.DecodePlotted(context.Background(), frame(t, 1, tc.schema, tc.payload), &p); err != nil {
				t.Fatal(err)
			}
			if p.SeriesState != tc.series || p.Values[0].State != tc.value || p.TimeState != tc.time {
				t.Errorf("series %d, value %d, time %d; want %d, %d, %d", p.SeriesState, p.Values[0].State, p.TimeState, tc.series, tc.value, tc.time)
			}
		})
	}
	t.Run("not a record", func(t *testing.T) {
		d := newSensorDecoder(&memSource{schemas: map[int]string{1: `"string"`}})
		payload := frame(t, 1, `"string"`, "x")
		for name, err := range map[string]error{"DecodePlotted": d.DecodePlotted(context.Background(), payload, &Plotted{})} {
			if err == nil || !strings.Contains(err.Error(), "not a record") {
				t.Errorf("%s err = %v, want not a record", name, err)
			}
		}
		if _, err := d.Decode(context.Background(), payload); err == nil || !strings.Contains(err.Error(), "not a record") {
			t.Errorf("Decode err = %v, want not a record", err)
		}
	})
}

// decodeBoth runs both decoding paths and checks that a failing sensor
// decode leaves its target untouched.
func decodeBoth(t *testing.T, d *Decoder, payload []byte) (sensorErr, genericErr error) {
	t.Helper()
	sentinel := Sensor{Timestamp: 11, ID: "keep", Value: 22}
	got := sentinel
	_, sensorErr = decodeSensor(context.Background(), d, payload, &got)
	if sensorErr != nil && got != sentinel {
		t.Errorf("failed DecodePlotted modified its target: %+v", got)
	}
	_, genericErr = d.Decode(context.Background(), payload)
	return sensorErr, genericErr
}

func TestDecodeRejects(t *testing.T) {
	good := frame(t, 1, SensorSchema, map[string]any{"timestamp": int64(1700000000000), "id": "sensor1", "value": 3.5})
	src := &memSource{
		schemas: map[int]string{
			1: SensorSchema,
			2: `{"type":"record","name":"r","fields":[{"name":"timestamp","type":"long"},{"name":"id","type":"string"},{"name":"value","type":"double"},` +
				`{"name":"u","type":["null","string"]},{"name":"e","type":{"type":"enum","name":"e","symbols":["A","B"]}},{"name":"b","type":"boolean"},` +
				`{"name":"n","type":{"type":"array","items":"null"}}]}`,
			3: `{"type":"record","name":"broken","fields":[{"name":"x","type":"nosuchtype"}]}`,
			4: `{not json`,
		},
		errs: map[int]error{9: errors.New("registry says no")},
	}
	// body2 builds a body for schema 2 from its variable tail.
	body2 := func(tail ...byte) []byte {
		b := AppendHeader(nil, 2)
		b = append(b, 2, 2, 'a', 0, 0, 0, 0, 0, 0, 0, 0)
		return append(b, tail...)
	}
	for _, tc := range []struct {
		name    string
		payload []byte
		want    error
		mention string
	}{
		{"empty", nil, ErrShortPayload, "0 bytes"},
		{"four bytes", []byte{0, 0, 0, 1}, ErrShortPayload, "4 bytes"},
		{"bad magic", append([]byte{1}, good[1:]...), ErrBadMagic, "0x01"},
		{"unknown schema", append(AppendHeader(nil, 9), good[5:]...), ErrUnknownSchema, "registry says no"},
		{"missing schema", append(AppendHeader(nil, 10), good[5:]...), ErrUnknownSchema, "no schema 10"},
		{"schema with unknown type", append(AppendHeader(nil, 3), good[5:]...), nil, "nosuchtype"},
		{"schema not json", append(AppendHeader(nil, 4), good[5:]...), nil, "parse avro schema"},
		{"header only", AppendHeader(nil, 1), ErrTruncated, ""},
		{"one trailing byte", append(append([]byte{}, good...), 0), ErrTrailingBytes, "1 byte"},
		{"three trailing bytes", append(append([]byte{}, good...), 1, 2, 3), ErrTrailingBytes, "3 byte"},
		{"union index out of range", body2(4), ErrMalformed, "union index"},
		{"negative union index", body2(1), ErrMalformed, "union index"},
		{"negative string length", body2(2, 1), ErrMalformed, "negative length"},
		{"enum index out of range", body2(0, 4), ErrMalformed, "enum index"},
		{"bool not 0 or 1", body2(0, 2, 2), ErrMalformed, "boolean"},
		{"overlong varint", body2(0, 2, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), ErrMalformed, "varint"},
		{"huge block of nulls", body2(0, 2, 1, 0xfe, 0xff, 0xff, 0xff, 0x0f, 0), ErrMalformed, "block count"},
		{"block count beyond body", body2(2, 0, 0, 0, 0x80, 0x01), ErrMalformed, ""},
		{"valid schema 2 body", body2(2, 2, 'x', 2, 1, 4, 0), nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newSensorDecoder(src)
			sensorErr, genericErr := decodeBoth(t, d, tc.payload)
			for _, err := range []error{sensorErr, genericErr} {
				if tc.name == "valid schema 2 body" {
					if err != nil {
						t.Fatalf("valid body rejected: %v", err)
					}
					continue
				}
				if tc.name == "block count beyond body" {
					// Either a truncation or a malformed block count, but
					// never success.
					if !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrMalformed) {
						t.Errorf("err = %v, want truncated or malformed", err)
					}
					continue
				}
				if err == nil {
					t.Fatalf("accepted %x", tc.payload)
				}
				if tc.want != nil && !errors.Is(err, tc.want) {
					t.Errorf("err = %v, want %v", err, tc.want)
				}
				if !strings.Contains(err.Error(), tc.mention) {
					t.Errorf("err %q does not mention %q", err, tc.mention)
				}
			}
		})
	}
}

// TestDecodeTruncatedEverywhere cuts valid payloads at every length: each
// cut must be ErrTruncated, never success, never a panic.
func TestDecodeTruncatedEverywhere(t *testing.T) {
	schemas := map[int]string{1: SensorSchema, 2: TutorialSensorSchema}
	payloads := [][]byte{
		frame(t, 1, SensorSchema, map[string]any{"timestamp": int64(1700000000000), "id": "sensor1", "value": 3.5}),
		frame(t, 2, TutorialSensorSchema, map[string]any{"timestamp": int64(-300), "id": "s", "value": -1.0}),
	}
	for i, tc := range evolvedSchemas() {
		id := 100 + i
		schemas[id] = tc.schema
		v := map[string]any{"timestamp": int64(1 << 40), "id": "sensor5", "value": 2.0}
		for k, x := range tc.extras {
			v[k] = x
		}
		payloads = append(payloads, frame(t, id, tc.schema, v))
	}
	d := newSensorDecoder(&memSource{schemas: schemas})
	for _, p := range payloads {
		id, _, _ := ParseHeader(p)
		t.Run(schemas[id][:min(40, len(schemas[id]))], func(t *testing.T) {
			for n := 5; n < len(p); n++ {
				sensorErr, genericErr := decodeBoth(t, d, p[:n])
				if !errors.Is(sensorErr, ErrTruncated) {
					t.Errorf("DecodePlotted of %d/%d bytes: err = %v, want ErrTruncated", n, len(p), sensorErr)
				}
				if !errors.Is(genericErr, ErrTruncated) {
					t.Errorf("Decode of %d/%d bytes: err = %v, want ErrTruncated", n, len(p), genericErr)
				}
			}
			if sensorErr, genericErr := decodeBoth(t, d, p); sensorErr != nil || genericErr != nil {
				t.Errorf("whole payload rejected: %v, %v", sensorErr, genericErr)
			}
		})
	}
}

func TestDecodeSourceErrors(t *testing.T) {
	retryable := &APIError{StatusCode: 503, Method: "GET", Path: "/schemas/ids/5", Message: "down"}
	notFound := &APIError{StatusCode: 404, Code: 40403, Method: "GET", Path: "/schemas/ids/5", Message: "Schema 5 not found"}
	for _, tc := range []struct {
		name          string
		srcErr        error
		wantUnknown   bool
		wantRetryable bool
	}{
		{"503 stays retryable", retryable, false, true},
		{"network error stays retryable", &transportError{op: "GET /schemas/ids/5", err: errors.New("connection refused")}, false, true},
		{"404 is unknown", fmt.Errorf("%w: %w", ErrUnknownSchema, notFound), true, false},
		{"plain error is unknown", errors.New("nope"), true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newSensorDecoder(&memSource{errs: map[int]error{5: tc.srcErr}})
			payload := append(AppendHeader(nil, 5), 0)
			_, err := decodeSensor(context.Background(), d, payload, &Sensor{})
			if err == nil {
				t.Fatal("no error")
			}
			if got := errors.Is(err, ErrUnknownSchema); got != tc.wantUnknown {
				t.Errorf("errors.Is(%v, ErrUnknownSchema) = %v, want %v", err, got, tc.wantUnknown)
			}
			if got := IsRetryable(err); got != tc.wantRetryable {
				t.Errorf("IsRetryable(%v) = %v, want %v", err, got, tc.wantRetryable)
			}
			if !errors.Is(err, tc.srcErr) {
				t.Errorf("%v does not wrap the source error", err)
			}
		})
	}
}

func TestDecoderFetchesOnce(t *testing.T) {
	src := &memSource{schemas: map[int]string{1: SensorSchema, 70000: TutorialSensorSchema}, gate: make(chan struct{})}
	d := newSensorDecoder(src)
	p1 := frame(t, 1, SensorSchema, map[string]any{"timestamp": int64(5), "id": "a", "value": 1.0})
	p2 := frame(t, 70000, TutorialSensorSchema, map[string]any{"timestamp": int64(6), "id": "b", "value": 2.0})
	go func() {
		// Let the decoders pile up on the missing schemas, then answer.
		for src.calls.Load() < 1 {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
		close(src.gate)
	}()
	errs := make(chan error, 64)
	runConcurrently(32, func() {
		for _, p := range [][]byte{p1, p2, p1} {
			var s Sensor
			if _, err := decodeSensor(context.Background(), d, p, &s); err != nil {
				errs <- err
			}
			if _, err := d.Decode(context.Background(), p); err != nil {
				errs <- err
			}
		}
	})
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := src.calls.Load(); n != 2 {
		t.Errorf("source asked %d times for 2 ids, want 2", n)
	}
}

func TestDecoderCancelledWaiter(t *testing.T) {
	src := &memSource{schemas: map[int]string{1: SensorSchema}, gate: make(chan struct{})}
	d := newSensorDecoder(src)
	p := frame(t, 1, SensorSchema, map[string]any{"timestamp": int64(5), "id": "a", "value": 1.0})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := decodeSensor(ctx, d, p, &Sensor{}); !errors.Is(err, context.Canceled) || IsRetryable(err) {
		t.Errorf("cancelled decode: err = %v (retryable %v), want context.Canceled, not retryable", err, IsRetryable(err))
	}
	close(src.gate)
	var s Sensor
	if _, err := decodeSensor(context.Background(), d, p, &s); err != nil || s.ID != "a" {
		t.Errorf("decode after cancel: %+v, %v", s, err)
	}
}

func TestDecodeRecursive(t *testing.T) {
	const list = `{"type":"record","name":"node","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","node"]}]}`
	d := newSensorDecoder(&memSource{schemas: map[int]string{1: list}})
	v := map[string]any{"v": int64(1), "next": map[string]any{"node": map[string]any{"v": int64(2), "next": nil}}}
	rec, err := d.Decode(context.Background(), frame(t, 1, list, v))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Name != "node" || rec.Fields["v"] != int64(1) {
		t.Errorf("Decode = %#v", rec)
	}
	// Nesting deeper than the walker allows is refused, not a stack overflow.
	deep := AppendHeader(nil, 1)
	for range 10000 {
		deep = append(deep, 2, 2) // v=1, next=node
	}
	if _, err := d.Decode(context.Background(), deep); !errors.Is(err, ErrMalformed) {
		t.Errorf("deep nesting: err = %v, want ErrMalformed", err)
	}
}

func TestDecodeGenericTypes(t *testing.T) {
	const s = `{"type":"record","name":"all","namespace":"x","fields":[
		{"name":"n","type":"null"},{"name":"b","type":"boolean"},{"name":"i","type":"int"},{"name":"l","type":"long"},
		{"name":"f","type":"float"},{"name":"d","type":"double"},{"name":"s","type":"string"},{"name":"by","type":"bytes"},
		{"name":"e","type":{"type":"enum","name":"e","symbols":["A","B"]}},{"name":"fx","type":{"type":"fixed","name":"fx","size":2}},
		{"name":"a","type":{"type":"array","items":"int"}},{"name":"m","type":{"type":"map","values":"string"}},
		{"name":"r","type":{"type":"record","name":"inner","fields":[{"name":"z","type":"int"}]}},
		{"name":"u1","type":["null","string"]},{"name":"u2","type":["null","inner"]},
		{"name":"date","type":{"type":"int","logicalType":"date"}},{"name":"tm","type":{"type":"int","logicalType":"time-millis"}}]}`
	in := map[string]any{
		"n": nil, "b": true, "i": 7, "l": int64(8), "f": float32(1.5), "d": 2.5, "s": "str", "by": []byte{9},
		"e": "B", "fx": [2]byte{1, 2}, "a": []any{1, 2}, "m": map[string]any{"k": "v"}, "r": map[string]any{"z": 3},
		"u1": "set", "u2": map[string]any{"x.inner": map[string]any{"z": 4}},
		"date": time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC), "tm": 1500 * time.Millisecond,
	}
	d := newSensorDecoder(&memSource{schemas: map[int]string{1: s}})
	rec, err := d.Decode(context.Background(), frame(t, 1, s, in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"n": nil, "b": true, "i": 7, "l": int64(8), "f": float32(1.5), "d": 2.5, "s": "str", "by": []byte{9},
		"e": "B", "fx": [2]byte{1, 2}, "a": []any{1, 2}, "m": map[string]any{"k": "v"}, "r": map[string]any{"z": 3},
		"u1": "set", "u2": map[string]any{"x.inner": map[string]any{"z": 4}},
		"date": time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC), "tm": 1500 * time.Millisecond,
	}
	if rec.Name != "x.all" {
		t.Errorf("Name = %q, want x.all", rec.Name)
	}
	for k, w := range want {
		if g := rec.Fields[k]; !reflect.DeepEqual(g, w) {
			t.Errorf("field %s = %#v (%T), want %#v (%T)", k, g, g, w, w)
		}
	}
}
