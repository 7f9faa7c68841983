package timespec

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	zone := time.FixedZone("CET", 3600)
	now := time.Date(2026, 12, 6, 4, 25, 10, 0, zone)
	tests := []struct {
		in      string
		want    time.Time
		wantErr string
	}{
		{in: "now", want: now},
		{in: "-90m", want: now.Add(-90 * time.Minute)},
		{in: " -2h30m ", want: now.Add(-150 * time.Minute)},
		{in: "-1d", want: now.Add(-24 * time.Hour)},
		{in: "-1d12h", want: now.Add(-36 * time.Hour)},
		{in: "-45s", want: now.Add(-45 * time.Second)},
		{in: "2026-12-06T03:20:00Z", want: time.Date(2026, 12, 6, 3, 20, 0, 0, time.UTC)},
		{in: "2026-12-06T03:20:00.250+01:00", want: time.Date(2026, 12, 6, 2, 20, 0, 250e6, time.UTC)},
		{in: "03:20", want: time.Date(2026, 12, 6, 3, 20, 0, 0, zone)},
		{in: "03:20:15", want: time.Date(2026, 12, 6, 3, 20, 15, 0, zone)},
		{in: "23:59:59.5", want: time.Date(2026, 12, 6, 23, 59, 59, 5e8, zone)},
		{in: "", wantErr: "empty"},
		{in: "-", wantErr: "no duration"},
		{in: "-d", wantErr: "days"},
		{in: "-1.5d", wantErr: "days"},
		{in: "--5m", wantErr: "no duration"},
		{in: "-5x", wantErr: "not a duration"},
		{in: "90m", wantErr: "want RFC 3339"},
		{in: "25:00", wantErr: "want RFC 3339"},
		{in: "yesterday", wantErr: "a time ago"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in, now)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) = %v, %v; want an error with %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Fatalf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}
