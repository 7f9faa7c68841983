package stream

import (
	"fmt"
	"testing"
)

// TestPartitionForMatchesLibrdkafka checks the CRC32 partitioner against
// ../shared/reference/partition_table.md (CRC32 % n columns).
func TestPartitionForMatchesLibrdkafka(t *testing.T) {
	tests := []struct {
		partitions int
		want       []int // sensor0..sensor7
	}{
		{partitions: 1, want: []int{0, 0, 0, 0, 0, 0, 0, 0}},
		{partitions: 2, want: []int{0, 0, 0, 0, 1, 1, 1, 1}},
		{partitions: 3, want: []int{0, 2, 2, 2, 0, 0, 0, 0}},
		{partitions: 4, want: []int{2, 0, 2, 0, 3, 1, 3, 1}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d partitions", tt.partitions), func(t *testing.T) {
			for i, want := range tt.want {
				key := fmt.Sprintf("sensor%d", i)
				if got := PartitionFor([]byte(key), tt.partitions); got != want {
					t.Errorf("PartitionFor(%s, %d) = %d, want %d", key, tt.partitions, got, want)
				}
			}
		})
	}
}
