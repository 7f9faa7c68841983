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
// time: ts, time, timestamp, date, datetime, epoch, or a name ending in
// _ts, _time, _at or _timestamp (event_time, created_at), any case, also
// with a unit after it (ts_ms, timestamp_millis, event_time_us).
func TimeLikeName(path string) bool {
	name := strings.ToLower(path[strings.LastIndexByte(path, '.')+1:])
	for _, unit := range []string{"_ms", "_millis", "_us", "_micros", "_ns", "_nanos", "_s", "_sec", "_secs", "_seconds"} {
		if base, ok := strings.CutSuffix(name, unit); ok && base != "" {
			name = base
			break
		}
	}
	switch name {
	case "ts", "time", "timestamp", "date", "datetime", "epoch", "eventtime", "createdat", "updatedat":
		return true
	}
	for _, suffix := range []string{"_ts", "_time", "_at", "_timestamp", "-time", "-ts"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// The time rule, one for every format: an integer field is a record's time
// axis, not a value, when it is named like a time (TimeLikeName) or, where
// its values are seen (plain JSON), when it counts from the epoch to a
// plausible date (EpochUnit), one named like a time before others. A
// schema's declared times (timestamp logical types, formats, a Protobuf
// Timestamp) come first. An epoch integer's unit is told by its magnitude
// (EpochTime with unit 0) unless the schema declares it.

// TimePick chooses a record's time field among its integer members by the
// time rule; the zero value has chosen none. Offer every member: the
// choice does not depend on their order.
type TimePick struct {
	Path string        // the member chosen, "" for none
	Unit time.Duration // its unit, as EpochUnit tells from its value
}

// Offer considers the integer n at path.
func (p *TimePick) Offer(path string, n int64) {
	u, ok := EpochUnit(n)
	if !ok {
		return
	}
	named, bestNamed := TimeLikeName(path), TimeLikeName(p.Path)
	if p.Path == "" || named && !bestNamed || named == bestNamed && path < p.Path {
		p.Path, p.Unit = path, u
	}
}

// EpochTime returns the time n units after the epoch, for the units
// EpochUnit returns; with unit 0, in the unit EpochUnit tells from n
// (milliseconds when n is no plausible date in any).
func EpochTime(n int64, unit time.Duration) time.Time {
	if unit == 0 {
		unit, _ = EpochUnit(n)
	}
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
