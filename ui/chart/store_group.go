package chart

import (
	"slices"
	"time"
)

// Rebalance records what moved in a new generation: what this instance
// gained and lost, and which partitions went to other members.
type Rebalance struct {
	Generation   int
	Gained, Lost []int          // partitions this instance gained and lost, sorted
	Moved        map[int]Member // partition → the other member it went to
	At           time.Time      // when the generation was first reported
}

// GroupState is the consumer group as last reported.
type GroupState struct {
	Known      bool   // a generation was reported
	Generation int    // the generation id
	MemberID   string // this instance's member id
	Assignor   string // the group's assignor; "" if unknown
	Owned      []int  // partitions this instance owns, sorted
	Members    []Member
	owner      map[int]Member // partition → the member that owns it
	ownerID    map[int]string // partition → member id of its owner, when members are known
	Last       Rebalance
}

// owns reports whether this instance owns partition p.
func (g *GroupState) owns(p int) bool {
	_, ok := slices.BinarySearch(g.Owned, p)
	return ok
}

// SetGroup records a generation of the consumer group at time now.
func (s *Store) SetGroup(msg Group, now time.Time) {
	g := &s.Group
	prevKnown, prevGen, prevOwned := g.Known, g.Generation, g.Owned

	owned := make([]int, 0, len(msg.Owned))
	for _, p := range msg.Owned {
		if validPartition(p) {
			owned = append(owned, p)
			s.pane(p)
		}
	}
	slices.Sort(owned)
	owned = slices.Compact(owned)

	members := make([]Member, len(msg.Members))
	owner := make(map[int]Member)
	// Members described (even with nothing assigned, as in the middle of a
	// rebalance) say who owns what, so the next report can tell what moved.
	var ownerID map[int]string
	if len(msg.Members) > 0 {
		ownerID = make(map[int]string)
	}
	for i, m := range msg.Members {
		m.Partitions = slices.Clone(m.Partitions)
		slices.Sort(m.Partitions)
		members[i] = m
		for _, p := range m.Partitions {
			if validPartition(p) {
				s.pane(p)
				owner[p] = m
				ownerID[p] = m.MemberID
			}
		}
	}
	// Partitions that went to another member since the last report (only
	// when both reports name the members).
	var moved map[int]Member
	if prevKnown && g.ownerID != nil && ownerID != nil {
		for p, id := range ownerID {
			if id != msg.MemberID && g.ownerID[p] != id {
				if moved == nil {
					moved = make(map[int]Member)
				}
				moved[p] = owner[p]
			}
		}
	}
	g.Known, g.Generation, g.MemberID, g.Assignor = true, msg.Generation, msg.MemberID, msg.Assignor
	g.Owned, g.Members, g.owner, g.ownerID = owned, members, owner, ownerID
	s.noteOwners(now)

	if !prevKnown || msg.Generation != prevGen {
		g.Last = Rebalance{
			Generation: msg.Generation,
			Gained:     diffSorted(owned, prevOwned),
			Lost:       diffSorted(prevOwned, owned),
			Moved:      moved,
			At:         now,
		}
		return
	}
	// The members of this generation described later: what moved.
	for p, m := range moved {
		if g.Last.Moved == nil {
			g.Last.Moved = make(map[int]Member)
		}
		g.Last.Moved[p] = m
	}
}

// noteOwners records the generation and who owns each partition in the
// timeline: this instance's partitions always, the others' when the
// members were described.
func (s *Store) noteOwners(now time.Time) {
	g := &s.Group
	s.Timeline.generation(g.Generation, now)
	me := Member{MemberID: g.MemberID}
	for _, m := range g.Members {
		if m.MemberID == g.MemberID {
			me = m
		}
	}
	for p := range s.Partitions() {
		switch {
		case g.owns(p):
			s.Timeline.own(p, me, now)
		case g.ownerID != nil:
			s.Timeline.own(p, g.owner[p], now)
		}
	}
}

// NoteLag records the partitions' lag at now in the timeline.
func (s *Store) NoteLag(stats []PartitionStat, now time.Time) {
	for _, st := range stats {
		if !validPartition(st.Partition) {
			continue
		}
		lag := st.High - max(st.Committed, 0)
		s.Timeline.lag(st.Partition, LagPoint{At: now, Lag: max(lag, 0), Behind: st.Behind, BehindKnown: st.BehindKnown, Stalled: !st.NoCommitSince.IsZero()})
	}
}

// diffSorted returns the elements of sorted a that are not in sorted b.
func diffSorted(a, b []int) []int {
	var out []int
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); !ok {
			out = append(out, x)
		}
	}
	return out
}

// OwnerOf returns who owns partition p as this instance sees it: owned is
// true when this instance owns it (or no group state is known yet);
// otherwise held says whether another member, owner, owns it.
func (s *Store) OwnerOf(p int) (owned bool, owner Member, held bool) {
	g := &s.Group
	if !g.Known || g.owns(p) {
		return true, Member{}, false
	}
	owner, held = g.owner[p]
	return false, owner, held
}
