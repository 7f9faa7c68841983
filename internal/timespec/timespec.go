// Package timespec reads the times a user types for --at, --from, --to and
// the dashboard's @ prompt: an RFC 3339 time, a clock time of today (local),
// or a time ago (-90m, -2h30m, -1d). It knows nothing of Kafka or the
// terminal, and does not decide whether a time is too old or in the future:
// callers do.
package timespec

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Forms says what Parse accepts, for usage text and errors.
const Forms = "RFC 3339 (2026-12-06T03:20:00Z), a clock time today (03:20, 03:20:15) or a time ago (-90m, -2h30m, -1d)"

// clockLayouts are the clock times accepted, most specific last.
var clockLayouts = []string{"15:04", "15:04:05", "15:04:05.999999999"}

// Parse returns the time s names, relative to now: "now", an RFC 3339 time
// (with or without fractional seconds), a clock time of now's day in now's
// location, or a negative duration before now whose units are d (24 h), h,
// m, s and ms.
func Parse(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return time.Time{}, fmt.Errorf("parse time: empty; want %s", Forms)
	case strings.EqualFold(s, "now"):
		return now, nil
	case strings.HasPrefix(s, "-"):
		d, err := parseAgo(s[1:])
		if err != nil {
			return time.Time{}, fmt.Errorf("parse time %q: %w; want a time ago such as -90m, -2h30m or -1d", s, err)
		}
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range clockLayouts {
		if c, err := time.Parse(layout, s); err == nil {
			y, mo, d := now.Date()
			return time.Date(y, mo, d, c.Hour(), c.Minute(), c.Second(), c.Nanosecond(), now.Location()), nil
		}
	}
	return time.Time{}, fmt.Errorf("parse time %q: want %s", s, Forms)
}

// parseAgo reads a positive duration such as 90m, 2h30m, 1d or 1d12h.
func parseAgo(s string) (time.Duration, error) {
	var days int64
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil || n < 0 || n > 365*100 {
			return 0, errors.New("days must be a whole number of at most 36500")
		}
		days, s = n, s[i+1:]
		if s == "" {
			return time.Duration(days) * 24 * time.Hour, nil
		}
	}
	if s == "" || s[0] == '-' || s[0] == '+' {
		return 0, errors.New("no duration after the minus sign")
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, errors.New("not a duration")
	}
	return time.Duration(days)*24*time.Hour + d, nil
}
