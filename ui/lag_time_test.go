package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// paneTitleLine returns the top border of partition p's pane in a frame.
func paneTitleLine(t *testing.T, view string, p int) string {
	t.Helper()
	for _, l := range strings.Split(view, "\n") {
		l = ansi.Strip(l)
		if i := strings.Index(l, "[p"+string(rune('0'+p))+"]"); i >= 0 {
			return l[i:]
		}
	}
	t.Fatalf("no pane p%d in the frame:\n%s", p, view)
	return ""
}

// TestLagInTimeAndStall: a pane's title says how far behind in time the
// group is beside the lag in records, and how long a stalled owner has
// committed nothing, until it commits; the group bar names the worst
// partition.
func TestLagInTimeAndStall(t *testing.T) {
	for _, tc := range []struct {
		name      string
		stat      PartitionStat
		stalled   time.Duration // how long before the frame NoCommitSince is
		wantTitle []string
		notTitle  []string
		wantBar   string
	}{
		{name: "behind", stat: PartitionStat{Partition: 1, Committed: 100, High: 1334, Behind: 3200 * time.Millisecond, BehindKnown: true},
			wantTitle: []string{"lag 1,234 · 3.2s behind"}, notTitle: []string{"no commit"}, wantBar: "worst p1 3.2s behind"},
		{name: "stalled", stat: PartitionStat{Partition: 1, Committed: 100, High: 1334, Behind: 42 * time.Second, BehindKnown: true}, stalled: 7 * time.Second,
			wantTitle: []string{"lag 1,234 · 42s behind · no commit for 7s"}, wantBar: "worst p1 no commit for 7s"},
		{name: "not measured", stat: PartitionStat{Partition: 1, Committed: 100, High: 1334},
			wantTitle: []string{"lag 1,234 "}, notTitle: []string{"behind", "no commit"}},
		{name: "caught up", stat: PartitionStat{Partition: 1, Committed: 1334, High: 1334, BehindKnown: true},
			wantTitle: []string{"lag 0 "}, notTitle: []string{"behind", "no commit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			m := mixedGroup(c)
			if tc.stalled > 0 {
				tc.stat.NoCommitSince = c.Now().Add(-tc.stalled)
			}
			m = update(m, OffsetsMsg{Stats: []PartitionStat{{Partition: 0, Committed: 960, High: 960, BehindKnown: true}, tc.stat}},
				tea.WindowSizeMsg{Width: 200, Height: 50}, FrameMsg{})
			view := m.View()
			title := paneTitleLine(t, view, 1)
			for _, s := range tc.wantTitle {
				if !strings.Contains(title, s) {
					t.Errorf("p1's title %q lacks %q", title, s)
				}
			}
			for _, s := range tc.notTitle {
				if strings.Contains(title, s) {
					t.Errorf("p1's title %q says %q", title, s)
				}
			}
			if p0 := paneTitleLine(t, view, 0); strings.Contains(p0, "behind") {
				t.Errorf("p0, caught up, says %q", p0)
			}
			bar := groupBarLine(t, view)
			if tc.wantBar == "" && strings.Contains(bar, "worst") || tc.wantBar != "" && !strings.Contains(bar, tc.wantBar) {
				t.Errorf("group bar %q, want %q", bar, tc.wantBar)
			}
		})
	}
}
