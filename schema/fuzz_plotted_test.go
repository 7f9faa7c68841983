package schema

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// selectEvery selects every leaf of the writer and every record above one
// as values, plus a path no record has; the first string leaf (else the
// first leaf) names the series, the first time leaf (else the first
// number) is the time.
func selectEvery(w *Writer) Selection {
	sel := Selection{Values: []string{"no.such.field"}}
	seen := map[string]bool{}
	for _, f := range w.Fields {
		for p := f.Path; strings.Contains(p, "."); {
			p = p[:strings.LastIndexByte(p, '.')]
			if !seen[p] {
				seen[p] = true
				sel.Values = append(sel.Values, p)
			}
		}
		sel.Values = append(sel.Values, f.Path)
		if sel.Series == "" && f.Kind == KindString {
			sel.Series = f.Path
		}
		if sel.Time == "" && f.Kind == KindTime {
			sel.Time, sel.Unit = f.Path, f.Unit
		}
	}
	for _, f := range w.Fields {
		if sel.Time == "" && f.Kind == KindNumber {
			sel.Time = f.Path
		}
		if sel.Series == "" {
			sel.Series = f.Path
		}
	}
	return sel
}

// selectRotated reads the last leaf as the series and the last number as
// the time in microseconds, so that every kind is read in every role.
func selectRotated(w *Writer) Selection {
	sel := Selection{Unit: 1000}
	for _, f := range w.Fields {
		sel.Series = f.Path
		if f.Kind == KindNumber || f.Kind == KindString {
			sel.Time = f.Path
		}
		if f.Kind != KindNumber {
			sel.Values = append(sel.Values, f.Path)
		}
	}
	return sel
}

// selectApart reads each leaf in one role, as the dashboard does: the first
// time leaf (else number) is the time in milliseconds, the first other
// string leaf the series, the other leaves values.
func selectApart(w *Writer) Selection {
	sel := Selection{Unit: time.Millisecond}
	for _, kind := range []Kind{KindTime, KindNumber} {
		for _, f := range w.Fields {
			if sel.Time == "" && f.Kind == kind {
				sel.Time = f.Path
			}
		}
	}
	for _, f := range w.Fields {
		switch {
		case f.Path == sel.Time:
		case sel.Series == "" && f.Kind == KindString:
			sel.Series = f.Path
		default:
			sel.Values = append(sel.Values, f.Path)
		}
	}
	return sel
}

// checkPlotted decodes payload with the compiled reader and with Decode,
// and fails unless both refuse it or both read the same fields.
func checkPlotted(t *testing.T, d *Decoder, payload []byte) {
	t.Helper()
	ctx := context.Background()
	var got Plotted
	err := d.DecodePlotted(ctx, payload, &got)
	rec, gerr := d.Decode(ctx, payload)
	if (err == nil) != (gerr == nil) {
		t.Fatalf("DecodePlotted: %v; Decode: %v", err, gerr)
	}
	if err != nil {
		return
	}
	var want Plotted
	want.fromRecord(&rec, got.Selection)
	if rec.Writer != nil && len(rec.Writer.Fields) > 0 && got.Writer != rec.Writer {
		t.Fatalf("writer %v, Decode's %v", got.Writer, rec.Writer)
	}
	for i, v := range got.Values {
		w := want.Values[i]
		if v.State != w.State || math.Float64bits(v.Num) != math.Float64bits(w.Num) {
			t.Fatalf("value %s: compiled %+v, full %+v (record %v)", got.Selection.Values[i], v, w, rec.Fields)
		}
	}
	if got.SeriesState != want.SeriesState || !bytes.Equal(got.Series, want.Series) {
		t.Fatalf("series %s: compiled %d %q, full %d %q (record %v)", got.Selection.Series, got.SeriesState, got.Series, want.SeriesState, want.Series, rec.Fields)
	}
	if got.TimeState != want.TimeState || !got.Time.Equal(want.Time) {
		t.Fatalf("time %s: compiled %d %v, full %d %v (record %v)", got.Selection.Time, got.TimeState, got.Time, want.TimeState, want.Time, rec.Fields)
	}
}

// plottedDecoders are decoders of src with each selection.
func plottedDecoders(src Source) []*Decoder {
	return []*Decoder{NewDecoder(src, WithSelection(selectEvery)), NewDecoder(src, WithSelection(selectRotated)), NewDecoder(src, WithSelection(selectApart))}
}

// fuzzPlottedAvroSchemas adds to the Avro fuzz schemas one with every
// logical type, nested and nullable records, enums, decimals and unions.
func fuzzPlottedAvroSchemas() map[int]string {
	m := fuzzSchemas()
	m[40] = testsupport.ClickSchema
	m[42] = nestedSchema
	m[41] = `{"type":"record","name":"all","namespace":"n","fields":[
{"name":"ts","type":{"type":"long","logicalType":"timestamp-micros"}},
{"name":"lt","type":{"type":"long","logicalType":"local-timestamp-millis"}},
{"name":"d","type":{"type":"int","logicalType":"date"}},
{"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
{"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":30,"scale":2}},
{"name":"fdec","type":{"type":"fixed","name":"f8","size":8,"logicalType":"decimal","precision":18,"scale":3}},
{"name":"e","type":{"type":"enum","name":"e","symbols":["A","NaN","Inf"]}},
{"name":"loc","type":["null",{"type":"record","name":"loc","fields":[{"name":"lat","type":"double"},{"name":"name","type":["null","string"]}]}]},
{"name":"u","type":["int","string","float","boolean",{"type":"array","items":"long"}]},
{"name":"ok","type":"boolean"},
{"name":"n","type":"int"},
{"name":"s","type":"string"}]}`
	return m
}

// clickRecord is one click of seed 003.
func clickRecord() map[string]any {
	return map[string]any{"id": "c-42", "impression_id": "imp-9f2c", "creative_id": "creative-7", "placement_id": "placement-3",
		"timestamp": int64(1700000000123), "user_agent": "Mozilla/5.0 (X11; Linux x86_64)", "ip": nil, "referrer": "https://example.com/landing", "cost": float32(0.25)}
}

func fuzzPlottedAvroSeeds(t testing.TB) [][]byte {
	seeds := fuzzSeeds(t)
	seeds = append(seeds,
		frame(t, 40, testsupport.ClickSchema, clickRecord()),
		append(AppendHeader(nil, 41),
			2, 4, 6, 8, // ts lt d tm
			4, 0x01, 0x00, // dec
			0, 0, 0, 0, 0, 0, 1, 0, // fdec
			2,                                          // e: NaN
			2, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 2, 2, 'x', // loc
			2, 6, '1', 'e', '3', // u: string
			1, 7, 6, 'a', 'b', 'c'),
	)
	return seeds
}

func FuzzPlottedAvro(f *testing.F) {
	for _, s := range fuzzPlottedAvroSeeds(f) {
		f.Add(s)
	}
	decoders := plottedDecoders(&memSource{schemas: fuzzPlottedAvroSchemas()})
	f.Fuzz(func(t *testing.T, payload []byte) {
		for _, d := range decoders {
			checkPlotted(t, d, payload)
		}
	})
}

// fuzzPlottedProtoSource adds wrappers and a recursive message to the
// Protobuf fuzz registry.
func fuzzPlottedProtoSource() *protoSource {
	src := fuzzProtoSource()
	src.byID[6] = regSchema{typ: FormatProtobuf, text: `syntax = "proto3";
import "google/protobuf/wrappers.proto";
import "google/protobuf/timestamp.proto";
message Node {
  google.protobuf.DoubleValue v = 1;
  google.protobuf.StringValue name = 2;
  Node next = 3;
  oneof pick {
    int64 a = 4;
    Node b = 5;
  }
  google.protobuf.Timestamp at = 6;
  repeated Node kids = 7;
  uint64 big = 8;
  sint32 small = 9;
  fixed32 f32 = 10;
  sfixed64 sf64 = 11;
}
`, subject: "node-value", version: 1}
	src.byID[7] = regSchema{typ: FormatProtobuf, text: `syntax = "proto2";
message Old {
  optional int32 n = 1;
  optional string s = 2;
  required double must = 3;
}
message Plain {
  optional string s = 1;
  optional int64 n = 2 [default = 7];
  optional Old old = 3;
}
`, subject: "old-value", version: 1}
	return src
}

func fuzzPlottedProtoSeeds(t testing.TB) [][]byte {
	src := fuzzPlottedProtoSource()
	seeds := fuzzProtoSeeds(t)
	return append(seeds,
		protoFrame(t, src, 6, FirstMessage, map[string]any{"v": map[string]any{"value": 1.5}, "name": map[string]any{"value": "n"}, "a": int64(3), "big": uint64(1 << 63), "small": int32(-4),
			"next": map[string]any{"v": map[string]any{"value": 2.5}, "b": map[string]any{"a": int64(1)}}}),
		append(append(AppendHeader(nil, 6), 0), 0x0a, 0x00, 0x0a, 0x09, 0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f), // v given twice
		append(append(AppendHeader(nil, 6), 0), 0x20, 0x01, 0x2a, 0x00, 0x20, 0x02),                         // oneof a, b, a
		append(append(AppendHeader(nil, 7), 0), 0x08, 0x05, 0x19, 0, 0, 0, 0, 0, 0, 0, 0),
		append(append(AppendHeader(nil, 7), 2, 2), 0x0a, 0x01, 'x', 0x1a, 0x00),
		// The sensor: a value given twice and one of another wire type,
		// text that is UTF-8 past its first eight bytes and text that is not.
		append(append(AppendHeader(nil, 1), 0), 0x19, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x18, 0x05, 0x08, 0x01, 0x08, 0x02, 0x19, 0, 0, 0, 0, 0, 0, 0, 0x40),
		append(append(AppendHeader(nil, 1), 0), 0x12, 0x0a, 's', 'e', 'n', 's', 'o', 'r', ' ', 0xc3, 0xa9, '1', 0x19, 0, 0),
		append(append(AppendHeader(nil, 1), 0), 0x12, 0x09, 's', 'e', 'n', 's', 'o', 'r', ' ', 0xe9, '1'),
		append(append(AppendHeader(nil, 1), 0), 0x08, 0x80),
		// Text cut short, and text of 130 bytes (a two-byte length).
		append(append(AppendHeader(nil, 1), 0), 0x12, 0x05, 's'),
		append(append(append(AppendHeader(nil, 1), 0), 0x12, 0x82, 0x01), strings.Repeat("sensör ", 15)+"sensor0123"...),
	)
}

func FuzzPlottedProtobuf(f *testing.F) {
	for _, s := range fuzzPlottedProtoSeeds(f) {
		f.Add(s)
	}
	decoders := plottedDecoders(fuzzPlottedProtoSource())
	f.Fuzz(func(t *testing.T, payload []byte) {
		for _, d := range decoders {
			checkPlotted(t, d, payload)
		}
	})
}

// fuzzJSONSource is a registry of one JSON Schema.
func fuzzJSONSource() *protoSource {
	return &protoSource{byID: map[int]regSchema{8: {typ: FormatJSON, subject: "j-value", version: 1, text: `{"title":"reading","type":"object","properties":{
"timestamp":{"type":"integer"},"id":{"type":"string"},"value":{"type":"number"},
"at":{"type":"string","format":"date-time"},"loc":{"type":["object","null"],"properties":{"lat":{"type":"number"}}},
"ok":{"type":"boolean"},"tags":{"type":"array"}}}`}}}
}

func fuzzPlottedJSONSeeds() [][]byte {
	return [][]byte{
		[]byte(`{"timestamp":1700000000123,"id":"sensor0","value":50.5}`),
		[]byte(` {"id":"s\u00e9\ud83d\ude00","value":"1e3","loc":{"lat":-1.5e-3,"lon":null},"ok":true,"tags":[1,{"a":[]}]} `),
		[]byte(`{"timestamp":1.7e12,"id":7,"value":null,"loc":{"lat":1},"loc":2}`),
		append(AppendHeader(nil, 8), `{"timestamp":-5,"id":"x","value":0,"at":"2026-12-06T05:00:00.5Z","loc":null}`...),
		append(AppendHeader(nil, 8), `{"value":1,"id":"\udc00\"","loc":{"lat":"2"}}`...),
		[]byte(`{"a":1,}`),
		[]byte(`{"a":01}`),
		[]byte(`{"a":"\x01"}`),
		[]byte(`{} {}`),
		[]byte(`{"timestamp":1733480000123,"id":"sensor17","value":21.384615384615383}`),
		[]byte(`{"timestamp":17334800001234567890,"id":"sens\u00f6r \u00e9 -- a longer text","value":-0.000123456789012345678e+5,"ok":false,"n":null}`),
	}
}

func FuzzPlottedJSON(f *testing.F) {
	for _, s := range fuzzPlottedJSONSeeds() {
		f.Add(s)
	}
	decoders := plottedDecoders(fuzzJSONSource())
	f.Fuzz(func(t *testing.T, payload []byte) {
		for _, d := range decoders {
			// Twice: the second read of a shape is matched against
			// the shape read last (readShape), not scanned anew.
			checkPlotted(t, d, payload)
			checkPlotted(t, d, payload)
		}
	})
}

// TestFuzzPlottedCorpus keeps testdata/fuzz in step with the seeds; run
// with -update to rewrite it.
func TestFuzzPlottedCorpus(t *testing.T) {
	for target, seeds := range map[string][][]byte{
		"FuzzPlottedAvro":     fuzzPlottedAvroSeeds(t),
		"FuzzPlottedProtobuf": fuzzPlottedProtoSeeds(t),
		"FuzzPlottedJSON":     fuzzPlottedJSONSeeds(),
	} {
		t.Run(target, func(t *testing.T) { checkSeedCorpus(t, target, seeds) })
	}
}
