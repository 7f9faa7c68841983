package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
)

// Sensor schema evolutions used by the registry tests.
const (
	withUnitDefault = `{"type":"record","name":"sensor","fields":[{"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"id","type":"string"},{"name":"value","type":"double"},{"name":"unit","type":"string","default":"C"}]}`
	withUnitNoDef   = `{"type":"record","name":"sensor","fields":[{"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"id","type":"string"},{"name":"value","type":"double"},{"name":"unit","type":"string"}]}`
	valueAsString   = `{"type":"record","name":"sensor","fields":[{"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"id","type":"string"},{"name":"value","type":"string"}]}`
	withoutValue    = `{"type":"record","name":"sensor","fields":[{"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"id","type":"string"}]}`

	withoutValueWithUnit = `{"type":"record","name":"sensor","fields":[{"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"id","type":"string"},{"name":"unit","type":"string"}]}`
)

func TestRegistryEvolution(t *testing.T) {
	c, _ := newConfluent(t)
	ctx := context.Background()
	v1, err := c.Register(ctx, "sensor", schema.SensorSchema)
	if err != nil {
		t.Fatalf("register v1: %v", err)
	}
	for _, tc := range []struct {
		name, schema, mention string
	}{
		{"new field without default", withUnitNoDef, "unit"},
		{"double to string", valueAsString, "string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Register(ctx, "sensor", tc.schema)
			if !schema.IsIncompatible(err) {
				t.Fatalf("register = %v, want schema.IsIncompatible", err)
			}
			var ae *schema.APIError
			if !errors.As(err, &ae) || ae.StatusCode != 409 || ae.Code != 409 {
				t.Errorf("err = %#v, want 409 with error_code 409", err)
			}
			if !strings.Contains(ae.Message, `Schema being registered is incompatible with an earlier schema for subject "sensor", details: [`) ||
				!strings.Contains(ae.Message, tc.mention) {
				t.Errorf("message %q lacks the Confluent wording or %q", ae.Message, tc.mention)
			}
			ok, msgs, err := c.CheckCompatibility(ctx, "sensor", "latest", tc.schema)
			if err != nil || ok || len(msgs) == 0 {
				t.Errorf("CheckCompatibility = %v, %q, %v; want false with messages", ok, msgs, err)
			}
		})
	}
	if latest, err := c.Latest(ctx, "sensor"); err != nil || latest.Version != 1 {
		t.Errorf("Latest after refusals = %+v, %v; want version 1", latest, err)
	}
	v2, err := c.Register(ctx, "sensor", withUnitDefault)
	if err != nil {
		t.Fatalf("register compatible v2: %v", err)
	}
	if _, err := c.Register(ctx, "sensor", valueAsString); !schema.IsIncompatible(err) || !strings.Contains(err.Error(), "version 2") {
		t.Errorf("double to string after v2 = %v, want incompatible with version 2", err)
	}
	if v2 == v1 {
		t.Errorf("compatible v2 got the id of v1 (%d)", v1)
	}
	ok, msgs, err := c.CheckCompatibility(ctx, "sensor", "1", withUnitDefault)
	if err != nil || !ok || len(msgs) != 0 {
		t.Errorf("CheckCompatibility(compatible) = %v, %q, %v", ok, msgs, err)
	}
	if latest, err := c.Latest(ctx, "sensor"); err != nil || latest.ID != v2 || latest.Version != 2 {
		t.Errorf("Latest = %+v, %v; want v2", latest, err)
	}
	if again, err := c.Register(ctx, "sensor", schema.SensorSchema); err != nil || again != v1 {
		t.Errorf("re-register v1 = %d, %v; want %d", again, err, v1)
	}

	// Records written with v2 decode through the client as their source.
	enc, err := schema.NewEncoder(v2, withUnitDefault)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := enc.Append(nil, map[string]any{"timestamp": int64(1700000000000), "id": "sensor3", "value": 1.5, "unit": "K"})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := schema.NewDecoder(c).Decode(ctx, payload)
	if want := map[string]any{"timestamp": time.UnixMilli(1700000000000).UTC(), "id": "sensor3", "value": 1.5, "unit": "K"}; err != nil || !reflect.DeepEqual(rec.Fields, want) {
		t.Errorf("Decode = %+v, %v; want %v", rec.Fields, err, want)
	}
}

func TestRegistryLevels(t *testing.T) {
	for _, tc := range []struct {
		name    string
		global  string // "" keeps the default (BACKWARD)
		subject string // per-subject level, "" for none
		history []string
		next    string
		accept  bool
	}{
		{"default backward rejects", "", "", []string{schema.SensorSchema}, withUnitNoDef, false},
		{"default backward accepts default", "", "", []string{schema.SensorSchema}, withUnitDefault, true},
		{"none accepts anything", "NONE", "", []string{schema.SensorSchema}, valueAsString, true},
		{"subject none over global backward", "BACKWARD", "NONE", []string{schema.SensorSchema}, valueAsString, true},
		{"subject backward over global none", "NONE", "BACKWARD", []string{schema.SensorSchema}, withUnitNoDef, false},
		{"forward accepts new field without default", "FORWARD", "", []string{schema.SensorSchema}, withUnitNoDef, true},
		{"forward rejects dropped field", "FORWARD", "", []string{schema.SensorSchema}, withoutValue, false},
		{"backward accepts dropped field", "", "", []string{schema.SensorSchema}, withoutValue, true},
		{"full rejects new field without default", "FULL", "", []string{schema.SensorSchema}, withUnitNoDef, false},
		{"full rejects dropped field", "FULL", "", []string{schema.SensorSchema}, withoutValue, false},
		{"full accepts default", "FULL", "", []string{schema.SensorSchema}, withUnitDefault, true},
		// v3 reads v2 (which has unit) but not v1 (which lacks it).
		{"backward checks only latest", "", "", []string{schema.SensorSchema, withUnitDefault}, withUnitNoDef, true},
		{"backward transitive checks all", "BACKWARD_TRANSITIVE", "", []string{schema.SensorSchema, withUnitDefault}, withUnitNoDef, false},
		// v3 lacks value: v2 (without value) reads it, v1 cannot.
		{"forward checks only latest", "FORWARD", "", []string{schema.SensorSchema, withoutValue}, withoutValueWithUnit, true},
		{"forward transitive checks all", "FORWARD_TRANSITIVE", "", []string{schema.SensorSchema, withoutValue}, withoutValueWithUnit, false},
		{"full transitive accepts default", "FULL_TRANSITIVE", "", []string{schema.SensorSchema, withUnitDefault}, strings.Replace(withUnitDefault, `"C"`, `"K"`, 1), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newConfluent(t)
			ctx := context.Background()
			if err := c.SetCompatibility(ctx, "", "NONE"); err != nil {
				t.Fatal(err)
			}
			for i, s := range tc.history {
				if _, err := c.Register(ctx, "sensor", s); err != nil {
					t.Fatalf("register history %d: %v", i, err)
				}
			}
			global := tc.global
			if global == "" {
				global = "BACKWARD"
			}
			if err := c.SetCompatibility(ctx, "", global); err != nil {
				t.Fatal(err)
			}
			if tc.subject != "" {
				if err := c.SetCompatibility(ctx, "sensor", tc.subject); err != nil {
					t.Fatal(err)
				}
			}
			ok, msgs, err := c.CheckCompatibility(ctx, "sensor", "latest", tc.next)
			if err != nil {
				t.Fatal(err)
			}
			id, err := c.Register(ctx, "sensor", tc.next)
			if tc.accept {
				if err != nil || id == 0 {
					t.Errorf("register = %d, %v; want accepted", id, err)
				}
			} else if !schema.IsIncompatible(err) {
				t.Errorf("register = %d, %v; want incompatible", id, err)
			}
			// The version-specific endpoint checks only against latest, so
			// it may accept what a transitive level refuses.
			if !strings.HasSuffix(tc.name, "checks all") && ok != tc.accept {
				t.Errorf("CheckCompatibility = %v (%q), want %v", ok, msgs, tc.accept)
			}
		})
	}
}

// post sends a raw JSON request to the test registry.
func post(t *testing.T, url, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url, contentTypeRegistry, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("answer %q: %v", b, err)
	}
	return resp.StatusCode, out
}

func TestRegistryHTTP(t *testing.T) {
	c, srv := newConfluent(t)
	ctx := context.Background()
	if _, err := c.Register(ctx, "sensor", schema.SensorSchema); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Register(ctx, "sensor", withUnitDefault); err != nil {
		t.Fatal(err)
	}
	schemaBody := func(s string) string {
		b, _ := json.Marshal(map[string]string{"schema": s})
		return string(b)
	}
	for _, tc := range []struct {
		name       string
		path, body string
		wantStatus int
		check      func(t *testing.T, out map[string]any)
	}{
		{
			name: "all versions, compatible", path: "/compatibility/subjects/sensor/versions", body: schemaBody(withUnitDefault),
			wantStatus: 200,
			check: func(t *testing.T, out map[string]any) {
				if out["is_compatible"] != true {
					t.Errorf("answer %v", out)
				}
				if _, ok := out["messages"]; ok {
					t.Errorf("messages without verbose: %v", out)
				}
			},
		},
		{
			name: "all versions, one incompatible, verbose", path: "/compatibility/subjects/sensor/versions?verbose=true",
			// Readable from v2 (which has unit) but not from v1.
			body: schemaBody(withUnitNoDef), wantStatus: 200,
			check: func(t *testing.T, out map[string]any) {
				msgs, _ := out["messages"].([]any)
				if out["is_compatible"] != false || len(msgs) != 1 || !strings.Contains(msgs[0].(string), "version 1") {
					t.Errorf("answer %v", out)
				}
			},
		},
		{
			name: "unknown subject", path: "/compatibility/subjects/nosuch/versions/latest", body: schemaBody(schema.SensorSchema),
			wantStatus: 404,
			check: func(t *testing.T, out map[string]any) {
				if out["error_code"] != float64(40401) {
					t.Errorf("answer %v", out)
				}
			},
		},
		{
			name: "unknown version", path: "/compatibility/subjects/sensor/versions/9", body: schemaBody(schema.SensorSchema),
			wantStatus: 404,
		},
		{
			name: "invalid avro", path: "/subjects/sensor/versions", body: schemaBody(`{"type":"record","name":"x","fields":[{"name":"a","type":"nosuch"}]}`),
			wantStatus: 422,
			check: func(t *testing.T, out map[string]any) {
				if out["error_code"] != float64(42201) || !strings.Contains(out["message"].(string), "nosuch") {
					t.Errorf("answer %v", out)
				}
			},
		},
		{
			name: "json schema passes through", path: "/subjects/events/versions", body: `{"schemaType":"JSON","schema":"{\"type\":\"object\"}"}`,
			wantStatus: 200,
		},
		{
			name: "json schema change is not checked", path: "/subjects/events/versions", body: `{"schemaType":"JSON","schema":"{\"type\":\"string\"}"}`,
			wantStatus: 200,
		},
		{
			name: "json compatibility passes through", path: "/compatibility/subjects/events/versions/latest", body: `{"schemaType":"JSON","schema":"{\"type\":\"number\"}"}`,
			wantStatus: 200,
			check: func(t *testing.T, out map[string]any) {
				if out["is_compatible"] != true {
					t.Errorf("answer %v", out)
				}
			},
		},
		{
			name: "bad json goes to srfake", path: "/subjects/sensor/versions", body: `{"schema":`,
			wantStatus: 422,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, out := post(t, srv.URL+tc.path, tc.body)
			if status != tc.wantStatus {
				t.Fatalf("status %d (%v), want %d", status, out, tc.wantStatus)
			}
			if tc.check != nil {
				tc.check(t, out)
			}
		})
	}
}

// newConfluent serves the embedded registry, which answers like Confluent.
func newConfluent(t *testing.T) (*schema.Client, *httptest.Server) {
	reg := NewRegistry()
	t.Cleanup(reg.Close)
	srv := httptest.NewServer(reg.Handler())
	t.Cleanup(srv.Close)
	c, err := schema.NewClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}
