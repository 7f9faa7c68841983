package schema

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
)

// cannedTransport answers every request with the same status and body.
type cannedTransport struct {
	status      int
	contentType string
	body        []byte
}

func (c cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: c.status,
		Header:     http.Header{"Content-Type": []string{c.contentType}},
		Body:       io.NopCloser(bytes.NewReader(c.body)),
		Request:    r,
	}, nil
}

// FuzzRegistryResponses feeds arbitrary registry answers to every client
// call that parses one: none may panic, and a failure is an error, never a
// half-filled result.
func FuzzRegistryResponses(f *testing.F) {
	seeds := []struct {
		status int
		ctype  string
		body   string
	}{
		{200, "application/vnd.schemaregistry.v1+json", `{"schema":"{\"type\":\"string\"}"}`},
		{200, "application/json", `{"subject":"sensor","version":1,"id":1,"schema":"\"long\""}`},
		{200, "text/plain", `[sensor, temperature-value]`},
		{200, "application/json", `["a","b"]`},
		{200, "application/json", `{"is_compatible":false,"messages":["x"]}`},
		{200, "application/json", `{"compatibilityLevel":"BACKWARD"}`},
		{409, "application/json", `{"error_code":40901,"message":"incompatible"}`},
		{404, "application/json", `{"error_code":40403,"message":"Schema not found"}`},
		{500, "text/html", `<html>oops</html>`},
		{200, "application/json", `{"schema":123}`},
		{200, "application/json", `{"schemaType":"PROTOBUF","schema":"syntax = \"proto3\";"}`},
		{200, "application/json", ``},
	}
	for _, s := range seeds {
		f.Add(s.status, s.ctype, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		c, err := NewClient("http://registry.invalid/base", WithHTTPClient(&http.Client{Transport: cannedTransport{status, ctype, body}}))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if s, err := c.SchemaByID(ctx, 1); err == nil && s == "" {
			t.Errorf("SchemaByID: empty schema without an error")
		}
		if s, err := c.Latest(ctx, "sensor"); err == nil && s.Schema == "" {
			t.Errorf("Latest: empty schema without an error")
		}
		c.Lookup(ctx, "sensor", `"string"`)
		c.Register(ctx, "sensor", `"string"`)
		c.Subjects(ctx)
		c.CheckCompatibility(ctx, "sensor", "latest", `"string"`)
		c.Compatibility(ctx, "sensor")
		c.SetCompatibility(ctx, "sensor", "BACKWARD")
	})
}
