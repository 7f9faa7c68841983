package schema

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// BenchmarkDecodePlotted reads the fields a dashboard plots (series,
// value, time) with the compiled reader: seed 003's click (Avro, 9 fields),
// the tutorial's sensor in Avro (fixed and tutorial forms), Protobuf and
// plain JSON (also exactly the record tools/benchkit writes, whose value
// has 17 significant digits). Besides ns/op (wall time) it reports cpu-ns/op, the CPU time
// of its thread, which other processes on a busy machine do not inflate.
func BenchmarkDecodePlotted(b *testing.B) {
	sensor := map[string]any{"timestamp": int64(1700000000123), "id": "sensor4", "value": 35.45084971874737}
	protoSensor, _ := NewProtoSensorEncoder(100043).AppendSensor(nil, Sensor{Timestamp: 1700000000123, ID: "sensor4", Value: 35.45084971874737})
	sensorSel := func(*Writer) Selection {
		return Selection{Series: "id", Values: []string{"value"}, Time: "timestamp", Unit: time.Millisecond}
	}
	for _, bc := range []struct {
		name    string
		src     Source
		payload []byte
		sel     func(*Writer) Selection
	}{
		{"click", &memSource{schemas: map[int]string{100044: testsupport.ClickSchema}}, frame(b, 100044, testsupport.ClickSchema, clickRecord()),
			func(*Writer) Selection {
				return Selection{Series: "id", Values: []string{"cost"}, Time: "timestamp", Unit: time.Millisecond}
			}},
		{"sensor", &memSource{schemas: map[int]string{100042: SensorSchema}}, frame(b, 100042, SensorSchema, sensor), sensorSel},
		{"tutorial", &memSource{schemas: map[int]string{100042: TutorialSensorSchema}}, frame(b, 100042, TutorialSensorSchema, sensor), sensorSel},
		{"protobuf", &protoSource{byID: map[int]regSchema{100043: {typ: FormatProtobuf, text: SensorProto}}}, protoSensor, sensorSel},
		{"json", &memSource{}, []byte(`{"timestamp":1700000000123,"id":"sensor4","value":35.45084971874737}`), sensorSel},
		{"json-benchkit", &memSource{}, []byte(`{"timestamp":1733480000123,"id":"sensor17","value":21.384615384615383}`), sensorSel},
		{"json-nested", &memSource{}, []byte(`{"timestamp":1733480000123,"id":"sensor17","loc":{"lat":52.520008,"lon":13.404954},"value":21.384615384615383,"tags":["a","b"]}`), sensorSel},
	} {
		b.Run(bc.name, func(b *testing.B) {
			d := NewDecoder(bc.src, WithSelection(bc.sel))
			ctx := context.Background()
			var p Plotted
			if err := d.DecodePlotted(ctx, bc.payload, &p); err != nil {
				b.Fatal(err)
			}
			if p.SeriesState != Set || p.TimeState != Set || p.Values[0].State != Set {
				b.Fatalf("read %+v", p)
			}
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.payload)))
			cpu0, ok := threadCPU()
			n := 0
			for b.Loop() {
				if err := d.DecodePlotted(ctx, bc.payload, &p); err != nil {
					b.Fatal(err)
				}
				n++
			}
			if cpu1, _ := threadCPU(); ok && n > 0 {
				b.ReportMetric(float64(cpu1-cpu0)/float64(n), "cpu-ns/op")
			}
		})
	}
}
