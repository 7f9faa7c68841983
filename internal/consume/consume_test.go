package consume

import (
	"math"
	"testing"
)

func TestPythonFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{50, "50.0"},
		{-1.6974040527855028, "-1.6974040527855028"},
		{73.43209881486389, "73.43209881486389"},
		{0.1, "0.1"},
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{0.0001, "0.0001"},
		{0.00001, "1e-05"},
		{1.5e-7, "1.5e-07"},
		{1e15, "1000000000000000.0"},
		{1e16, "1e+16"},
		{123456789012345678, "1.2345678901234568e+17"},
		{math.Inf(1), "inf"},
		{math.Inf(-1), "-inf"},
		{math.NaN(), "nan"},
	}
	for _, tt := range tests {
		if got := pythonFloat(tt.in); got != tt.want {
			t.Errorf("pythonFloat(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
