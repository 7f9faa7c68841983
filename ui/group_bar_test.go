package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// mixedGroup is a cooperative-sticky group where partition 1 went from this
// instance to a librdkafka member in generation 5.
func mixedGroup(c *clock) Model {
	me := Member{ClientID: "kafkaplot-1", MemberID: "kafkaplot-1-abc", Host: "/10.0.0.1"}
	rd := Member{ClientID: "rdkafka", MemberID: "rdkafka-7f3e", Host: "/172.18.0.5"}
	mine, theirs := me, rd
	mine.Partitions = []int{0, 1}
	m := update(baseModel(c), GroupMsg{Generation: 4, MemberID: me.MemberID, Assignor: "cooperative-sticky", Owned: []int{0, 1}, Members: []Member{mine}})
	mine.Partitions, theirs.Partitions = []int{0}, []int{1}
	c.Advance(3 * time.Second)
	return update(m, GroupMsg{Generation: 5, MemberID: me.MemberID, Assignor: "cooperative-sticky", Owned: []int{0}, Members: []Member{mine, theirs}})
}

func TestGroupBarGolden(t *testing.T) {
	tests := []struct {
		name    string
		w, h    int
		contain []string
	}{
		{name: "80x24", w: 80, h: 24, contain: []string{"gen 5 · owns [0] · members 2", "gen 5: p1 → rdkafka"}},
		{name: "200x50", w: 200, h: 50, contain: []string{
			"gen 5 · owns [0] · members 2 (cooperative-sticky) · others: rdkafka 172.18.0.5 [1] · last rebalance gen 5: p1 → rdkafka, 0.0s ago",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			m := update(mixedGroup(c), tea.WindowSizeMsg{Width: tt.w, Height: tt.h}, FrameMsg{})
			view := m.View()
			checkFrame(t, view, tt.w, tt.h)
			bar := groupBarLine(t, view)
			for _, s := range tt.contain {
				if !strings.Contains(bar, s) {
					t.Errorf("group bar %q lacks %q", bar, s)
				}
			}
			if strings.Contains(bar, "…") {
				t.Errorf("group bar %q is cut", bar)
			}
			golden.RequireEqual(t, []byte(view+"\n"))
		})
	}
}

// TestGroupBarNarrowing checks that at every width from 60 to 200 columns the
// group bar is never cut: parts are dropped whole, least important first, and
// generation, ownership, members and what moved always stay.
func TestGroupBarNarrowing(t *testing.T) {
	essentials := []string{"gen 5 · owns [0] · members 2", "gen 5: p1 → rdkafka"}
	// Parts in the order they go as the bar narrows: once one is shown, every
	// part after it is shown too.
	optional := []string{"172.18.0.5", " ago", "(cooperative-sticky)", "others: rdkafka"}
	seen := make(map[string]bool)
	for w := 60; w <= 200; w++ {
		m := update(mixedGroup(newClock()), tea.WindowSizeMsg{Width: w, Height: 24}, FrameMsg{})
		bar := groupBarLine(t, m.View())
		for _, s := range essentials {
			if !strings.Contains(bar, s) {
				t.Fatalf("at %d columns the group bar %q lacks %q", w, bar, s)
			}
		}
		if strings.Contains(bar, "…") {
			t.Fatalf("at %d columns the group bar %q is cut", w, bar)
		}
		for i, s := range optional {
			if !strings.Contains(bar, s) {
				continue
			}
			seen[s] = true
			for _, later := range optional[i+1:] {
				if !strings.Contains(bar, later) {
					t.Errorf("at %d columns %q is shown but %q, which matters more, is not: %q", w, s, later, bar)
				}
			}
		}
	}
	for _, s := range optional {
		if !seen[s] {
			t.Errorf("no width from 60 to 200 columns showed %q", s)
		}
	}
}

// groupBarLine returns the group bar of a frame: the line after the header.
func groupBarLine(t *testing.T, view string) string {
	t.Helper()
	for _, l := range strings.Split(view, "\n") {
		if l = strings.TrimRight(ansi.Strip(l), " "); strings.HasPrefix(l, "gen ") {
			return l
		}
	}
	t.Fatalf("frame has no group bar:\n%s", view)
	return ""
}

// TestGroupBarCooperativeSecondRound checks what the bar says after a
// cooperative rebalance's two rounds when the group was described between
// them with nobody owning anything (a group in the middle of a rebalance):
// the second round says where the partition given up in the first went.
func TestGroupBarCooperativeSecondRound(t *testing.T) {
	me := Member{ClientID: "kafkaplot-1", MemberID: "kafkaplot-1-abc", Host: "/10.0.0.1"}
	rd := Member{ClientID: "rdkafka", MemberID: "rdkafka-7f3e", Host: "/172.18.0.5"}
	with := func(m Member, ps ...int) Member { m.Partitions = ps; return m }
	c := newClock()
	m := update(baseModel(c),
		GroupMsg{Generation: 1, MemberID: me.MemberID, Owned: []int{0, 1}, Members: []Member{with(me, 0, 1)}},
		GroupMsg{Generation: 2, MemberID: me.MemberID, Owned: []int{0}, Members: []Member{with(me), with(rd)}},
		GroupMsg{Generation: 3, MemberID: me.MemberID, Owned: []int{0}, Members: []Member{with(me, 0), with(rd, 1)}},
		tea.WindowSizeMsg{Width: 80, Height: 24}, FrameMsg{},
	)
	if bar := groupBarLine(t, m.View()); !strings.Contains(bar, "gen 3: p1 → rdkafka") {
		t.Errorf("group bar %q does not say where p1 went", bar)
	}
}
