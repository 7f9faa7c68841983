package extract

import (
	"strconv"
	"testing"
)

// TestNames checks that names gives the same string for the same bytes,
// made by text from the raw bytes (a hex key too), however many are added.
func TestNames(t *testing.T) {
	var n names
	for round := range 2 {
		for i := range 3000 {
			raw := []byte("k" + strconv.Itoa(i))
			if i%7 == 0 {
				raw = append(raw, 0)
			}
			got := n.get(raw, keyString)
			if got != keyString(raw) {
				t.Fatalf("round %d: name of %q = %q, want %q", round, raw, got, keyString(raw))
			}
		}
	}
	raw := []byte("k1")
	if allocs := testing.AllocsPerRun(100, func() { n.get(raw, keyString) }); allocs != 0 {
		t.Errorf("a known name allocates %v times", allocs)
	}
}
