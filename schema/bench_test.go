package schema

import (
	"context"
	"testing"
)

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
// generically, through dynamicpb into a Record (BenchmarkDecodePlotted
// reads its plotted fields).
func BenchmarkDecodeProtobuf(b *testing.B) {
	src := &protoSource{byID: map[int]regSchema{100043: {typ: FormatProtobuf, text: SensorProto, subject: "temperature-value", version: 2}}}
	payload, _ := NewProtoSensorEncoder(100043).AppendSensor(nil, Sensor{Timestamp: 1700000000123, ID: "sensor4", Value: 35.45084971874737})
	ctx := context.Background()
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
