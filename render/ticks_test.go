package render

import (
	"strings"
	"testing"
	"time"
)

func TestTimeTicks(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	for _, tc := range []struct {
		name     string
		from     time.Time
		span     time.Duration
		loc      *time.Location
		most     int
		want     string
		wantZero float64 // the first tick's value, seconds since from
	}{
		{"3 hours by 15 minutes", epoch.Add(-3 * time.Hour), 3 * time.Hour, time.UTC, 14,
			"02:45 03:00 03:15 03:30 03:45 04:00 04:15 04:30 04:45 05:00 05:15 05:30", 300},
		{"3 hours, fewer ticks", epoch.Add(-3 * time.Hour), 3 * time.Hour, time.UTC, 4,
			"03:00 04:00 05:00", 1200},
		{"90 seconds", epoch, 90 * time.Second, time.UTC, 8,
			"05:40:00 05:40:15 05:40:30 05:40:45 05:41:00 05:41:15 05:41:30", 0},
		{"a second", epoch.Add(250 * time.Millisecond), time.Second, time.UTC, 6,
			"05:40:00.400 05:40:00.600 05:40:00.800 05:40:01.000 05:40:01.200", 0.15},
		{"whole hours of the local clock", time.Date(2026, 12, 6, 2, 10, 0, 0, time.UTC), 3 * time.Hour, berlin, 4,
			"04:00 05:00 06:00", 50 * 60},
		{"days", epoch.Add(-72 * time.Hour), 72 * time.Hour, time.UTC, 8,
			"Dec 3 12:00 Dec 4 00:00 Dec 4 12:00 Dec 5 00:00 Dec 5 12:00 Dec 6 00:00", 6*3600 + 20*60},
		{"a week", epoch.Add(-7 * 24 * time.Hour), 7 * 24 * time.Hour, time.UTC, 8,
			"Nov 30 Dec 1 Dec 2 Dec 3 Dec 4 Dec 5 Dec 6", 18*3600 + 20*60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tt := timeTicks{from: tc.from, loc: tc.loc, most: tc.most}
			ticks := tt.Ticks(0, tc.span.Seconds())
			labels := make([]string, len(ticks))
			for i, tk := range ticks {
				labels[i] = tk.Label
			}
			if got := strings.Join(labels, " "); got != tc.want {
				t.Errorf("labels %q, want %q", got, tc.want)
			}
			if len(ticks) > tc.most {
				t.Errorf("%d ticks, want at most %d", len(ticks), tc.most)
			}
			if len(ticks) > 0 && (ticks[0].Value < tc.wantZero-1e-6 || ticks[0].Value > tc.wantZero+1e-6) {
				t.Errorf("first tick at %v s, want %v", ticks[0].Value, tc.wantZero)
			}
		})
	}
	if got := (timeTicks{from: epoch, loc: time.UTC, most: 5}).Ticks(1, 1); got != nil {
		t.Errorf("an empty range has ticks %v", got)
	}
}

func TestNumbers(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{1000, "1000"}, {0.5, "0.5"}, {43.99213, "43.99213"}, {43.992134567, "43.9921"},
		{-12.25, "-12.25"}, {1e21, "1e+21"}, {0.30000000000000004, "0.3"}, {123456789, "123456789"},
	} {
		if got := number(tc.v); got != tc.want {
			t.Errorf("number(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{3 * time.Hour, "3h"}, {90 * time.Minute, "1h30m"}, {2 * time.Minute, "2m"}, {90 * time.Second, "1m30s"},
		{1500 * time.Millisecond, "1.5s"}, {time.Hour + time.Second, "1h0m1s"},
	} {
		if got := shortDuration(tc.d); got != tc.want {
			t.Errorf("shortDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
