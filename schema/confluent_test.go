package schema

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// newConfluent serves franz-go's srfake, which answers like Confluent (the
// compatibility-enforcing registry is package embedded's; it imports this
// package, so its tests live there).
func newConfluent(t *testing.T) (*Client, *httptest.Server) {
	reg := srfake.NewRegistry()
	t.Cleanup(reg.Close)
	srv := httptest.NewServer(reg.Handler())
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func TestClientConfluent(t *testing.T) {
	c, _ := newConfluent(t)
	ctx := context.Background()
	id, err := c.Register(ctx, "temperature-value", SensorSchema)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Register(ctx, "temperature-value", SensorSchema)
	if err != nil || again != id {
		t.Errorf("re-register = %d, %v; want %d", again, err, id)
	}
	got, err := c.Lookup(ctx, "temperature-value", SensorSchema)
	if err != nil || got.ID != id || got.Version != 1 || got.Subject != "temperature-value" {
		t.Errorf("Lookup = %+v, %v", got, err)
	}
	latest, err := c.Latest(ctx, "temperature-value")
	if err != nil || latest.ID != id || latest.Version != 1 || latest.Schema != SensorSchema {
		t.Errorf("Latest = %+v, %v", latest, err)
	}
	subjects, err := c.Subjects(ctx)
	if err != nil || len(subjects) != 1 || subjects[0] != "temperature-value" {
		t.Errorf("Subjects = %q, %v", subjects, err)
	}
	_, err = c.Lookup(ctx, "temperature-value", TutorialSensorSchema)
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 404 || ae.Code != 40403 {
		t.Errorf("Lookup of unregistered schema = %v, want 404 (40403)", err)
	}
	_, err = c.Latest(ctx, "nosuch")
	if !errors.As(err, &ae) || ae.StatusCode != 404 || IsRetryable(err) {
		t.Errorf("Latest(nosuch) = %v, want a non-retryable 404", err)
	}
	if err := c.SetCompatibility(ctx, "", "full"); err != nil {
		t.Fatal(err)
	}
	if level, err := c.Compatibility(ctx, ""); err != nil || level != "FULL" {
		t.Errorf("global Compatibility = %q, %v", level, err)
	}
	if err := c.SetCompatibility(ctx, "temperature-value", "none"); err != nil {
		t.Fatal(err)
	}
	if level, err := c.Compatibility(ctx, "temperature-value"); err != nil || level != "NONE" {
		t.Errorf("subject Compatibility = %q, %v", level, err)
	}
	if err := c.SetCompatibility(ctx, "temperature-value", "SOMETIMES"); err == nil {
		t.Error("SetCompatibility accepted an unknown level")
	}
}

// TestClientReferences reads a Protobuf schema's type and references, and
// the referenced subject's version, from a registry through the Client; a
// Decoder over the Client compiles the import and decodes.
func TestClientReferences(t *testing.T) {
	c, _ := newConfluent(t)
	ctx := context.Background()
	commonID, err := c.RegisterType(ctx, "common", FormatProtobuf, commonProto)
	if err != nil {
		t.Fatal(err)
	}
	refs := []sr.SchemaReference{{Name: "common.proto", Subject: "common", Version: 1}}
	id, err := c.sr.RegisterSchema(ctx, "plant-value", sr.Schema{Schema: readingProto, Type: sr.TypeProtobuf, References: refs}, -1, -1)
	if err != nil {
		t.Fatal(err)
	}

	info, err := c.SchemaInfo(ctx, id)
	if err != nil || info.Type != FormatProtobuf || info.Subject != "plant-value" || info.Version != 1 || info.Schema != readingProto {
		t.Errorf("SchemaInfo = %+v, %v", info, err)
	}
	got, err := c.References(ctx, id)
	if want := []Reference{{Name: "common.proto", Subject: "common", Version: 1}}; err != nil || !slices.Equal(got, want) {
		t.Errorf("References = %+v, %v; want %+v", got, err, want)
	}
	if got, err := c.References(ctx, commonID); err != nil || len(got) != 0 {
		t.Errorf("References of a schema without any = %+v, %v", got, err)
	}
	s, more, err := c.SubjectVersion(ctx, "common", 1)
	if err != nil || s.ID != commonID || s.Type != FormatProtobuf || s.Schema != commonProto || s.Subject != "common" || len(more) != 0 {
		t.Errorf("SubjectVersion(common, 1) = %+v, %v, %v", s, more, err)
	}
	var ae *APIError
	if _, _, err := c.SubjectVersion(ctx, "common", 2); !errors.As(err, &ae) || ae.StatusCode != 404 || IsRetryable(err) {
		t.Errorf("SubjectVersion(common, 2) = %v, want a 404", err)
	}

	src := referencedSource()
	payload := protoFrame(t, src, 4, FirstMessage, map[string]any{"id": "r1", "humidity": 0.5})
	payload = append(AppendHeader(nil, id), payload[5:]...)
	rec, err := NewDecoder(c).Decode(ctx, payload)
	if err != nil || rec.Fields["id"] != "r1" || rec.Fields["humidity"] != 0.5 || rec.Writer.Subject != "plant-value" {
		t.Errorf("Decode through the client = %+v, %v", rec, err)
	}
}
