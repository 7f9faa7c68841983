package plot

import (
	"fmt"
	"strconv"
	"strings"
)

// ParsePartitions reads a comma-separated list of partition numbers, each
// once, as Options.Partitions takes it: "" is every partition (nil).
func ParsePartitions(list string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(list, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		p, err := strconv.Atoi(part)
		if err != nil || p < 0 {
			return nil, fmt.Errorf("%q is not a partition number", part)
		}
		for _, q := range out {
			if q == p {
				return nil, fmt.Errorf("partition %d twice", p)
			}
		}
		out = append(out, p)
	}
	return out, nil
}
