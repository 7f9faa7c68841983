package group

import (
	"fmt"
	"strings"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/stall"
	"github.com/kafkaplot/kafkaplot/stream"
)

// watcher turns successive snapshots of a group into lines of change.
type watcher struct {
	prev stream.GroupSnapshot
	// owners are the partitions' owners (member ids) as the group last
	// settled them: assignments are final only in the Stable state (and
	// Empty, which has none), so moves are told there.
	owners map[int]string
	// labels name every member seen, those gone too.
	labels map[string]string
	// gen is the last generation known: a snapshot amid a rebalance may
	// not tell it.
	gen    int
	stalls *stall.Detector
}

func newWatcher(first stream.GroupSnapshot, stalls *stall.Detector, now time.Time) *watcher {
	w := &watcher{prev: first, owners: ownersOf(first.Members), labels: labelsOf(first.Members), gen: first.Generation, stalls: stalls}
	stalls.Look(now, w.partitions(first))
	return w
}

// settled says whether a state's assignments are final.
func settled(state string) bool { return state == "Stable" || state == "Empty" || state == "Dead" }

// next returns the changes from the previous snapshot to s, seen at now:
// state, generation, members left and joined, partitions moved, stalls
// started and ended.
func (w *watcher) next(s stream.GroupSnapshot, now time.Time) []string {
	var lines []string
	prev := w.prev
	w.prev = s
	union := append(append([]stream.Member{}, prev.Members...), s.Members...)
	labels := labelsOf(dedupe(union))
	for id, l := range labels {
		w.labels[id] = l
	}
	if s.State != prev.State {
		lines = append(lines, fmt.Sprintf("state %s → %s", orDash(prev.State), orDash(s.State)))
	}
	if s.Generation >= 0 && s.Generation != w.gen {
		if w.gen >= 0 {
			lines = append(lines, fmt.Sprintf("generation %d → %d", w.gen, s.Generation))
		} else {
			lines = append(lines, fmt.Sprintf("generation %d", s.Generation))
		}
		w.gen = s.Generation
	}
	was, is := ids(prev.Members), ids(s.Members)
	for _, m := range prev.Members {
		if !is[m.MemberID] {
			lines = append(lines, fmt.Sprintf("member left: %s (%s)", labels[m.MemberID], m.MemberID))
		}
	}
	for _, m := range s.Members {
		if !was[m.MemberID] {
			lines = append(lines, fmt.Sprintf("member joined: %s on %s (%s)", labels[m.MemberID], orDash(strings.TrimPrefix(m.Host, "/")), m.MemberID))
		}
	}
	if settled(s.State) {
		owners := ownersOf(s.Members)
		for _, o := range s.Offsets {
			from, to := w.owners[o.Partition], owners[o.Partition]
			switch {
			case from == to:
			case from == "":
				lines = append(lines, fmt.Sprintf("p%d assigned to %s", o.Partition, w.labels[to]))
			case to == "":
				lines = append(lines, fmt.Sprintf("p%d unassigned (was %s)", o.Partition, w.labels[from]))
			default:
				lines = append(lines, fmt.Sprintf("p%d moved: %s → %s", o.Partition, w.labels[from], w.labels[to]))
			}
		}
		w.owners = owners
	}
	behind := map[int]stream.PartitionOffsets{}
	for _, o := range s.Offsets {
		behind[o.Partition] = o
	}
	for _, c := range w.stalls.Look(now, w.partitions(s)) {
		who := w.labels[c.Owner]
		if c.Started {
			line := fmt.Sprintf("p%d stalled: %s committed nothing for %s while the lag grew %d → %d", c.Partition, who, Duration(now.Sub(c.Since)), c.LagThen, c.Lag)
			if o := behind[c.Partition]; o.BehindKnown {
				line += fmt.Sprintf(" (%s behind)", Duration(o.Behind))
			}
			lines = append(lines, line)
			continue
		}
		why := map[stall.Ended]string{stall.Committed: "it committed", stall.Moved: "the partition moved", stall.Gone: "the partition is gone"}[c.Why]
		lines = append(lines, fmt.Sprintf("p%d stall of %s ended after %s: %s", c.Partition, who, Duration(now.Sub(c.Since)), why))
	}
	return lines
}

// partitions are the snapshot's partitions as the stall detector takes
// them, owned as the group last settled them.
func (w *watcher) partitions(s stream.GroupSnapshot) []stall.Partition {
	ps := make([]stall.Partition, len(s.Offsets))
	for i, o := range s.Offsets {
		ps[i] = stall.Partition{Partition: o.Partition, Owner: w.owners[o.Partition], Committed: o.Committed, End: o.High}
	}
	return ps
}

func ids(members []stream.Member) map[string]bool {
	out := make(map[string]bool, len(members))
	for _, m := range members {
		out[m.MemberID] = true
	}
	return out
}

// dedupe keeps the first of members with the same member id.
func dedupe(members []stream.Member) []stream.Member {
	seen := map[string]bool{}
	var out []stream.Member
	for _, m := range members {
		if !seen[m.MemberID] {
			seen[m.MemberID] = true
			out = append(out, m)
		}
	}
	return out
}
