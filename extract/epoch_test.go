package extract

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
)

// TestEpochTimeField: an integer that counts from the epoch to a plausible
// date, or one named like a time, is the time axis of a plain JSON topic,
// not a value, in whichever unit; both read paths agree.
func TestEpochTimeField(t *testing.T) {
	at := time.Date(2026, 12, 6, 7, 0, 0, 0, time.UTC)
	tests := []struct {
		name, record string
		time         string
		values       []string
	}{
		{"ts in ms, nested values", `{"device":"d1","ts":1796540400000,"temp_c":21.5,"rpm":1200,"meta":{"load":0.5}}`,
			"ts", []string{"meta.load", "rpm", "temp_c"}},
		{"seconds", `{"id":"d1","created_at":1796540400,"v":1}`, "created_at", []string{"v"}},
		{"microseconds", `{"id":"d1","event_time":1796540400000000,"v":1}`, "event_time", []string{"v"}},
		{"nanoseconds, not named like a time", `{"id":"d1","when":1796540400000000000,"v":1}`, "when", []string{"v"}},
		{"a time-like name wins over another epoch", `{"id":"d1","n":1796540400,"ts":1796540400000,"v":1}`, "ts", []string{"n", "v"}},
		{"no plausible date: the record's time", `{"id":"d1","ts":12,"v":1}`, "", []string{"ts", "v"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := New(Config{})
			d := schema.NewDecoder(nil, schema.WithSelection(ex.Selection))
			var p schema.Plotted
			if err := d.DecodePlotted(context.Background(), []byte(tt.record), &p); err != nil {
				t.Fatal(err)
			}
			sel := ex.Selection(p.Writer)
			if sel.Time != tt.time || !slices.Equal(sortedCopy(sel.Values), tt.values) {
				t.Fatalf("time %q values %q, want %q %q", sel.Time, sel.Values, tt.time, tt.values)
			}
			recTime := time.Unix(1, 0)
			points, _ := ex.Points(&p, nil, recTime, nil)
			want := at
			if tt.time == "" {
				want = recTime
			}
			for _, pt := range points {
				if !pt.Time.Equal(want) {
					t.Errorf("point %s at %v, want %v", pt.Field, pt.Time, want)
				}
			}
			// The whole-record path picks the same.
			rec, err := d.Decode(context.Background(), []byte(tt.record))
			if err != nil {
				t.Fatal(err)
			}
			plan := ex.Plan(rec.Writer)
			if rec.Writer == nil || len(rec.Writer.Fields) == 0 {
				plan = ex.plainPlan(&rec)
			}
			if plan.Time != tt.time {
				t.Errorf("decoded whole: time %q, want %q", plan.Time, tt.time)
			}
		})
	}
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}
