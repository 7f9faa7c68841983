package schema

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

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
