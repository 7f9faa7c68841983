package chart

import (
	"testing"
	"time"
)

// TestTimelineFromGroupReports: the store's timeline keeps each generation
// once, spans of who owned each partition (none during a rebalance, this
// instance's partitions even when the members are not described) and the
// lag.
func TestTimelineFromGroupReports(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	me := Member{MemberID: "me-1", ClientID: "kafkaplot"}
	rd := Member{MemberID: "rd-1", ClientID: "rdkafka"}
	with := func(m Member, ps ...int) Member { m.Partitions = ps; return m }
	s := NewStore(16)
	s.SetPartitions(2)
	s.SetGroup(Group{Generation: 1, MemberID: "me-1", Owned: []int{0, 1}, Members: []Member{with(me, 0, 1)}}, t0)
	s.SetGroup(Group{Generation: 1, MemberID: "me-1", Owned: []int{0, 1}, Members: []Member{with(me, 0, 1)}}, t0.Add(time.Second))
	s.SetGroup(Group{Generation: 2, MemberID: "me-1", Owned: []int{0}, Members: []Member{with(me), with(rd)}}, t0.Add(10*time.Second))
	s.SetGroup(Group{Generation: 2, MemberID: "me-1", Owned: []int{0}, Members: []Member{with(me, 0), with(rd, 1)}}, t0.Add(11*time.Second))
	s.SetGroup(Group{Generation: 3, MemberID: "me-1", Owned: []int{0, 1}}, t0.Add(20*time.Second))
	tl := &s.Timeline
	if len(tl.Generations) != 3 || tl.Generations[1] != (GenMark{Generation: 2, At: t0.Add(10 * time.Second)}) || !tl.Start.Equal(t0) {
		t.Errorf("generations %+v, start %s", tl.Generations, tl.Start)
	}
	describe := func(p int) []string {
		var out []string
		for _, sp := range tl.Spans(p) {
			who := sp.Owner.ClientID
			if sp.Owner.MemberID == "" {
				who = "none"
			}
			to := "now"
			if !sp.To.IsZero() {
				to = sp.To.Sub(t0).String()
			}
			out = append(out, who+" "+sp.From.Sub(t0).String()+"-"+to)
		}
		return out
	}
	for p, want := range map[int][]string{
		0: {"kafkaplot 0s-now"},
		1: {"kafkaplot 0s-10s", "none 10s-11s", "rdkafka 11s-20s", "kafkaplot 20s-now"},
	} {
		if got := describe(p); len(got) != len(want) || func() bool {
			for i := range got {
				if got[i] != want[i] {
					return true
				}
			}
			return false
		}() {
			t.Errorf("p%d spans %v, want %v", p, got, want)
		}
	}
	if tl.Colour("me-1") != 0 || tl.Colour("rd-1") != 1 {
		t.Errorf("colours: me %d, rdkafka %d", tl.Colour("me-1"), tl.Colour("rd-1"))
	}
}

// TestTimelineBounded: past their capacities the oldest generations and
// spans go, and the lag keeps covering the whole time at a coarser step.
func TestTimelineBounded(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var tl Timeline
	for i := range maxGenMarks + 10 {
		tl.generation(i, t0.Add(time.Duration(i)*time.Second))
		tl.own(0, Member{MemberID: string(rune('a' + i%2))}, t0.Add(time.Duration(i)*time.Second))
	}
	if n := len(tl.Generations); n != maxGenMarks || tl.Generations[0].Generation != 10 {
		t.Errorf("%d generations from %d", n, tl.Generations[0].Generation)
	}
	if n := len(tl.Spans(0)); n != maxSpans {
		t.Errorf("%d spans", n)
	}
	for i := range 3 * maxLagPoints {
		tl.lag(1, LagPoint{At: t0.Add(time.Duration(i) * time.Second), Lag: int64(i)})
	}
	lag := tl.Lag(1)
	if len(lag) > maxLagPoints || !lag[0].At.Equal(t0) || lag[len(lag)-1].At.Before(t0.Add(time.Duration(3*maxLagPoints-5)*time.Second)) {
		t.Errorf("%d lag points from %s to %s", len(lag), lag[0].At.Sub(t0), lag[len(lag)-1].At.Sub(t0))
	}
	// Within a step, samples are skipped.
	var tl2 Timeline
	tl2.lag(0, LagPoint{At: t0})
	tl2.lag(0, LagPoint{At: t0.Add(300 * time.Millisecond)})
	tl2.lag(0, LagPoint{At: t0.Add(time.Second)})
	if n := len(tl2.Lag(0)); n != 2 {
		t.Errorf("%d samples in a second, want 2", n)
	}
}
