package schema

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// writeFiles writes name → text into a new directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestSchemaFileAvro(t *testing.T) {
	dir := writeFiles(t, map[string]string{"sensor.avsc": TutorialSensorSchema})
	sf, err := LoadSchemaFile(filepath.Join(dir, "sensor.avsc"))
	if err != nil {
		t.Fatal(err)
	}
	framed := frame(t, 1, TutorialSensorSchema, map[string]any{"timestamp": int64(1700000000123), "id": "sensor3", "value": 21.5})
	bare := framed[headerLen:]
	d := newSensorDecoder(&memSource{}, WithSchemaFile(sf))
	ctx := context.Background()
	rec, err := d.Decode(ctx, bare)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"timestamp": int64(1700000000123), "id": "sensor3", "value": 21.5}; !reflect.DeepEqual(rec.Fields, want) || rec.SchemaID != 0 {
		t.Fatalf("record %+v", rec)
	}
	if got := rec.Writer.Label(); got != "sensor (sensor.avsc)" {
		t.Errorf("label %q", got)
	}
	if w, err := d.Writer(ctx, 0); err != nil || w != rec.Writer {
		t.Errorf("Writer(0) = %v, %v; want the file's writer", w, err)
	}
	var s Sensor
	if id, err := decodeSensor(ctx, d, bare, &s); err != nil || id != 0 || s != (Sensor{Timestamp: 1700000000123, ID: "sensor3", Value: 21.5}) {
		t.Fatalf("DecodePlotted = %+v, %d, %v", s, id, err)
	}
	for name, payload := range map[string][]byte{
		"a framed value": framed,
		"truncated":      bare[:len(bare)-3],
		"empty":          nil,
	} {
		if _, err := d.Decode(ctx, payload); err == nil || !strings.Contains(err.Error(), "decode with schema file "+filepath.Join(dir, "sensor.avsc")) {
			t.Errorf("%s: Decode err = %v, want an error naming the file", name, err)
		}
		if _, err := decodeSensor(ctx, d, payload, &s); err == nil || !strings.Contains(err.Error(), "decode with schema file "+filepath.Join(dir, "sensor.avsc")) {
			t.Errorf("%s: DecodePlotted err = %v, want an error naming the file", name, err)
		}
	}
}

func TestSchemaFileProtobuf(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"common.proto":  commonProto,
		"reading.proto": readingProto,
		"sensor.proto":  SensorProto,
	})
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	src := referencedSource()
	body := func(idx MessageIndexes, fields map[string]any) []byte {
		framed := protoFrame(t, src, 4, idx, fields)
		return framed[headerLen+len(AppendMessageIndexes(nil, idx)):]
	}
	ctx := context.Background()
	for _, tc := range []struct {
		spec    string
		payload []byte
		want    map[string]any
		label   string
	}{
		{"reading.proto:plant.Alarm", body(NewMessageIndexes(1), map[string]any{"id": "a", "severity": int32(2)}), map[string]any{"id": "a", "severity": int32(2), "calibration": nil}, "plant.Alarm (reading.proto)"},
		{"reading.proto:Calibration", body(NewMessageIndexes(0, 1), map[string]any{"offset": 1.5}), map[string]any{"offset": 1.5}, "plant.Reading.Calibration (reading.proto)"},
		{"reading.proto", body(FirstMessage, map[string]any{"id": "r", "at": at, "location": map[string]any{"lat": 1.0}}), nil, "plant.Reading (reading.proto)"},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			sf, err := LoadSchemaFile(filepath.Join(dir, tc.spec))
			if err != nil {
				t.Fatal(err)
			}
			rec, err := newSensorDecoder(&memSource{}, WithSchemaFile(sf)).Decode(ctx, tc.payload)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != nil && !reflect.DeepEqual(rec.Fields, tc.want) {
				t.Errorf("fields %v, want %v", rec.Fields, tc.want)
			}
			if tc.want == nil && (rec.Fields["at"] != at || rec.Fields["id"] != "r") {
				t.Errorf("fields %v", rec.Fields)
			}
			if rec.Writer.Label() != tc.label {
				t.Errorf("label %q, want %q", rec.Writer.Label(), tc.label)
			}
		})
	}

	sf, err := LoadSchemaFile(filepath.Join(dir, "sensor.proto:sensor"))
	if err != nil {
		t.Fatal(err)
	}
	framed, _ := NewProtoSensorEncoder(1).AppendSensor(nil, Sensor{Timestamp: 5, ID: "sensor1", Value: 2.5})
	d := newSensorDecoder(&memSource{}, WithSchemaFile(sf))
	var s Sensor
	if _, err := decodeSensor(ctx, d, framed[headerLen+1:], &s); err != nil || s != (Sensor{Timestamp: 5, ID: "sensor1", Value: 2.5}) {
		t.Errorf("bare protobuf sensor = %+v, %v", s, err)
	}
	if _, err := d.Decode(ctx, framed); err == nil || !strings.Contains(err.Error(), "schema file") {
		t.Errorf("a framed value with the bare schema: %v, want an error naming the file", err)
	}
}

func TestSchemaFileRefused(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"string.avsc":  `"string"`,
		"bad.avsc":     `{"type":"record"`,
		"sensor.json":  `{}`,
		"two.proto":    "syntax = \"proto3\";\nmessage A { message X { int32 n = 1; } }\nmessage B { message X { int32 n = 1; } }\n",
		"broken.proto": "syntax = \"proto3\";\nmessage {\n",
		"empty.proto":  "syntax = \"proto3\";\n",
	})
	for spec, want := range map[string]string{
		"missing.avsc":    "no such file",
		"string.avsc":     "not a record",
		"bad.avsc":        "parse avro schema",
		"sensor.json":     "want an Avro .avsc file or a .proto file",
		"two.proto:X":     "message X is ambiguous",
		"two.proto:C":     "no message C (the file has",
		"broken.proto":    "broken.proto:2:9: syntax error",
		"empty.proto":     "the file defines no message",
		"missing.proto:A": "no such file",
	} {
		t.Run(spec, func(t *testing.T) {
			_, err := LoadSchemaFile(filepath.Join(dir, spec))
			if !errors.Is(err, ErrSchemaFile) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), spec) {
				t.Errorf("err = %v, want ErrSchemaFile naming %s with %q", err, spec, want)
			}
		})
	}
}
