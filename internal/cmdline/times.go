package cmdline

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/timespec"
)

// FromTime returns a --from value as a time, and whether it is one: a value
// that is not earliest or latest (a new group's start) but reads as a time
// (an error says why it does not read as one).
func FromTime(from string, now time.Time) (t time.Time, isTime bool, err error) {
	switch strings.ToLower(strings.TrimSpace(from)) {
	case "", "earliest", "latest":
		return t, false, nil
	}
	t, err = timespec.Parse(from, now)
	return t, err == nil, err
}

// TimeRange reads consume's --from TIME and --to (toSet: --to was given)
// at now: both zero when from is not a time (earliest, latest or unset).
func TimeRange(from, to string, toSet, untilEnd bool, now time.Time) (start, end time.Time, err error) {
	start, isTime, perr := FromTime(from, now)
	switch {
	case perr != nil:
		return start, end, fmt.Errorf("--from: want earliest, latest or a time: %w", perr)
	case !isTime && toSet:
		return start, end, errors.New("--to: needs --from TIME")
	case !isTime:
		return start, end, nil
	case untilEnd:
		return start, end, errors.New("--from TIME and --until-end: choose one (a time range read ends by itself)")
	case start.After(now):
		return start, end, fmt.Errorf("--from %s: in the future", from)
	}
	if toSet {
		if end, err = timespec.Parse(to, now); err != nil {
			return start, end, fmt.Errorf("--to: %w", err)
		}
		if !end.After(start) {
			return start, end, fmt.Errorf("--to %s: not after --from %s", to, from)
		}
	}
	return start, end, nil
}

// PastTime reads the dashboard's --at at now: a time before now.
func PastTime(at string, now time.Time) (time.Time, error) {
	t, err := timespec.Parse(at, now)
	switch {
	case err != nil:
		return t, fmt.Errorf("--at: %w", err)
	case !t.Before(now):
		return t, fmt.Errorf("--at %s: not in the past (leave --at out for live)", at)
	}
	return t, nil
}
