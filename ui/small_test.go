package ui

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
)

// twelvePartitions is a dashboard of 12 partitions, two sensors each, with
// committed offsets and lags; other members own the odd ones when shared.
func twelvePartitions(c *clock, w, h int, shared, plotLine bool) Model {
	var stats []PartitionStat
	for p := range 12 {
		stats = append(stats, PartitionStat{Partition: p, Committed: int64(9000 + p), High: int64(9000 + 2*p), Behind: time.Second, BehindKnown: true})
	}
	group := twoMembersN(1, 12)
	if !shared {
		group = GroupMsg{Generation: 1, MemberID: "a", Owned: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
			Members: []Member{{ClientID: "kafkaplot-1", MemberID: "a", Partitions: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}}}
	}
	m := New(testOptions(c))
	if plotLine { // the header's third line: panes 20 cells wide, not 26
		m = update(m, PlotMsg{SeriesBy: "key", TimeBy: "timestamp", Schemas: []SchemaCount{{Label: "sensor v1", Records: 5760}}})
	}
	return update(m,
		PartitionsMsg{Count: 12},
		EventsMsg{Events: sensorEvents(24, 12, 240, testStart(), 500*time.Millisecond)},
		group,
		OffsetsMsg{Stats: stats},
		tea.WindowSizeMsg{Width: w, Height: h},
		FrameMsg{},
	)
}

// TestSmallTerminalGolden: 12 partitions at 80×24 (issue 21 item 8) leave
// each pane 26×5 cells, no room for axes or a legend. Each pane's title is
// compact and whole ("p3 · lag 3 · 480/s", the rate left out where it does
// not fit, never "committe…"), and
// its bottom border says what the chart is drawn over: the range of its
// values and its time axis' length, or its ends where there is room.
func TestSmallTerminalGolden(t *testing.T) {
	tests := []struct {
		name             string
		w, h             int
		shared, plotLine bool
		span             *regexp.Regexp // what each pane's bottom border says of time
	}{
		{"12 partitions at 80x24", 80, 24, false, false, regexp.MustCompile(` 2m `)},
		{"12 partitions at 80x24, half owned by another member", 80, 24, true, false, regexp.MustCompile(` 2m `)},
		{"12 partitions at 80x24 under a plot line", 80, 24, false, true, regexp.MustCompile(` 2m `)},
		{"12 partitions at 160x24", 160, 24, false, false, regexp.MustCompile(` 23:58:00–23:59:59 `)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := twelvePartitions(newClock(), tt.w, tt.h, tt.shared, tt.plotLine)
			view := m.View()
			checkFrame(t, view, tt.w, tt.h)
			if strings.Contains(view, "committe") {
				t.Errorf("a title still names the committed offset, cut:\n%s", view)
			}
			for p := range 12 {
				title, body := paneText(view, p)
				if title == "" {
					t.Fatalf("no pane p%d:\n%s", p, view)
				}
				lag := regexp.MustCompile(`p\d+ · lag ` + strconv.Itoa(p) + `( ·| [─━┄┅])`)
				if !lag.MatchString(title) {
					t.Errorf("p%d's title %q lacks its lag", p, title)
				}
				owned := !tt.shared || p%2 == 0
				if owned != !strings.Contains(title, "owned") {
					t.Errorf("p%d's title %q: owned here %v", p, title, owned)
				}
				if owned && strings.Contains(title, "…") {
					t.Errorf("p%d's title %q is cut: a compact title leaves out what does not fit whole", p, title)
				}
				bottom := paneBottomRow(view, title, len(body))
				if !regexp.MustCompile(`─ \d+\.\d–\d+\.\d `).MatchString(strings.NewReplacer("┄", "─", "━", "─").Replace(bottom)) || !tt.span.MatchString(bottom) {
					t.Errorf("p%d's bottom border %q lacks its value range and time span", p, bottom)
				}
			}
			golden.RequireEqual(t, []byte(view+"\n"))
		})
	}
}

// paneBottomRow returns the bottom border of the pane whose title row is
// title and whose body has n rows.
func paneBottomRow(view, title string, n int) string {
	rows := strings.Split(view, "\n")
	for r, row := range rows {
		i := strings.Index(row, title)
		if i < 0 || r+n+1 >= len(rows) {
			continue
		}
		col := len([]rune(row[:i]))
		below := []rune(rows[r+n+1])
		return string(below[col : col+len([]rune(title))])
	}
	return ""
}
