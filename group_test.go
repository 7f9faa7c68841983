package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/kafkaplot/kafkaplot/config"
)

func TestGroupAssignors(t *testing.T) {
	tests := []struct {
		name    string
		flag    string
		want    []string
		wantErr string
	}{
		{name: "default", want: []string{"cooperative-sticky", "range", "roundrobin"}},
		{name: "flag", flag: "range,roundrobin", want: []string{"range", "roundrobin"}},
		{name: "unknown", flag: "sticky", wantErr: `kafka.consumer.partition_assignment_strategy: assignors "sticky": unknown assignor "sticky"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			groupFlags{assignors: tt.flag}.apply(&cfg)
			got, err := groupAssignors(cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("groupAssignors = %v, %v; want error %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("groupAssignors = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}
