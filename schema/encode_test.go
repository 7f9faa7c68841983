package schema

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hamba/avro/v2"
)

func TestAppendSensorMatchesHamba(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name   string
		schema string
		hamba  func(Sensor) map[string]any
	}{
		{"fixed", SensorSchema, nil},
		{"tutorial", TutorialSensorSchema, nil},
		{
			name:   "reordered",
			schema: `{"type":"record","name":"sensor","fields":[{"name":"value","type":"double"},{"name":"id","type":"string"},{"name":"timestamp","type":"long"}]}`,
		},
		{
			name:   "float value, int timestamp",
			schema: `{"type":"record","name":"sensor","fields":[{"name":"timestamp","type":"int"},{"name":"id","type":"string"},{"name":"value","type":"float"}]}`,
			hamba: func(s Sensor) map[string]any {
				return map[string]any{"timestamp": int(s.Timestamp), "id": s.ID, "value": float32(s.Value)}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enc, err := NewEncoder(12345678, tc.schema)
			if err != nil {
				t.Fatal(err)
			}
			if enc.fields == nil {
				t.Fatal("sensor schema did not get the hand-written path")
			}
			values := sensorValues()
			for range 300 {
				values = append(values, Sensor{Timestamp: int64(rng.Uint64()) >> rng.IntN(64), ID: string(rune('a' + rng.IntN(26))), Value: rng.NormFloat64() * 1e3})
			}
			for _, s := range values {
				v := map[string]any{"timestamp": s.Timestamp, "id": s.ID, "value": s.Value}
				if tc.hamba != nil {
					if s.Timestamp < math.MinInt32 || s.Timestamp > math.MaxInt32 {
						s.Timestamp = int64(int32(s.Timestamp))
					}
					v = tc.hamba(s)
				}
				want := frame(t, 12345678, tc.schema, v)
				prefix := []byte("keep")
				got, err := enc.AppendSensor(prefix, s)
				if err != nil {
					t.Fatalf("AppendSensor(%+v): %v", s, err)
				}
				if !bytes.Equal(got[:4], prefix) || !bytes.Equal(got[4:], want) {
					t.Fatalf("AppendSensor(%+v) = %x, hamba %x", s, got[4:], want)
				}
			}
		})
	}
}

func TestAppendSensorFallback(t *testing.T) {
	const withDefault = `{"type":"record","name":"sensor","fields":[{"name":"timestamp","type":"long"},{"name":"id","type":"string"},{"name":"value","type":"double"},{"name":"unit","type":"string","default":"C"}]}`
	const withoutDefault = `{"type":"record","name":"sensor","fields":[{"name":"timestamp","type":"long"},{"name":"id","type":"string"},{"name":"value","type":"double"},{"name":"unit","type":"string"}]}`
	s := Sensor{Timestamp: 99, ID: "sensor3", Value: 4.5}
	t.Run("extra field with default", func(t *testing.T) {
		enc, err := NewEncoder(2, withDefault)
		if err != nil {
			t.Fatal(err)
		}
		got, err := enc.AppendSensor(nil, s)
		if err != nil {
			t.Fatal(err)
		}
		want := frame(t, 2, withDefault, map[string]any{"timestamp": int64(99), "id": "sensor3", "value": 4.5, "unit": "C"})
		if !bytes.Equal(got, want) {
			t.Errorf("got %x, want %x", got, want)
		}
		var back Sensor
		if _, err := decodeSensor(context.Background(), newSensorDecoder(&memSource{schemas: map[int]string{2: withDefault}}), got, &back); err != nil || back != s {
			t.Errorf("round trip = %+v, %v", back, err)
		}
	})
	for _, tc := range []struct {
		name   string
		schema string
		s      Sensor
		want   error
	}{
		{"extra field without default", withoutDefault, s, nil},
		{"not a record", `"string"`, s, ErrNotSensor},
		{"timestamp beyond int", `{"type":"record","name":"s","fields":[{"name":"timestamp","type":"int"},{"name":"id","type":"string"},{"name":"value","type":"double"}]}`, Sensor{Timestamp: 1 << 40}, nil},
		{"fractional long value", `{"type":"record","name":"s","fields":[{"name":"timestamp","type":"long"},{"name":"id","type":"string"},{"name":"value","type":"long"}]}`, Sensor{Value: 1.5}, nil},
		{"NaN int value", `{"type":"record","name":"s","fields":[{"name":"timestamp","type":"long"},{"name":"id","type":"string"},{"name":"value","type":"int"}]}`, Sensor{Value: math.NaN()}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enc, err := NewEncoder(2, tc.schema)
			if err != nil {
				t.Fatal(err)
			}
			dst := []byte("abc")
			got, err := enc.AppendSensor(dst, tc.s)
			if err == nil {
				t.Fatalf("AppendSensor = %x, want an error", got)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if string(got) != "abc" {
				t.Errorf("dst changed to %q on error", got)
			}
		})
	}
}

func TestEncoderAppend(t *testing.T) {
	type reading struct {
		Timestamp int64   `avro:"timestamp"`
		ID        string  `avro:"id"`
		Value     float64 `avro:"value"`
	}
	enc, err := NewEncoder(77, TutorialSensorSchema)
	if err != nil {
		t.Fatal(err)
	}
	if enc.ID() != 77 {
		t.Errorf("ID() = %d", enc.ID())
	}
	d := newSensorDecoder(&memSource{schemas: map[int]string{77: TutorialSensorSchema}})
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"struct", reading{1, "sensor6", 4.46}},
		{"map", map[string]any{"timestamp": int64(1), "id": "sensor6", "value": 4.46}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			payload, err := enc.Append([]byte{}, tc.v)
			if err != nil {
				t.Fatal(err)
			}
			var s Sensor
			if _, err := decodeSensor(context.Background(), d, payload, &s); err != nil || s != (Sensor{1, "sensor6", 4.46}) {
				t.Errorf("decoded %+v, %v", s, err)
			}
		})
	}
	t.Run("wrong type keeps dst", func(t *testing.T) {
		dst := []byte("x")
		got, err := enc.Append(dst, map[string]any{"timestamp": "soon"})
		if err == nil || string(got) != "x" {
			t.Errorf("Append = %q, %v; want x and an error", got, err)
		}
	})
	t.Run("bad schema", func(t *testing.T) {
		if _, err := NewEncoder(1, `{"type":"record"}`); err == nil {
			t.Error("NewEncoder accepted a record without name")
		}
	})
}

func TestSubjects(t *testing.T) {
	for _, tc := range []struct {
		name, schema, want string
	}{
		{"plain", SensorSchema, "sensor"},
		{"namespaced", `{"type":"record","name":"sensor","namespace":"se.ri.kafka.tutorial","fields":[]}`, "se.ri.kafka.tutorial.sensor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RecordSubject(tc.schema)
			if err != nil || got != tc.want {
				t.Errorf("RecordSubject = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	if _, err := RecordSubject(`"long"`); err == nil {
		t.Error("RecordSubject accepted a non-record")
	}
	if got := TopicSubject("temperature"); got != "temperature-value" {
		t.Errorf("TopicSubject = %q", got)
	}
}

// TestParseIsolated checks that parseSchema does not resolve names from other
// schemas, as avro.Parse's global cache would.
func TestParseIsolated(t *testing.T) {
	if _, err := avro.Parse(`{"type":"record","name":"isolatedprobe","fields":[]}`); err != nil {
		t.Fatal(err)
	}
	if _, err := parseSchema(`{"type":"record","name":"user","fields":[{"name":"p","type":"isolatedprobe"}]}`); err == nil {
		t.Error("parseSchema resolved a type defined only in another schema")
	}
}
