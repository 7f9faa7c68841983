package extract

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/kafkaplot/kafkaplot/schema"
)

// TestEpochTimeField: an integer that counts from the epoch to a plausible
// date, or one named like a time, is the time axis of a plain JSON topic,
// not a value, in whichever unit; both read paths agree.
func TestEpochTimeField(t *testing.T) {
	at := time.Date(2026, 12, 6, 7, 0, 0, 0, time.UTC)
	tests := []struct {
		name, record string
		time         string
		values       []string
	}{
		{"ts in ms, nested values", `{"device":"d1","ts":1796540400000,"temp_c":21.5,"rpm":1200,"meta":{"load":0.5}}`,
			"ts", []string{"meta.load", "rpm", "temp_c"}},
		{"seconds", `{"id":"d1","created_at":1796540400,"v":1}`, "created_at", []string{"v"}},
		{"microseconds", `{"id":"d1","event_time":1796540400000000,"v":1}`, "event_time", []string{"v"}},
		{"nanoseconds, not named like a time", `{"id":"d1","when":1796540400000000000,"v":1}`, "when", []string{"v"}},
		{"a time-like name wins over another epoch", `{"id":"d1","n":1796540400,"ts":1796540400000,"v":1}`, "ts", []string{"n", "v"}},
		{"no plausible date: the record's time", `{"id":"d1","ts":12,"v":1}`, "", []string{"ts", "v"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := New(Config{})
			d := schema.NewDecoder(nil, schema.WithSelection(ex.Selection))
			var p schema.Plotted
			if err := d.DecodePlotted(context.Background(), []byte(tt.record), &p); err != nil {
				t.Fatal(err)
			}
			sel := ex.Selection(p.Writer)
			if sel.Time != tt.time || !slices.Equal(sortedCopy(sel.Values), tt.values) {
				t.Fatalf("time %q values %q, want %q %q", sel.Time, sel.Values, tt.time, tt.values)
			}
			recTime := time.Unix(1, 0)
			points, _ := ex.Points(&p, nil, recTime, nil)
			want := at
			if tt.time == "" {
				want = recTime
			}
			for _, pt := range points {
				if !pt.Time.Equal(want) {
					t.Errorf("point %s at %v, want %v", pt.Field, pt.Time, want)
				}
			}
			// The whole-record path picks the same.
			rec, err := d.Decode(context.Background(), []byte(tt.record))
			if err != nil {
				t.Fatal(err)
			}
			plan := ex.Plan(rec.Writer)
			if rec.Writer == nil || len(rec.Writer.Fields) == 0 {
				plan = ex.plainPlan(&rec)
			}
			if plan.Time != tt.time {
				t.Errorf("decoded whole: time %q, want %q", plan.Time, tt.time)
			}
		})
	}
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// deviceAvro is the acceptance record of issue 21 in Avro, ts's type to be
// filled in.
const deviceAvro = `{"type":"record","name":"device","fields":[{"name":"device","type":"string"},{"name":"ts","type":%s},` +
	`{"name":"temp_c","type":"double"},{"name":"rpm","type":"int"},` +
	`{"name":"meta","type":{"type":"record","name":"meta","fields":[{"name":"load","type":"double"}]}}]}`

// deviceProto is the same record in Protobuf, ts's type to be filled in.
const deviceProto = `syntax = "proto3";
import "google/protobuf/timestamp.proto";
message Device {
  string device = 1;
  %s ts = 2;
  double temp_c = 3;
  int32 rpm = 4;
  message Meta { double load = 1; }
  Meta meta = 5;
}
`

// deviceProtoBody writes a Device with ts written by tsField.
func deviceProtoBody(id int, tsField func([]byte) []byte) []byte {
	b := schema.AppendMessageIndexes(schema.AppendHeader(nil, id), schema.FirstMessage)
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendString(b, "d1")
	b = tsField(b)
	b = protowire.AppendTag(b, 3, protowire.Fixed64Type)
	b = protowire.AppendFixed64(b, math.Float64bits(21.5))
	b = protowire.AppendTag(b, 4, protowire.VarintType)
	b = protowire.AppendVarint(b, 1200)
	var meta []byte
	meta = protowire.AppendTag(meta, 1, protowire.Fixed64Type)
	meta = protowire.AppendFixed64(meta, math.Float64bits(0.5))
	b = protowire.AppendTag(b, 5, protowire.BytesType)
	return protowire.AppendBytes(b, meta)
}

// TestEpochTimeFieldEveryFormat: the time rule holds for Avro, Protobuf and
// JSON Schema records as for plain JSON: a timestamp logical type, a
// google.protobuf.Timestamp or an integer named like a time (in whichever
// unit its value tells) is the time axis, not a value; the compiled reader
// and the whole-record path agree.
func TestEpochTimeFieldEveryFormat(t *testing.T) {
	at := time.Date(2026, 12, 6, 7, 0, 0, 0, time.UTC)
	avroRecord := func(ts any) map[string]any {
		return map[string]any{"device": "d1", "ts": ts, "temp_c": 21.5, "rpm": 1200, "meta": map[string]any{"load": 0.5}}
	}
	varintTS := func(n int64) func([]byte) []byte {
		return func(b []byte) []byte {
			return protowire.AppendVarint(protowire.AppendTag(b, 2, protowire.VarintType), uint64(n))
		}
	}
	tests := []struct {
		name    string
		ss      schema.SubjectSchema
		payload func(t *testing.T, reg registry) []byte
	}{
		{"Avro long ts in ms", schema.SubjectSchema{Schema: fmt.Sprintf(deviceAvro, `"long"`), Type: schema.FormatAvro},
			func(t *testing.T, reg registry) []byte { return encode(t, reg, 50, avroRecord(at.UnixMilli())) }},
		{"Avro long ts in seconds", schema.SubjectSchema{Schema: fmt.Sprintf(deviceAvro, `"long"`), Type: schema.FormatAvro},
			func(t *testing.T, reg registry) []byte { return encode(t, reg, 50, avroRecord(at.Unix())) }},
		{"Avro timestamp-millis", schema.SubjectSchema{Schema: fmt.Sprintf(deviceAvro, `{"type":"long","logicalType":"timestamp-millis"}`), Type: schema.FormatAvro},
			func(t *testing.T, reg registry) []byte { return encode(t, reg, 50, avroRecord(at)) }},
		{"Avro timestamp-micros", schema.SubjectSchema{Schema: fmt.Sprintf(deviceAvro, `{"type":"long","logicalType":"timestamp-micros"}`), Type: schema.FormatAvro},
			func(t *testing.T, reg registry) []byte { return encode(t, reg, 50, avroRecord(at)) }},
		{"Protobuf int64 ts in ms", schema.SubjectSchema{Schema: fmt.Sprintf(deviceProto, "int64"), Type: schema.FormatProtobuf},
			func(*testing.T, registry) []byte { return deviceProtoBody(50, varintTS(at.UnixMilli())) }},
		{"Protobuf int64 ts in seconds", schema.SubjectSchema{Schema: fmt.Sprintf(deviceProto, "int64"), Type: schema.FormatProtobuf},
			func(*testing.T, registry) []byte { return deviceProtoBody(50, varintTS(at.Unix())) }},
		{"Protobuf Timestamp", schema.SubjectSchema{Schema: fmt.Sprintf(deviceProto, "google.protobuf.Timestamp"), Type: schema.FormatProtobuf},
			func(*testing.T, registry) []byte {
				return deviceProtoBody(50, func(b []byte) []byte {
					ts := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), uint64(at.Unix()))
					return protowire.AppendBytes(protowire.AppendTag(b, 2, protowire.BytesType), ts)
				})
			}},
		{"JSON Schema integer ts in ms", schema.SubjectSchema{Type: schema.FormatJSON,
			Schema: `{"title":"device","type":"object","properties":{"device":{"type":"string"},"ts":{"type":"integer"},"temp_c":{"type":"number"},"rpm":{"type":"integer"},"meta":{"type":"object","properties":{"load":{"type":"number"}}}}}`},
			func(*testing.T, registry) []byte {
				return jsonPayload(50, fmt.Sprintf(`{"device":"d1","ts":%d,"temp_c":21.5,"rpm":1200,"meta":{"load":0.5}}`, at.UnixMilli()))
			}},
		{"JSON Schema integer ts in microseconds", schema.SubjectSchema{Type: schema.FormatJSON,
			Schema: `{"title":"device","type":"object","properties":{"device":{"type":"string"},"ts":{"type":"integer"},"temp_c":{"type":"number"},"rpm":{"type":"integer"},"meta":{"type":"object","properties":{"load":{"type":"number"}}}}}`},
			func(*testing.T, registry) []byte {
				return jsonPayload(50, fmt.Sprintf(`{"device":"d1","ts":%d,"temp_c":21.5,"rpm":1200,"meta":{"load":0.5}}`, at.UnixMicro()))
			}},
	}
	wantValues := []string{"meta.load", "rpm", "temp_c"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.ss.ID, tt.ss.Subject, tt.ss.Version = 50, "device-value", 1
			reg := registry{50: tt.ss}
			payload := tt.payload(t, reg)
			ex := New(Config{}) // device names the series: records without a key
			d := schema.NewDecoder(reg, schema.WithSelection(ex.Selection))
			var p schema.Plotted
			if err := d.DecodePlotted(context.Background(), payload, &p); err != nil {
				t.Fatal(err)
			}
			sel := ex.Selection(p.Writer)
			if sel.Time != "ts" || !slices.Equal(sortedCopy(sel.Values), wantValues) {
				t.Fatalf("time %q values %q, want ts %q", sel.Time, sel.Values, wantValues)
			}
			points, src := ex.Points(&p, nil, time.Unix(1, 0), nil)
			rec, err := d.Decode(context.Background(), payload)
			if err != nil {
				t.Fatal(err)
			}
			whole, wholeSrc := ex.Extract(&rec, nil, time.Unix(1, 0), nil)
			if src.TimeBy != "ts" || wholeSrc != src {
				t.Errorf("time by %q (whole record %q), want ts", src.TimeBy, wholeSrc.TimeBy)
			}
			if len(points) != 3 || len(whole) != 3 {
				t.Fatalf("points %+v, whole record %+v; want one per value", points, whole)
			}
			for i, pt := range append(points, whole...) {
				if !pt.Time.Equal(at) || pt.Series != "d1" {
					t.Errorf("point %d %s of %s at %v, want d1 at %v", i, pt.Field, pt.Series, pt.Time, at)
				}
			}
		})
	}
}

// TestSeriesField: records without a key are split into lines by a
// top-level string field: device or sensor before a record's id, then
// host, name or key, in any case; the compiled reader and the whole-record
// path pick the same.
func TestSeriesField(t *testing.T) {
	tests := []struct {
		name, record, want string
	}{
		{"device", `{"device":"d1","ts":1796540400000,"temp_c":21.5}`, "device"},
		{"device before a record id", `{"id":"evt-1","device":"d1","v":1}`, "device"},
		{"sensor", `{"sensor":"s1","v":1}`, "sensor"},
		{"id before host", `{"host":"gw1","id":"sensor3","v":1}`, "id"},
		{"host", `{"host":"web1","cpu":0.5}`, "host"},
		{"name", `{"name":"pump","v":1}`, "name"},
		{"key", `{"key":"k","v":1}`, "key"},
		{"any case", `{"Device":"d1","v":1}`, "Device"},
		{"a number is no name", `{"device":7,"v":1}`, ""},
		{"none", `{"v":1}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := New(Config{})
			d := schema.NewDecoder(nil, schema.WithSelection(ex.Selection))
			var p schema.Plotted
			if err := d.DecodePlotted(context.Background(), []byte(tt.record), &p); err != nil {
				t.Fatal(err)
			}
			if got := ex.Selection(p.Writer).Series; got != tt.want {
				t.Errorf("series field %q, want %q", got, tt.want)
			}
			rec, err := d.Decode(context.Background(), []byte(tt.record))
			if err != nil {
				t.Fatal(err)
			}
			if got := ex.plainPlan(&rec).Fallback; got != tt.want {
				t.Errorf("decoded whole: series field %q, want %q", got, tt.want)
			}
			_, src := ex.Points(&p, nil, time.Unix(1, 0), nil)
			if want := cmp.Or(tt.want, "record"); src.SeriesBy != want {
				t.Errorf("series by %q, want %q", src.SeriesBy, want)
			}
		})
	}
}
