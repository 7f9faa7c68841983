package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/kafkaplot/kafkaplot/ui/chart"
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
	optional := []string{"172.18.0.5", " ago", "others: rdkafka", "(cooperative-sticky)"}
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

func TestFormatGroup(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"partitions none", formatPartitions(nil), "[]"},
		{"partitions two", formatPartitions([]int{0, 1}), "[0,1]"},
		{"rebalance", formatRebalance(chart.Rebalance{Generation: 3, Gained: []int{1}, Lost: []int{0}}), "gen 3: +p1 −p0"},
		{"rebalance unchanged", formatRebalance(chart.Rebalance{Generation: 4}), "gen 4: no change"},
		{"member by client id", memberLabel(Member{ClientID: "c", MemberID: "m", Host: "h"}), "c"},
		{"member by member id", memberLabel(Member{MemberID: "m", Host: "h"}), "m"},
		{"member by host", memberLabel(Member{Host: "h"}), "h"},
		{"member unnamed", memberLabel(Member{}), "?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

// TestRebalanceText follows a cooperative rebalance as the group bar tells
// it: this instance gives p1 up (nobody owns it yet), then the generation
// that hands it on names the member it went to, also when the members are
// described after the generation's first report; moves between other
// members are told too.
func TestRebalanceText(t *testing.T) {
	member := func(client, id, host string, parts ...int) Member {
		return Member{ClientID: client, MemberID: id, Host: host, Partitions: parts}
	}
	me := func(parts ...int) Member { return member("kafkaplot-1", "me", "/10.0.0.1", parts...) }
	tests := []struct {
		name string
		msgs []chart.Group
		want string
	}{
		{
			name: "cooperative: given up, then handed on",
			msgs: []chart.Group{
				{Generation: 3, MemberID: "me", Owned: []int{0, 1}, Members: []Member{me(0, 1)}},
				{Generation: 4, MemberID: "me", Owned: []int{0}, Members: []Member{me(0), member("rdkafka", "rdkafka-1a2b", "/10.0.0.2")}},
			},
			want: "gen 4: −p1",
		},
		{
			name: "the second round names the new owner",
			msgs: []chart.Group{
				{Generation: 4, MemberID: "me", Owned: []int{0}, Members: []Member{me(0), member("rdkafka", "rdkafka-1a2b", "/10.0.0.2")}},
				{Generation: 5, MemberID: "me", Owned: []int{0}, Members: []Member{me(0), member("rdkafka", "rdkafka-1a2b", "/10.0.0.2", 1)}},
			},
			want: "gen 5: p1 → rdkafka",
		},
		{
			name: "members described after the generation's first report",
			msgs: []chart.Group{
				{Generation: 6, MemberID: "me", Owned: []int{0, 1}, Members: []Member{me(0, 1)}},
				{Generation: 7, MemberID: "me", Owned: []int{0}, Members: []Member{me(0, 1)}},
				{Generation: 7, MemberID: "me", Owned: []int{0}, Members: []Member{me(0), member("franz-go", "franz-go-9", "127.0.0.1:5000", 1)}},
			},
			want: "gen 7: p1 → franz-go",
		},
		{
			name: "between other members, and a gain",
			msgs: []chart.Group{
				{Generation: 8, MemberID: "me", Owned: []int{0}, Members: []Member{me(0), member("a", "a-1", "h", 1, 2), member("b", "b-1", "h")}},
				{Generation: 9, MemberID: "me", Owned: []int{0, 1}, Members: []Member{me(0, 1), member("a", "a-1", "h"), member("b", "b-1", "h", 2)}},
			},
			want: "gen 9: +p1, p2 → b",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := chart.NewStore(16)
			for _, msg := range tt.msgs {
				s.SetGroup(msg, testStart())
			}
			if got := formatRebalance(s.Group.Last); got != tt.want {
				t.Errorf("rebalance = %q, want %q", got, tt.want)
			}
		})
	}
}
