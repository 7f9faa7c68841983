package schema

import (
	"strings"
	"time"
)

// Bounds of a plausible date: 2000-01-01 and 2100-01-01, in seconds.
const (
	plausibleFrom = 946684800
	plausibleTo   = 4102444800
)

// EpochUnit returns the unit in which n counts from the epoch to a date
// between 2000 and 2100: time.Second, time.Millisecond, time.Microsecond or
// time.Nanosecond (the ranges do not overlap); ok is false for any other n.
func EpochUnit(n int64) (unit time.Duration, ok bool) {
	for _, u := range []time.Duration{time.Second, time.Millisecond, time.Microsecond, time.Nanosecond} {
		per := int64(time.Second / u)
		if n >= plausibleFrom*per && n < plausibleTo*per {
			return u, true
		}
	}
	return 0, false
}

// TimeLikeName reports whether the last part of a dotted path names a
// time: ts, time, timestamp, date, datetime, or a name ending in _ts,
// _time, _at or _timestamp (event_time, created_at), any case.
func TimeLikeName(path string) bool {
	name := strings.ToLower(path[strings.LastIndexByte(path, '.')+1:])
	switch name {
	case "ts", "time", "timestamp", "date", "datetime", "eventtime", "createdat", "updatedat":
		return true
	}
	for _, suffix := range []string{"_ts", "_time", "_at", "_timestamp", "-time", "-ts"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// EpochTime returns the time n units after the epoch, for the units
// EpochUnit returns and a Field's Unit (milliseconds when 0).
func EpochTime(n int64, unit time.Duration) time.Time {
	switch unit {
	case time.Second:
		return time.Unix(n, 0)
	case time.Microsecond:
		return time.UnixMicro(n)
	case time.Nanosecond:
		return time.Unix(0, n)
	}
	return time.UnixMilli(n)
}
