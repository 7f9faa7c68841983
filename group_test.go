package main

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/kafkaplot/kafkaplot/config"
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

// TestAssignorsFlag checks that --assignors overrides the configuration
// and is checked as the key is.
func TestAssignorsFlag(t *testing.T) {
	tests := []struct {
		name    string
		flag    string
		want    []string
		wantErr string
	}{
		{name: "default", want: []string{"cooperative-sticky", "range", "roundrobin"}},
		{name: "flag", flag: "range,roundrobin", want: []string{"range", "roundrobin"}},
		{name: "unknown", flag: "sticky", wantErr: `kafka.consumer.partition_assignment_strategy: unknown name "sticky"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Kafka.Brokers = []string{"127.0.0.1:9092"}
			groupFlags{assignors: tt.flag}.apply(&cfg)
			err := cfg.Validate()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Validate = %v; want error %q", err, tt.wantErr)
				}
				return
			}
			if got := cfg.Kafka.Consumer.AssignmentStrategies(); err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("assignors = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}
