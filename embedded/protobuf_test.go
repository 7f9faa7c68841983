package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/kafkaplot/kafkaplot/schema"
)

// schemaBody is a register or compatibility request.
type schemaBody struct {
	Schema     string         `json:"schema"`
	SchemaType string         `json:"schemaType,omitempty"`
	References []referenceRef `json:"references,omitempty"`
}

type referenceRef struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// postSchema sends a schema request and returns the status and the body.
func postSchema(t *testing.T, url string, body schemaBody) (int, string) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/vnd.schemaregistry.v1+json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, out)
	}
	return string(out)
}

const (
	commonV1 = `syntax = "proto3";
package common;
message Location { double lat = 1; double lon = 2; }
`
	readingV1 = `syntax = "proto3";
package plant;
import "common.proto";
import "google/protobuf/timestamp.proto";
message Reading {
  google.protobuf.Timestamp at = 1;
  string id = 2;
  common.Location location = 3;
  int64 count = 4;
  double a = 5;
  double b = 6;
  oneof level { int32 low = 7; double high = 8; }
  message Calibration { double offset = 1; }
}
message Alarm { string id = 1; }
`
)

// TestRegistryStoresTypesWithReferences stores a Protobuf schema that
// imports another subject's schema and the well-known Timestamp, and a JSON
// Schema, with their references, and serves them back by id.
func TestRegistryStoresTypesWithReferences(t *testing.T) {
	_, srv := newConfluent(t)
	refs := []referenceRef{{Name: "common.proto", Subject: "common", Version: 1}}
	if code, body := postSchema(t, srv.URL+"/subjects/common/versions", schemaBody{Schema: commonV1, SchemaType: "PROTOBUF"}); code != 200 {
		t.Fatalf("register common: %d %s", code, body)
	}
	code, body := postSchema(t, srv.URL+"/subjects/plant-value/versions", schemaBody{Schema: readingV1, SchemaType: "PROTOBUF", References: refs})
	if code != 200 {
		t.Fatalf("register reading: %d %s", code, body)
	}
	var id struct{ ID int }
	_ = json.Unmarshal([]byte(body), &id)
	got := get(t, srv.URL+"/schemas/ids/"+strconv.Itoa(id.ID))
	if !strings.Contains(got, `"schemaType":"PROTOBUF"`) || !strings.Contains(got, `"references":[{"name":"common.proto","subject":"common","version":1}]`) {
		t.Errorf("schema by id: %s", got)
	}

	if code, body := postSchema(t, srv.URL+"/subjects/plant-value/versions", schemaBody{Schema: readingV1, SchemaType: "PROTOBUF"}); code != 422 || !strings.Contains(body, "common.proto") {
		t.Errorf("without its reference: %d %s, want 422 naming the import", code, body)
	}
	if code, body := postSchema(t, srv.URL+"/subjects/bad/versions", schemaBody{Schema: "syntax = \"proto3\"; message {", SchemaType: "PROTOBUF"}); code != 422 {
		t.Errorf("a .proto that does not compile: %d %s, want 422", code, body)
	}

	jsonSchema := `{"type":"object","properties":{"loc":{"$ref":"loc.json"}}}`
	if code, body := postSchema(t, srv.URL+"/subjects/loc/versions", schemaBody{Schema: `{"type":"object","properties":{"lat":{"type":"number"}}}`, SchemaType: "JSON"}); code != 200 {
		t.Fatalf("register loc: %d %s", code, body)
	}
	code, body = postSchema(t, srv.URL+"/subjects/j-value/versions", schemaBody{Schema: jsonSchema, SchemaType: "JSON", References: []referenceRef{{Name: "loc.json", Subject: "loc", Version: 1}}})
	if code != 200 {
		t.Fatalf("register json: %d %s", code, body)
	}
	_ = json.Unmarshal([]byte(body), &id)
	if got := get(t, srv.URL+"/schemas/ids/"+strconv.Itoa(id.ID)); !strings.Contains(got, `"schemaType":"JSON"`) || !strings.Contains(got, `"name":"loc.json"`) {
		t.Errorf("json schema by id: %s", got)
	}
}

// TestRegistryProtobufBackward refuses, under BACKWARD, Protobuf versions
// that Confluent's rules call incompatible, with 409 and the reason, and
// accepts the compatible ones.
func TestRegistryProtobufBackward(t *testing.T) {
	refs := []referenceRef{{Name: "common.proto", Subject: "common", Version: 1}}
	edit := func(old, new string) string {
		if !strings.Contains(readingV1, old) {
			t.Fatalf("readingV1 lacks %q", old)
		}
		return strings.Replace(readingV1, old, new, 1)
	}
	for _, tc := range []struct {
		name   string
		schema string
		reason string // "" when compatible
	}{
		{"field number reused as a string", edit("int64 count = 4;", "string count = 4;"), "FIELD_SCALAR_KIND_CHANGED: message Reading field 4 (count): int64 is now string"},
		{"field number reused as a message", edit("double a = 5;", "Reading.Calibration a = 5;"), "FIELD_KIND_CHANGED: message Reading field 5 (a): double is now plant.Reading.Calibration"},
		{"field number reused as another message", edit("common.Location location = 3;", "Reading.Calibration location = 3;"), "FIELD_NAMED_TYPE_CHANGED: message Reading field 3 (location): common.Location is now plant.Reading.Calibration"},
		{"message removed", edit("message Alarm { string id = 1; }", ""), "MESSAGE_REMOVED: message Alarm"},
		{"nested message removed", edit("message Calibration { double offset = 1; }", ""), "MESSAGE_REMOVED: message Reading.Calibration"},
		{"field moved into an existing oneof", edit("double a = 5;\n  double b = 6;\n  oneof level { int32 low = 7; double high = 8; }", "double b = 6;\n  oneof level { int32 low = 7; double high = 8; double a = 5; }"), "FIELD_MOVED_TO_EXISTING_ONEOF: message Reading field 5 (a) moved into oneof level"},
		{"two fields moved into a new oneof", edit("double a = 5;\n  double b = 6;", "oneof pair { double a = 5; double b = 6; }"), "MULTIPLE_FIELDS_MOVED_TO_ONEOF: message Reading fields [a b] moved into oneof pair"},
		{"field moved out of a oneof", edit("oneof level { int32 low = 7; double high = 8; }", "int32 low = 7;\n  oneof level { double high = 8; }"), "ONEOF_FIELD_REMOVED: message Reading field 7 (low) moved out of oneof level"},
		{"package changed", edit("package plant;", "package factory;"), "PACKAGE_CHANGED"},
		{"int64 to uint64 (same wire kind)", edit("int64 count = 4;", "uint64 count = 4;"), ""},
		{"int64 to repeated int64", edit("int64 count = 4;", "repeated int64 count = 4;"), ""},
		{"one field into a new oneof, a field added, a field renamed, one removed", edit("double a = 5;\n  double b = 6;", "oneof solo { double a = 5; }\n  double bee = 6;\n  string note = 9;"), ""},
		{"a message added", readingV1 + "message Extra { int32 n = 1; }\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, srv := newConfluent(t)
			if code, body := postSchema(t, srv.URL+"/subjects/common/versions", schemaBody{Schema: commonV1, SchemaType: "PROTOBUF"}); code != 200 {
				t.Fatalf("register common: %d %s", code, body)
			}
			if code, body := postSchema(t, srv.URL+"/subjects/plant-value/versions", schemaBody{Schema: readingV1, SchemaType: "PROTOBUF", References: refs}); code != 200 {
				t.Fatalf("register v1: %d %s", code, body)
			}
			req := schemaBody{Schema: tc.schema, SchemaType: "PROTOBUF", References: refs}
			ccode, cbody := postSchema(t, srv.URL+"/compatibility/subjects/plant-value/versions/latest?verbose=true", req)
			code, body := postSchema(t, srv.URL+"/subjects/plant-value/versions", req)
			if tc.reason == "" {
				if code != 200 || ccode != 200 || !strings.Contains(cbody, `"is_compatible":true`) {
					t.Fatalf("register %d %s, compatibility %d %s; want compatible", code, body, ccode, cbody)
				}
				return
			}
			if code != 409 || !strings.Contains(body, `"error_code":409`) || !strings.Contains(body, "BACKWARD: the new schema cannot read data written with version 1") || !strings.Contains(body, tc.reason) {
				t.Errorf("register: %d %s; want 409 with %q", code, body, tc.reason)
			}
			if !strings.Contains(cbody, `"is_compatible":false`) || !strings.Contains(cbody, tc.reason) {
				t.Errorf("compatibility: %d %s; want false with %q", ccode, cbody, tc.reason)
			}
		})
	}
}

// TestRegistryProtobufForwardAndSame checks FORWARD by the same rules the
// other way round, and that registering the same schema again returns its id.
func TestRegistryProtobufForwardAndSame(t *testing.T) {
	c, srv := newConfluent(t)
	ctx := context.Background()
	id, err := c.RegisterType(ctx, "s-value", schema.FormatProtobuf, schema.SensorProto)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := c.RegisterType(ctx, "s-value", schema.FormatProtobuf, schema.SensorProto); err != nil || again != id {
		t.Fatalf("registering again = %d, %v; want %d", again, err, id)
	}
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/config/s-value", strings.NewReader(`{"compatibility":"FORWARD"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("set FORWARD: %v %v", resp, err)
	}
	resp.Body.Close()
	// FORWARD swaps the roles: the old schema must read what the new one
	// writes, so a message only the new one has counts as removed.
	withExtra := schema.SensorProto + "message extra { int32 n = 1; }\n"
	if code, body := postSchema(t, srv.URL+"/subjects/s-value/versions", schemaBody{Schema: withExtra, SchemaType: "PROTOBUF"}); code != 409 || !strings.Contains(body, "FORWARD: version 1 cannot read data written with the new schema: MESSAGE_REMOVED: message extra") {
		t.Errorf("FORWARD with a message added: %d %s; want 409 (the old schema lacks it)", code, body)
	}
}

// TestDecodeThroughRegistryReferences decodes, through schema.Client, a
// record whose schema imports another subject's schema and the well-known
// Timestamp, and a record of the file's second message.
func TestDecodeThroughRegistryReferences(t *testing.T) {
	c, srv := newConfluent(t)
	var _ schema.ReferenceSource = c
	if code, body := postSchema(t, srv.URL+"/subjects/common/versions", schemaBody{Schema: commonV1, SchemaType: "PROTOBUF"}); code != 200 {
		t.Fatalf("register common: %d %s", code, body)
	}
	code, body := postSchema(t, srv.URL+"/subjects/plant-value/versions", schemaBody{Schema: readingV1, SchemaType: "PROTOBUF",
		References: []referenceRef{{Name: "common.proto", Subject: "common", Version: 1}}})
	if code != 200 {
		t.Fatalf("register reading: %d %s", code, body)
	}
	var reg struct{ ID int }
	_ = json.Unmarshal([]byte(body), &reg)

	at := time.Date(2026, 11, 30, 21, 0, 0, 0, time.UTC)
	ts := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), uint64(at.Unix()))
	loc := protowire.AppendFixed64(protowire.AppendTag(nil, 1, protowire.Fixed64Type), math.Float64bits(59.25))
	reading := schema.AppendMessageIndexes(schema.AppendHeader(nil, reg.ID), schema.FirstMessage)
	reading = protowire.AppendBytes(protowire.AppendTag(reading, 1, protowire.BytesType), ts)
	reading = protowire.AppendString(protowire.AppendTag(reading, 2, protowire.BytesType), "r1")
	reading = protowire.AppendBytes(protowire.AppendTag(reading, 3, protowire.BytesType), loc)
	alarm := schema.AppendMessageIndexes(schema.AppendHeader(nil, reg.ID), schema.NewMessageIndexes(1))
	alarm = protowire.AppendString(protowire.AppendTag(alarm, 1, protowire.BytesType), "a1")

	d := schema.NewDecoder(c)
	ctx := context.Background()
	rec, err := d.Decode(ctx, reading)
	if err != nil {
		t.Fatal(err)
	}
	if lat, _ := rec.Lookup("location.lat"); lat != 59.25 || rec.Fields["at"] != at || rec.Fields["id"] != "r1" || rec.Writer.Label() != "plant-value v1 (PROTOBUF)" {
		t.Errorf("reading = %v, writer %q", rec.Fields, rec.Writer.Label())
	}
	rec, err = d.Decode(ctx, alarm)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Name != "plant.Alarm" || rec.Fields["id"] != "a1" {
		t.Errorf("alarm = %s %v", rec.Name, rec.Fields)
	}
}
