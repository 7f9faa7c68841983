package extract

import (
	"encoding/json"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
)

func TestFormat(t *testing.T) {
	local := time.Date(2024, 5, 17, 23, 58, 0, 250e6, time.UTC)
	want := local.Local().Format(TimeLayout)
	for _, tc := range []struct {
		name  string
		v     any
		field schema.Field
		want  string
	}{
		{"null", nil, schema.Field{}, "null"},
		{"string", "cr-7", schema.Field{}, "cr-7"},
		{"float keeps its float32 digits", float32(0.1), schema.Field{}, "0.1"},
		{"double", 21.5, schema.Field{}, "21.5"},
		{"int", 7, schema.Field{}, "7"},
		{"long", int64(-3), schema.Field{}, "-3"},
		{"json number as written", json.Number("1.50"), schema.Field{}, "1.50"},
		{"decimal with its scale", big.NewRat(1234, 1000), schema.Field{Scale: 3}, "1.234"},
		{"decimal keeps trailing zeros", big.NewRat(5, 1), schema.Field{Scale: 2}, "5.00"},
		{"decimal without a scale", big.NewRat(1, 3), schema.Field{}, "1/3"},
		{"time", local, schema.Field{}, want},
		{"epoch ms of a time field", local.UnixMilli(), schema.Field{Kind: schema.KindTime, Unit: time.Millisecond}, want},
		{"epoch µs of a time field", json.Number("1715990280250000"), schema.Field{Kind: schema.KindTime, Unit: time.Microsecond}, want},
		{"epoch ms of a number field stays a number", local.UnixMilli(), schema.Field{Kind: schema.KindNumber}, "1715990280250"},
		{"duration", 1500 * time.Millisecond, schema.Field{}, "1.5s"},
		{"bytes", []byte{0, 255, 7}, schema.Field{}, "0x00ff07"},
		{"fixed", [3]byte{1, 2, 3}, schema.Field{}, "0x010203"},
		{"bool", true, schema.Field{}, "true"},
		{"array", []any{1, "a", nil}, schema.Field{}, "[1, a, null]"},
		{"map sorted", map[string]any{"b": 2.5, "a": map[string]any{"z": true}}, schema.Field{}, "{a: {z: true}, b: 2.5}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Format(tc.v, tc.field); got != tc.want {
				t.Errorf("Format(%#v) = %q, want %q", tc.v, got, tc.want)
			}
		})
	}
}

func TestLeaves(t *testing.T) {
	reg := newRegistry()
	d := schema.NewDecoder(reg)
	for _, tc := range []struct {
		name string
		rec  func(t *testing.T) schema.Record
		want []string // path=formatted value
	}{
		{
			name: "nested avro in writer order, a null record once",
			rec: func(t *testing.T) schema.Record {
				return decode(t, d, reg, nestedID, map[string]any{
					"at": time.UnixMilli(0).UTC(), "site": "kista",
					"location": map[string]any{"lat": 59.25, "label": "A"},
					"calib":    nil, "price": big.NewRat(1234, 100), "fee": nil, "count": int64(4),
					"raw": []byte{1}, "mac": [3]byte{1, 2, 3}, "tags": []any{"a", "b"},
				})
			},
			want: []string{
				"at=" + time.UnixMilli(0).Local().Format(TimeLayout), "site=kista", "location.lat=59.25", "location.label=A",
				"calib=null", "price=12.34", "fee=null", "count=4", "raw=0x01", "mac=0x010203", "tags=[a, b]",
			},
		},
		{
			name: "click with nulls",
			rec: func(t *testing.T) schema.Record {
				return decode(t, d, reg, clickID, map[string]any{
					"id": "c-1", "impression_id": "i-1", "creative_id": "cr-7", "placement_id": "p-2",
					"timestamp": time.UnixMilli(1700000000123).UTC(), "user_agent": nil, "ip": "10.0.0.1", "referrer": nil, "cost": float32(0.3),
				})
			},
			want: []string{
				"id=c-1", "impression_id=i-1", "creative_id=cr-7", "placement_id=p-2",
				"timestamp=" + time.UnixMilli(1700000000123).Local().Format(TimeLayout),
				"user_agent=null", "ip=10.0.0.1", "referrer=null", "cost=0.3",
			},
		},
		{
			name: "JSON Schema record, extra members after",
			rec: func(t *testing.T) schema.Record {
				return decodeJSON(t, d, sensorJSONID, `{"value":19.25,"id":"sensor5","timestamp":1700000000777,"extra":{"b":1,"a":[true]}}`)
			},
			want: []string{
				"timestamp=" + time.UnixMilli(1700000000777).Local().Format(TimeLayout), "id=sensor5", "value=19.25",
				"extra.a=[true]", "extra.b=1",
			},
		},
		{
			name: "plain JSON sorted and flattened",
			rec:  func(t *testing.T) schema.Record { return decodeJSON(t, d, 0, `{"z":null,"a":{"c":"x","b":2}}`) },
			want: []string{"a.b=2", "a.c=x", "z=null"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := tc.rec(t)
			var got []string
			for _, l := range Leaves(&rec) {
				got = append(got, l.Path+"="+Format(l.Value, l.Field))
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("leaves:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
