package stream

import (
	"slices"
	"testing"
	"time"
)

// TestEagerRoundReportsItsOutcome checks that an eager (range) member
// reports each round's outcome only: giving up every partition before the
// join is not reported, so a partition given back in the same round is
// never shown as lost.
func TestEagerRoundReportsItsOutcome(t *testing.T) {
	emb := startCluster(t, 4)
	var a, b collector
	cfgA, cfgB := a.config(emb, "eager"), b.config(emb, "eager")
	cfgA.Assignors, cfgB.Assignors = []string{"range"}, []string{"range"}
	runConsumer(t, cfgA)
	waitFor(t, "a owns [0 1 2 3]", 20*time.Second, func() bool {
		got, ok := a.lastOwned()
		return ok && slices.Equal(got, []int{0, 1, 2, 3})
	})
	stopB := runConsumer(t, cfgB)
	waitFor(t, "a and b split the partitions", 20*time.Second, func() bool {
		ga, oka := a.lastOwned()
		gb, okb := b.lastOwned()
		return oka && okb && len(ga) == 2 && len(gb) == 2
	})
	stopB()
	waitFor(t, "a owns [0 1 2 3] again", 20*time.Second, func() bool {
		got, ok := a.lastOwned()
		return ok && slices.Equal(got, []int{0, 1, 2, 3})
	})
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, ev := range a.groups {
		if len(ev.Assigned) == 0 {
			t.Errorf("a reported generation %d with nothing assigned: %+v", ev.Generation, a.groups)
			break
		}
		if ev.Protocol != "range" {
			t.Errorf("generation %d: assignor %q, want range", ev.Generation, ev.Protocol)
		}
	}
}
