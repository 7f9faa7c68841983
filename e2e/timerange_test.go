package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkaplot/kafkaplot/schema"
)

// writeBlock writes, with franz-go (another client than kafkaplot's), 8
// sensors' records stamped explicitly once a second over seconds from
// start, valued value, and returns how many it wrote.
func writeBlock(t *testing.T, c cluster, start time.Time, seconds int, value float64) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	enc := sensorEncoder(ctx, t, c)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.broker), kgo.DefaultProduceTopic("temperature"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for sec := range seconds {
		at := start.Add(time.Duration(sec) * time.Second)
		for i := range 8 {
			s := schema.Sensor{Timestamp: at.UnixMilli(), ID: fmt.Sprintf("sensor%d", i), Value: value}
			v, err := enc.AppendSensor(nil, s)
			if err != nil {
				t.Fatal(err)
			}
			recs = append(recs, &kgo.Record{Key: []byte(s.ID), Value: v, Timestamp: at})
		}
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

// TestConsumeTimeRange: consume --from --to prints exactly the records of
// the range, read outside the group (nothing committed), and exits 0; bad
// times are usage errors.
func TestConsumeTimeRange(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	now := time.Now().Truncate(time.Second)
	writeBlock(t, c, now.Add(-100*time.Minute), 1200, 20) // -100m .. -80m
	writeBlock(t, c, now.Add(-30*time.Minute), 60, 1000)  // -30m .. -29m

	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     int    // records printed
		wantErr  string // on stderr
	}{
		{name: "ten minutes", args: []string{"--from", "-95m", "--to", "-85m"}, want: 4800, wantErr: "4800 records in"},
		{name: "RFC 3339: from included, to excluded", args: []string{"--from", now.Add(-30 * time.Minute).Format(time.RFC3339), "--to", now.Add(-30*time.Minute + 10*time.Second).Format(time.RFC3339)}, want: 80},
		{name: "to the end of the log", args: []string{"--from", "-31m"}, want: 480},
		{name: "a range with no records", args: []string{"--from", "-70m", "--to", "-40m"}, want: 0, wantErr: "no records"},
		{name: "--to without --from", args: []string{"--to", "-1h"}, wantCode: 2, wantErr: "--to: needs --from TIME"},
		{name: "a bad time", args: []string{"--from", "yesterday"}, wantCode: 2, wantErr: "--from: want earliest, latest or a time"},
		{name: "to before from", args: []string{"--from", "-1h", "--to", "-2h"}, wantCode: 2, wantErr: "not after --from"},
		{name: "with --until-end", args: []string{"--from", "-1h", "--until-end"}, wantCode: 2, wantErr: "choose one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"consume", "--group", "ranges"}, tt.args...), c.flags()...)
			out, errOut, code := kafkaplot(t, args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Fatalf("exit %d, stderr %q; want exit %d and %q", code, errOut, tt.wantCode, tt.wantErr)
			}
			if tt.wantCode != 0 {
				return
			}
			if n := strings.Count(out, "Event record "); n != tt.want || !strings.Contains(out, fmt.Sprintf("consumed %d records (0 errors)", tt.want)) {
				t.Errorf("%d records printed, want %d:\n%s", n, tt.want, tail(out, 400))
			}
		})
	}
	for p, off := range committed(t, c, "ranges") {
		if off != -1 {
			t.Errorf("p%d: committed %d by a range read, want nothing", p, off)
		}
	}
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
