package schema

import (
	"testing"
	"time"
)

func TestEpochUnit(t *testing.T) {
	tests := []struct {
		n    int64
		unit time.Duration
		ok   bool
	}{
		{1796540400, time.Second, true},
		{1796540400123, time.Millisecond, true},
		{1796540400123456, time.Microsecond, true},
		{1796540400123456789, time.Nanosecond, true},
		{946684800, time.Second, true}, // 2000-01-01
		{946684799, 0, false},          // just before
		{4102444800000, 0, false},      // 2100-01-01 in ms
		{1200, 0, false},               // an rpm
		{50_000_000_000, 0, false},     // between seconds and milliseconds
		{-1796540400, 0, false},        // before the epoch
	}
	for _, tt := range tests {
		unit, ok := EpochUnit(tt.n)
		if unit != tt.unit || ok != tt.ok {
			t.Errorf("EpochUnit(%d) = %v, %v; want %v, %v", tt.n, unit, ok, tt.unit, tt.ok)
		}
		if ok && EpochTime(tt.n, unit).Year() < 2000 {
			t.Errorf("EpochTime(%d, %v) = %v", tt.n, unit, EpochTime(tt.n, unit))
		}
	}
}

func TestTimeLikeName(t *testing.T) {
	for name, want := range map[string]bool{
		"ts": true, "time": true, "timestamp": true, "event_time": true, "created_at": true, "meta.updated_at": true,
		"Timestamp": true, "send_ts": true, "rpm": false, "temp_c": false, "status": false, "meta.load": false, "attempts": false,
		"ts_ms": true, "timestamp_millis": true, "event_time_us": true, "epoch": true, "epoch_s": true, "source.ts_ns": true,
		"latency_ms": false, "duration_s": false, "_ms": false, "ms": false, "uptime_secs": false,
	} {
		if got := TimeLikeName(name); got != want {
			t.Errorf("TimeLikeName(%q) = %v, want %v", name, got, want)
		}
	}
}
