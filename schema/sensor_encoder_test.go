package schema

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr/srfake"
)

func TestClientSensorEncoder(t *testing.T) {
	reg := srfake.NewRegistry()
	defer reg.Close()
	srv := httptest.NewServer(reg.Handler())
	defer srv.Close()
	c, err := NewClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	if _, err := c.SensorEncoder(ctx, "sensor", false); err == nil || !strings.Contains(err.Error(), "subject sensor") || !strings.Contains(err.Error(), "--register") {
		t.Fatalf("lookup of a missing subject: err = %v, want one naming the subject and --register", err)
	}
	registered, err := c.SensorEncoder(ctx, "sensor", true)
	if err != nil {
		t.Fatal(err)
	}
	latest, err := c.SensorEncoder(ctx, "sensor", false)
	if err != nil {
		t.Fatal(err)
	}
	if registered.ID() != latest.ID() || latest.ID() <= 0 {
		t.Errorf("registered id %d, latest id %d: want the same positive id", registered.ID(), latest.ID())
	}
	b, err := latest.AppendSensor(nil, Sensor{Timestamp: 1, ID: "sensor0", Value: 2})
	if err != nil {
		t.Fatal(err)
	}
	if id, _, err := ParseHeader(b); err != nil || id != latest.ID() {
		t.Errorf("encoded header id %d (err %v), want %d", id, err, latest.ID())
	}
}
