package chart

import (
	"slices"
	"time"
)

// This file keeps the consumer group's history as this instance saw it,
// from its start: the generations, which member owned each partition when,
// and each partition's lag over time. It is bounded in memory: past its
// capacities the oldest generations and spans go, and the lag keeps its
// whole time range at a coarser step.

// Capacities of the timeline.
const (
	maxGenMarks    = 1024 // generations remembered
	maxSpans       = 512  // ownership spans per partition
	maxLagPoints   = 1024 // lag samples per partition
	lagFirstPeriod = time.Second
	maxMembers     = 1024 // members remembered by name and colour; past it they are forgotten and numbered anew
)

// GenMark is a generation this instance saw begin.
type GenMark struct {
	Generation int
	At         time.Time
}

// OwnerSpan is a time a partition was owned by one member (or by none: Owner's
// MemberID is ""). To is zero while the span lasts.
type OwnerSpan struct {
	Owner    Member
	From, To time.Time
}

// LagPoint is a partition's lag at a moment: in records, and in time if
// BehindKnown.
type LagPoint struct {
	At          time.Time
	Lag         int64
	Behind      time.Duration
	BehindKnown bool
	Stalled     bool // the owner had committed nothing for a while as the lag grew
}

// partitionHistory is one partition's spans and lag.
type partitionHistory struct {
	spans []OwnerSpan
	lag   []LagPoint
	every time.Duration // the lag's step: samples closer than this are skipped
}

// Timeline is the group's history: see the top of this file.
type Timeline struct {
	Start       time.Time // the first report
	Generations []GenMark // oldest first
	parts       map[int]*partitionHistory
	colours     map[string]int    // member id → colour index, in order of first appearance
	known       map[string]Member // member id → the member as last described
}

func (t *Timeline) part(p int) *partitionHistory {
	if t.parts == nil {
		t.parts = map[int]*partitionHistory{}
	}
	h := t.parts[p]
	if h == nil {
		h = &partitionHistory{every: lagFirstPeriod}
		t.parts[p] = h
	}
	return h
}

func (t *Timeline) begin(now time.Time) {
	if t.Start.IsZero() {
		t.Start = now
	}
}

// generation records a generation seen at now, once.
func (t *Timeline) generation(gen int, now time.Time) {
	t.begin(now)
	if n := len(t.Generations); n > 0 && t.Generations[n-1].Generation == gen {
		return
	}
	if len(t.Generations) == maxGenMarks {
		t.Generations = slices.Delete(t.Generations, 0, 1)
	}
	t.Generations = append(t.Generations, GenMark{Generation: gen, At: now})
}

// own records the owner of partition p at now, opening a span when it
// changed.
func (t *Timeline) own(p int, owner Member, now time.Time) {
	t.begin(now)
	if owner.ClientID == "" {
		if known, ok := t.known[owner.MemberID]; ok {
			owner = known
		}
	} else {
		if t.known == nil || len(t.known) >= maxMembers {
			t.known = map[string]Member{}
		}
		owner.Partitions = nil
		t.known[owner.MemberID] = owner
	}
	h := t.part(p)
	if n := len(h.spans); n > 0 {
		last := &h.spans[n-1]
		if last.Owner.MemberID == owner.MemberID {
			last.Owner = owner
			return
		}
		last.To = now
	}
	if len(h.spans) == maxSpans {
		h.spans = slices.Delete(h.spans, 0, 1)
	}
	h.spans = append(h.spans, OwnerSpan{Owner: owner, From: now})
	if owner.MemberID != "" {
		if t.colours == nil || len(t.colours) >= maxMembers {
			t.colours = map[string]int{}
		}
		if _, ok := t.colours[owner.MemberID]; !ok {
			t.colours[owner.MemberID] = len(t.colours)
		}
	}
}

// lag records partition p's lag at now, at most one sample per step; when
// the samples fill their capacity every other one goes and the step
// doubles, so that they keep covering the time since the start.
func (t *Timeline) lag(p int, pt LagPoint) {
	t.begin(pt.At)
	h := t.part(p)
	if n := len(h.lag); n > 0 && pt.At.Sub(h.lag[n-1].At) < h.every {
		// Within the step: a stall's start or end is not skipped.
		if h.lag[n-1].Stalled == pt.Stalled {
			return
		}
	}
	if len(h.lag) == maxLagPoints {
		kept := h.lag[:0]
		for i := 0; i < len(h.lag); i += 2 {
			kept = append(kept, h.lag[i])
		}
		h.lag = kept
		h.every *= 2
	}
	h.lag = append(h.lag, pt)
}

// Spans returns partition p's ownership spans, oldest first (read only).
func (t *Timeline) Spans(p int) []OwnerSpan {
	if h := t.parts[p]; h != nil {
		return h.spans
	}
	return nil
}

// Lag returns partition p's lag samples, oldest first (read only).
func (t *Timeline) Lag(p int) []LagPoint {
	if h := t.parts[p]; h != nil {
		return h.lag
	}
	return nil
}

// Colour returns the colour index of a member: members are numbered in the
// order the timeline first saw them own a partition.
func (t *Timeline) Colour(memberID string) int { return t.colours[memberID] }

// Tick is a labelled time on a time axis.
type Tick struct {
	T     int64 // Unix ns
	Label string
}

// TimeTicks returns the ticks the charts' time axis draws for [t0, t1] over
// cells columns, in loc's wall-clock time.
func TimeTicks(t0, t1 int64, cells int, loc *time.Location) []Tick {
	ticks := timeTicks(t0, t1, cells, loc)
	out := make([]Tick, len(ticks))
	for i, tk := range ticks {
		out[i] = Tick{T: tk.t, Label: tk.label}
	}
	return out
}
