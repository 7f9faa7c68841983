package schema

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// userProto is the seed's User message (Confluent's "Kafka and Python").
const userProto = `syntax = "proto3";

message User {
  string name = 1;
  string favorite_color = 2;
  int64 favorite_number = 3;
  string twitter_handle = 4;
}
`

// regSchema is one schema of a protoSource: its type, text, where it is
// registered and what it references.
type regSchema struct {
	typ     Format
	text    string
	subject string
	version int
	refs    []Reference
}

// protoSource is an in-memory registry with schema types and references.
type protoSource struct {
	byID     map[int]regSchema
	refCalls int
	refErr   error
}

func (s *protoSource) SchemaByID(ctx context.Context, id int) (string, error) {
	r, ok := s.byID[id]
	if !ok {
		return "", fmt.Errorf("%w: %d", ErrUnknownSchema, id)
	}
	return r.text, nil
}

func (s *protoSource) SchemaInfo(ctx context.Context, id int) (SubjectSchema, error) {
	r, ok := s.byID[id]
	if !ok {
		return SubjectSchema{}, fmt.Errorf("%w: %d", ErrUnknownSchema, id)
	}
	return SubjectSchema{ID: id, Type: r.typ, Schema: r.text, Subject: r.subject, Version: r.version}, nil
}

func (s *protoSource) References(ctx context.Context, id int) ([]Reference, error) {
	s.refCalls++
	if s.refErr != nil {
		return nil, s.refErr
	}
	return s.byID[id].refs, nil
}

func (s *protoSource) SubjectVersion(ctx context.Context, subject string, version int) (SubjectSchema, []Reference, error) {
	for id, r := range s.byID {
		if r.subject == subject && r.version == version {
			return SubjectSchema{ID: id, Type: r.typ, Schema: r.text, Subject: subject, Version: version}, r.refs, nil
		}
	}
	return SubjectSchema{}, nil, fmt.Errorf("subject %s version %d: not found", subject, version)
}

// infoOnly hides a protoSource's references.
type infoOnly struct{ s *protoSource }

func (i infoOnly) SchemaByID(ctx context.Context, id int) (string, error) {
	return i.s.SchemaByID(ctx, id)
}
func (i infoOnly) SchemaInfo(ctx context.Context, id int) (SubjectSchema, error) {
	return i.s.SchemaInfo(ctx, id)
}

// protoFrame compiles schema id of src, builds message idx from fields
// (dotted paths allowed for nested messages; lists for repeated fields) and
// frames it.
func protoFrame(t testing.TB, src *protoSource, id int, idx MessageIndexes, fields map[string]any) []byte {
	t.Helper()
	e, err := newProtoEntry(context.Background(), src, id, SubjectSchema{ID: id, Type: FormatProtobuf, Schema: src.byID[id].text})
	if err != nil || e.err != nil {
		t.Fatalf("compile schema %d: %v %v", id, err, e.err)
	}
	pm, err := e.proto.message(idx)
	if err != nil {
		t.Fatal(err)
	}
	m := dynamicpb.NewMessage(pm.desc)
	setFields(t, m, fields)
	body, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return append(AppendMessageIndexes(AppendHeader(nil, id), idx), body...)
}

func setFields(t testing.TB, m protoreflect.Message, fields map[string]any) {
	t.Helper()
	for name, v := range fields {
		fd := m.Descriptor().Fields().ByName(protoreflect.Name(name))
		if fd == nil {
			t.Fatalf("no field %s in %s", name, m.Descriptor().FullName())
		}
		switch x := v.(type) {
		case map[string]any:
			sub := m.Mutable(fd).Message()
			setFields(t, sub, x)
		case []any:
			l := m.Mutable(fd).List()
			for _, e := range x {
				l.Append(protoreflect.ValueOf(e))
			}
		case time.Time:
			ts := m.Mutable(fd).Message()
			ts.Set(ts.Descriptor().Fields().ByNumber(1), protoreflect.ValueOfInt64(x.Unix()))
			ts.Set(ts.Descriptor().Fields().ByNumber(2), protoreflect.ValueOfInt32(int32(x.Nanosecond())))
		case protoreflect.EnumNumber:
			m.Set(fd, protoreflect.ValueOfEnum(x))
		default:
			m.Set(fd, protoreflect.ValueOf(v))
		}
	}
}

// descriptorText is a .proto file compiled and then written as a base64
// FileDescriptorProto, the form confluent-kafka-python registers; python
// drops the fields' json_name, as generated Python code does.
func descriptorText(t testing.TB, name, text string, python bool) string {
	t.Helper()
	fd, err := compileProto(context.Background(), &protoCompileInput{root: name, files: map[string]protoFileSource{name: {text: text}}}, false)
	if err != nil {
		t.Fatal(err)
	}
	fdp := protodesc.ToFileDescriptorProto(fd)
	if python {
		for _, m := range fdp.GetMessageType() {
			for _, f := range m.GetField() {
				f.JsonName = nil
			}
		}
	}
	raw, err := proto.Marshal(fdp)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(raw)
}

func TestMessageIndexes(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want []int
		rest int
		err  string
	}{
		{name: "first message", in: []byte{0, 0x0a}, want: []int{0}, rest: 1},
		{name: "second message", in: []byte{2, 2, 0x0a}, want: []int{1}, rest: 1},
		{name: "nested", in: []byte{4, 2, 0}, want: []int{1, 0}},
		{name: "explicit [0]", in: []byte{2, 0}, want: []int{0}},
		{name: "overlong zero count", in: []byte{0x80, 0x00, 7}, want: []int{0}, rest: 1},
		{name: "two-byte index", in: []byte{2, 0x80, 0x01}, want: []int{64}},
		{name: "empty", in: nil, err: "truncated varint"},
		{name: "truncated count", in: []byte{0x80}, err: "truncated varint"},
		{name: "truncated index", in: []byte{4, 2}, err: "truncated varint"},
		{name: "negative count", in: []byte{1, 1}, err: "negative count"},
		{name: "negative index", in: []byte{2, 1}, err: "negative message index"},
		{name: "too many", in: []byte{66}, err: "more than 32 indexes"},
		{name: "overlong varint", in: []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0}, err: "longer than 5 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idx, rest, err := ParseMessageIndexes(tc.in)
			if tc.err != "" {
				if !errors.Is(err, ErrBadMessageIndex) || !bytes.Contains([]byte(err.Error()), []byte(tc.err)) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(idx.Ints(), tc.want) || len(rest) != tc.rest {
				t.Fatalf("got %v rest %d, want %v rest %d", idx, len(rest), tc.want, tc.rest)
			}
			again, _, err := ParseMessageIndexes(AppendMessageIndexes(nil, idx))
			if err != nil || again != idx {
				t.Fatalf("round trip: %v %v", again, err)
			}
		})
	}
	if got := AppendMessageIndexes(nil, NewMessageIndexes(1)); !bytes.Equal(got, []byte{2, 2}) {
		t.Fatalf("[1] encodes as %x, want 0202", got)
	}
}

func TestDecodeProtobufUser(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
	}{
		{"proto text", userProto},
		{"base64 descriptor", descriptorText(t, "user.proto", userProto, false)},
		{"base64 descriptor without json names, as python writes it", descriptorText(t, "user.proto", userProto, true)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &protoSource{byID: map[int]regSchema{7: {typ: FormatProtobuf, text: tc.text, subject: "mytopic_protobuf-value", version: 1}}}
			payload := protoFrame(t, src, 7, FirstMessage, map[string]any{"name": "Robert Zych", "favorite_color": "blue", "favorite_number": int64(42), "twitter_handle": "zychr"})
			d := newSensorDecoder(src)
			rec, err := d.Decode(context.Background(), payload)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]any{"name": "Robert Zych", "favorite_color": "blue", "favorite_number": int64(42), "twitter_handle": "zychr"}
			if !reflect.DeepEqual(rec.Fields, want) || rec.Name != "User" || rec.SchemaID != 7 {
				t.Fatalf("record = %+v", rec)
			}
			w := rec.Writer
			if w.Format != FormatProtobuf || w.Label() != "mytopic_protobuf-value v1 (PROTOBUF)" {
				t.Fatalf("writer %+v label %q", w, w.Label())
			}
			var kinds []string
			for _, f := range w.Fields {
				kinds = append(kinds, f.Path+":"+f.Kind.String())
			}
			if want := []string{"name:string", "favorite_color:string", "favorite_number:number", "twitter_handle:string"}; !reflect.DeepEqual(kinds, want) {
				t.Fatalf("fields %v, want %v", kinds, want)
			}
			var s Sensor
			if _, err := decodeSensor(context.Background(), d, payload, &s); !errors.Is(err, errNoReading) {
				t.Fatalf("DecodePlotted: %v, want a record without a sensor reading", err)
			}
		})
	}
}

// commonProto is registered under its own subject and imported by
// readingProto.
const commonProto = `syntax = "proto3";
package common;

message Location {
  double lat = 1;
  double lon = 2;
}
`

const readingProto = `syntax = "proto3";
package plant;

import "common.proto";
import "google/protobuf/timestamp.proto";

message Reading {
  google.protobuf.Timestamp at = 1;
  string id = 2;
  common.Location location = 3;
  optional double humidity = 4;
  oneof level {
    int32 low = 5;
    double high = 6;
  }
  repeated string tags = 7;
  map<string, int64> counters = 8;
  Status status = 9;
  uint64 seq = 10;
  float gain = 11;
  bytes raw = 12;
  bool ok = 13;

  enum Status {
    UNKNOWN = 0;
    OK = 1;
  }
  message Calibration {
    double offset = 1;
  }
}

message Alarm {
  string id = 1;
  sint32 severity = 2;
  Reading.Calibration calibration = 3;
}
`

func referencedSource() *protoSource {
	return &protoSource{byID: map[int]regSchema{
		3: {typ: FormatProtobuf, text: commonProto, subject: "common", version: 1},
		4: {typ: FormatProtobuf, text: readingProto, subject: "plant-value", version: 2, refs: []Reference{{Name: "common.proto", Subject: "common", Version: 1}}},
	}}
}

func TestDecodeProtobufReferencesTimestampSecondMessage(t *testing.T) {
	at := time.Date(2026, 11, 30, 12, 0, 0, 250_000_000, time.UTC)
	for _, tc := range []struct {
		name   string
		idx    MessageIndexes
		fields map[string]any
		want   map[string]any
		label  string
	}{
		{
			name: "reference, timestamp, optional and oneof set",
			idx:  FirstMessage,
			fields: map[string]any{"at": at, "id": "r1", "location": map[string]any{"lat": 59.3, "lon": 18.1},
				"humidity": 0.4, "high": 2.5, "tags": []any{"a", "b"}, "status": protoreflect.EnumNumber(1), "seq": uint64(9), "gain": float32(1.5), "raw": []byte{1, 2}, "ok": true},
			want: map[string]any{"at": at, "id": "r1", "location": map[string]any{"lat": 59.3, "lon": 18.1},
				"humidity": 0.4, "low": nil, "high": 2.5, "tags": []any{"a", "b"}, "counters": map[string]any{},
				"status": "OK", "seq": uint64(9), "gain": float32(1.5), "raw": []byte{1, 2}, "ok": true},
			label: "plant.Reading",
		},
		{
			name:   "unset optional, oneof and message are nil",
			idx:    FirstMessage,
			fields: map[string]any{"id": "r2"},
			want: map[string]any{"at": nil, "id": "r2", "location": nil, "humidity": nil, "low": nil, "high": nil,
				"tags": []any{}, "counters": map[string]any{}, "status": "UNKNOWN", "seq": uint64(0), "gain": float32(0), "raw": []byte{}, "ok": false},
			label: "plant.Reading",
		},
		{
			name:   "second message of the file",
			idx:    NewMessageIndexes(1),
			fields: map[string]any{"id": "a1", "severity": int32(-3), "calibration": map[string]any{"offset": -0.5}},
			want:   map[string]any{"id": "a1", "severity": int32(-3), "calibration": map[string]any{"offset": -0.5}},
			label:  "plant.Alarm",
		},
		{
			name:   "nested message (after the map entry counters makes)",
			idx:    NewMessageIndexes(0, 1),
			fields: map[string]any{"offset": 1.25},
			want:   map[string]any{"offset": 1.25},
			label:  "plant.Reading.Calibration",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := referencedSource()
			payload := protoFrame(t, src, 4, tc.idx, tc.fields)
			rec, err := newSensorDecoder(src).Decode(context.Background(), payload)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Name != tc.label || rec.Writer.Name != tc.label || rec.Writer.Subject != "plant-value" {
				t.Fatalf("name %q writer %+v", rec.Name, rec.Writer)
			}
			got := maps.Clone(rec.Fields)
			if raw, ok := got["raw"].([]byte); ok && len(raw) == 0 {
				got["raw"] = []byte{}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("fields\n got %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestDescribeProtobuf(t *testing.T) {
	src := referencedSource()
	w, err := newSensorDecoder(src).Writer(context.Background(), 4)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range w.Fields {
		got = append(got, fmt.Sprintf("%s %s %s null=%v rep=%v unit=%v", f.Path, f.Type, f.Kind, f.Nullable, f.Repeated, f.Unit))
	}
	want := []string{
		"at google.protobuf.Timestamp time null=true rep=false unit=0s",
		"id string string null=false rep=false unit=0s",
		"location.lat double number null=true rep=false unit=0s",
		"location.lon double number null=true rep=false unit=0s",
		"humidity double number null=true rep=false unit=0s",
		"low int32 number null=true rep=false unit=0s",
		"high double number null=true rep=false unit=0s",
		"tags repeated string other null=false rep=true unit=0s",
		"counters map<string, int64> other null=false rep=true unit=0s",
		"status plant.Reading.Status string null=false rep=false unit=0s",
		"seq uint64 number null=false rep=false unit=0s",
		"gain float number null=false rep=false unit=0s",
		"raw bytes other null=false rep=false unit=0s",
		"ok bool other null=false rep=false unit=0s",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fields\n got %q\nwant %q", got, want)
	}
}

func TestDecodeProtobufSensor(t *testing.T) {
	const tsProto = `syntax = "proto3";
import "google/protobuf/timestamp.proto";
message sensor {
  string note = 4;
  google.protobuf.Timestamp timestamp = 1;
  string id = 2;
  float value = 3;
  repeated int32 extra = 5;
}
`
	src := &protoSource{byID: map[int]regSchema{
		1: {typ: FormatProtobuf, text: SensorProto, subject: "temperature-value", version: 3},
		2: {typ: FormatProtobuf, text: tsProto, subject: "temperature-value", version: 4},
	}}
	d := newSensorDecoder(src)
	ctx := context.Background()
	want := Sensor{Timestamp: 1700000000123, ID: "sensor4", Value: 35.45084971874737}
	payload, _ := NewProtoSensorEncoder(1).AppendSensor(nil, want)
	var s Sensor
	if id, err := decodeSensor(ctx, d, payload, &s); err != nil || id != 1 || s != want {
		t.Fatalf("DecodePlotted = %+v, %d, %v", s, id, err)
	}
	rec, err := d.Decode(ctx, payload)
	if err != nil {
		t.Fatal(err)
	}
	if w := map[string]any{"timestamp": want.Timestamp, "id": want.ID, "value": want.Value}; !reflect.DeepEqual(rec.Fields, w) {
		t.Fatalf("Decode = %v", rec.Fields)
	}
	if f, _ := rec.Writer.Field("timestamp"); f.Kind != KindTime || f.Unit != 0 {
		t.Fatalf("timestamp field %+v", f)
	}

	other := protoFrame(t, src, 2, FirstMessage, map[string]any{"note": "n", "timestamp": time.UnixMilli(1700000000123).UTC(), "id": "sensor1", "value": float32(2.5), "extra": []any{int32(1), int32(2)}})
	if _, err := decodeSensor(ctx, d, other, &s); err != nil || s != (Sensor{Timestamp: 1700000000123, ID: "sensor1", Value: 2.5}) {
		t.Fatalf("Timestamp sensor = %+v, %v", s, err)
	}
	zero, _ := NewProtoSensorEncoder(1).AppendSensor(nil, Sensor{})
	if _, err := decodeSensor(ctx, d, zero, &s); err != nil || s != (Sensor{}) {
		t.Fatalf("all defaults = %+v, %v", s, err)
	}
}

func TestDecodeProtobufRejects(t *testing.T) {
	src := referencedSource()
	src.byID[5] = regSchema{typ: FormatProtobuf, text: `syntax = "proto3"; message X { int32 a = 1 }`}
	src.byID[6] = regSchema{typ: FormatProtobuf, text: `syntax = "proto3"; enum E { A = 0; }`}
	good := protoFrame(t, src, 4, FirstMessage, map[string]any{"id": "x"})
	hdr := AppendHeader(nil, 4)
	for _, tc := range []struct {
		name    string
		src     Source
		payload []byte
		is      error
		text    string
	}{
		{"index beyond the file", src, append(append(hdr[:5:5], 2, 4), good[6:]...), ErrBadMessageIndex, "[2] names no message"},
		{"nested index beyond", src, append(append(hdr[:5:5], 4, 2, 2), good[6:]...), ErrBadMessageIndex, "[1 1] names no message"},
		{"no index", src, hdr, ErrBadMessageIndex, "truncated varint"},
		{"truncated body", src, good[:len(good)-1], ErrMalformedProto, "plant.Reading"},
		{"bad wire type", src, append(hdr[:5:5], 0, 0x0f), ErrMalformedProto, ""},
		{"syntax error", src, append(AppendHeader(nil, 5), 0), nil, "compile protobuf schema"},
		{"no message", src, append(AppendHeader(nil, 6), 0), nil, "defines no message"},
		{"import without references", infoOnly{src}, good, ErrNoReferences, `import "common.proto"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newSensorDecoder(tc.src).Decode(context.Background(), tc.payload)
			if err == nil || (tc.is != nil && !errors.Is(err, tc.is)) || !bytes.Contains([]byte(err.Error()), []byte(tc.text)) {
				t.Fatalf("err = %v, want %v containing %q", err, tc.is, tc.text)
			}
		})
	}
}

func TestDecodeProtobufReferenceFetchRetried(t *testing.T) {
	src := referencedSource()
	payload := protoFrame(t, src, 4, FirstMessage, map[string]any{"id": "x"})
	src.refCalls = 0
	src.refErr = fmt.Errorf("registry down: %w", context.DeadlineExceeded)
	d := newSensorDecoder(src)
	if _, err := d.Decode(context.Background(), payload); err == nil || !IsRetryable(err) {
		t.Fatalf("err = %v, want a retryable error", err)
	}
	src.refErr = nil
	if _, err := d.Decode(context.Background(), payload); err != nil {
		t.Fatalf("after the registry came back: %v", err)
	}
	if src.refCalls != 2 {
		t.Fatalf("references fetched %d times, want 2", src.refCalls)
	}
	if _, err := d.Decode(context.Background(), payload); err != nil || src.refCalls != 2 {
		t.Fatalf("compiled once per id: %v, %d fetches", err, src.refCalls)
	}
}
