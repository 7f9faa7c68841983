package extract

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/kafkaplot/kafkaplot/schema"
)

// readingProto has a Timestamp, a nested message, an optional field, a
// oneof, repeated and map fields, and numbers of every width.
const readingProto = `syntax = "proto3";
import "google/protobuf/timestamp.proto";

message Reading {
  google.protobuf.Timestamp at = 1;
  string name = 2;
  message Location { double lat = 1; float lon = 2; }
  Location location = 3;
  optional double humidity = 4;
  oneof level { int32 low = 5; uint64 high = 6; }
  repeated double history = 7;
  map<string, int64> counters = 8;
  sint64 delta = 9;
  bool ok = 10;
}
`

// readingBody writes a Reading by hand: at, name, location.lat and, when
// set, humidity and low.
func readingBody(at time.Time, name string, lat float64, humidity *float64, low *int32) []byte {
	var ts []byte
	ts = protowire.AppendTag(ts, 1, protowire.VarintType)
	ts = protowire.AppendVarint(ts, uint64(at.Unix()))
	ts = protowire.AppendTag(ts, 2, protowire.VarintType)
	ts = protowire.AppendVarint(ts, uint64(at.Nanosecond()))
	var loc []byte
	loc = protowire.AppendTag(loc, 1, protowire.Fixed64Type)
	loc = protowire.AppendFixed64(loc, math.Float64bits(lat))
	b := schema.AppendMessageIndexes(schema.AppendHeader(nil, 40), schema.FirstMessage)
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendBytes(b, ts)
	b = protowire.AppendTag(b, 2, protowire.BytesType)
	b = protowire.AppendString(b, name)
	b = protowire.AppendTag(b, 3, protowire.BytesType)
	b = protowire.AppendBytes(b, loc)
	if humidity != nil {
		b = protowire.AppendTag(b, 4, protowire.Fixed64Type)
		b = protowire.AppendFixed64(b, math.Float64bits(*humidity))
	}
	if low != nil {
		b = protowire.AppendTag(b, 5, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(int64(*low)))
	}
	b = protowire.AppendTag(b, 7, protowire.BytesType)
	b = protowire.AppendBytes(b, protowire.AppendFixed64(nil, math.Float64bits(1.5)))
	return b
}

func TestExtractProtobuf(t *testing.T) {
	reg := registry{40: {ID: 40, Subject: "reading-value", Version: 1, Schema: readingProto, Type: schema.FormatProtobuf}}
	d := schema.NewDecoder(reg)
	at := time.Date(2026, 11, 30, 10, 0, 0, 5_000_000, time.UTC)
	h, low := 0.75, int32(-4)
	ex := New(Config{})

	rec, err := d.Decode(context.Background(), readingBody(at, "kista", 59.25, &h, &low))
	if err != nil {
		t.Fatal(err)
	}
	p := ex.Plan(rec.Writer)
	wantPlan := &Plan{Fallback: "name", Time: "at",
		Values:  []string{"location.lat", "location.lon", "humidity", "low", "high", "delta"},
		Skipped: []string{"history", "counters"}}
	if !reflect.DeepEqual(p, wantPlan) {
		t.Fatalf("plan\n got %+v\nwant %+v", p, wantPlan)
	}
	pts, src := ex.Extract(&rec, nil, time.Time{}, nil)
	want := []Point{
		{Series: "kista", Field: "location.lat", Time: at, Value: 59.25},
		{Series: "kista", Field: "location.lon", Time: at, Value: 0},
		{Series: "kista", Field: "humidity", Time: at, Value: 0.75},
		{Series: "kista", Field: "low", Time: at, Value: -4},
		{Series: "kista", Field: "high", Time: at, Null: true},
		{Series: "kista", Field: "delta", Time: at, Value: 0},
	}
	if !reflect.DeepEqual(pts, want) || src != (Source{SeriesBy: "name", TimeBy: "at"}) {
		t.Fatalf("points\n got %+v\nwant %+v\nsource %+v", pts, want, src)
	}

	rec, err = d.Decode(context.Background(), readingBody(at, "kista", 1, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	pts, _ = ex.Extract(&rec, []byte("k"), time.Time{}, nil)
	for _, p := range pts {
		if gap := p.Field == "humidity" || p.Field == "low" || p.Field == "high"; p.Null != gap {
			t.Errorf("%s: Null = %v, want %v (unset optional and oneof are gaps)", p.Field, p.Null, gap)
		}
	}

	leaves := Leaves(&rec)
	var got []string
	for _, l := range leaves {
		got = append(got, l.Path+"="+Format(l.Value, l.Field))
	}
	wantLeaves := []string{"at=" + at.Local().Format(TimeLayout), "name=kista", "location.lat=1", "location.lon=0", "humidity=null",
		"low=null", "high=null", "history=[1.5]", "counters={}", "delta=0", "ok=false"}
	if !reflect.DeepEqual(got, wantLeaves) {
		t.Fatalf("leaves\n got %q\nwant %q", got, wantLeaves)
	}
}

func TestPointsProtobufSensor(t *testing.T) {
	reg := registry{41: {ID: 41, Subject: "temperature-value", Version: 2, Schema: schema.SensorProto, Type: schema.FormatProtobuf}}
	ex := New(Config{})
	d := schema.NewDecoder(reg, schema.WithSelection(ex.Selection))
	payload, _ := schema.NewProtoSensorEncoder(41).AppendSensor(nil, schema.Sensor{Timestamp: 1700000000123, ID: "sensor2", Value: 3.5})
	var p schema.Plotted
	if err := d.DecodePlotted(context.Background(), payload, &p); err != nil {
		t.Fatal(err)
	}
	fast, _ := ex.Points(&p, []byte("sensor2"), time.Time{}, nil)
	rec, err := d.Decode(context.Background(), payload)
	if err != nil {
		t.Fatal(err)
	}
	slow, _ := ex.Extract(&rec, []byte("sensor2"), time.Time{}, nil)
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("compiled %+v and generic %+v disagree", fast, slow)
	}
}
