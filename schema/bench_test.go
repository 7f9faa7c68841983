package schema

import (
	"context"
	"testing"
)

// BenchmarkDecode decodes the tutorial's sensor record through the wire
// path with DecodeSensor.
func BenchmarkDecode(b *testing.B) {
	for _, bc := range []struct {
		name   string
		schema string
		extras map[string]any
	}{
		{"fixed", SensorSchema, nil},
		{"tutorial", TutorialSensorSchema, nil},
		{"evolved", evolvedSchemas()[5].schema, evolvedSchemas()[5].extras},
	} {
		b.Run(bc.name, func(b *testing.B) {
			v := map[string]any{"timestamp": int64(1700000000123), "id": "sensor4", "value": 35.45084971874737}
			for k, x := range bc.extras {
				v[k] = x
			}
			payload := frame(b, 100042, bc.schema, v)
			d := NewDecoder(&memSource{schemas: map[int]string{100042: bc.schema}})
			ctx := context.Background()
			var s Sensor
			if _, err := d.DecodeSensor(ctx, payload, &s); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(payload)))
			for b.Loop() {
				if _, err := d.DecodeSensor(ctx, payload, &s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeGeneric decodes the same record into a Record.
func BenchmarkDecodeGeneric(b *testing.B) {
	payload := frame(b, 100042, TutorialSensorSchema, map[string]any{"timestamp": int64(1700000000123), "id": "sensor4", "value": 35.45084971874737})
	d := NewDecoder(&memSource{schemas: map[int]string{100042: TutorialSensorSchema}})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Decode(ctx, payload); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendSensor encodes a sensor record with the hand-written path.
func BenchmarkAppendSensor(b *testing.B) {
	enc, err := NewEncoder(100042, SensorSchema)
	if err != nil {
		b.Fatal(err)
	}
	s := Sensor{Timestamp: 1700000000123, ID: "sensor4", Value: 35.45084971874737}
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		if buf, err = enc.AppendSensor(buf[:0], s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeProtobuf decodes a Protobuf sensor record (SensorProto)
// dynamically: DecodeSensor reads it from the wire by the compiled schema,
// Decode through dynamicpb into a Record.
func BenchmarkDecodeProtobuf(b *testing.B) {
	src := &protoSource{byID: map[int]regSchema{100043: {typ: FormatProtobuf, text: SensorProto, subject: "temperature-value", version: 2}}}
	payload, _ := NewProtoSensorEncoder(100043).AppendSensor(nil, Sensor{Timestamp: 1700000000123, ID: "sensor4", Value: 35.45084971874737})
	ctx := context.Background()
	b.Run("sensor", func(b *testing.B) {
		d := NewDecoder(src)
		var s Sensor
		if _, err := d.DecodeSensor(ctx, payload, &s); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.SetBytes(int64(len(payload)))
		for b.Loop() {
			if _, err := d.DecodeSensor(ctx, payload, &s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("generic", func(b *testing.B) {
		d := NewDecoder(src)
		b.ReportAllocs()
		b.SetBytes(int64(len(payload)))
		for b.Loop() {
			if _, err := d.Decode(ctx, payload); err != nil {
				b.Fatal(err)
			}
		}
	})
}
