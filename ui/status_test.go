package ui

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// paneText returns the title row and the body rows (inside the border) of
// partition p's pane in an unstyled frame, found by its title, full
// ([p3]) or compact (p3).
func paneText(view string, p int) (title string, body []string) {
	rows := strings.Split(view, "\n")
	n := strconv.Itoa(p)
	tags := []string{"[p" + n + "]", "─ p" + n + " ", "━ p" + n + " ", "┄ p" + n + " ", "┅ p" + n + " "} // full and compact titles
	for r, row := range rows {
		i := -1
		for _, tag := range tags {
			if i = strings.Index(row, tag); i >= 0 {
				break
			}
		}
		if i < 0 {
			continue
		}
		rs := []rune(row)
		at := len([]rune(row[:i]))
		c0 := at
		for c0 > 0 && !strings.ContainsRune("╭┏", rs[c0]) {
			c0--
		}
		c1 := at
		for c1 < len(rs)-1 && !strings.ContainsRune("╮┓", rs[c1]) {
			c1++
		}
		for _, below := range rows[r+1:] {
			brs := []rune(below)
			if len(brs) <= c1 || strings.ContainsRune("╰┗", brs[c0]) {
				break
			}
			body = append(body, string(brs[c0+1:c1]))
		}
		return string(rs[c0 : c1+1]), body
	}
	return "", nil
}

// flat joins rows into one line of words.
func flat(rows []string) string { return strings.Join(strings.Fields(strings.Join(rows, " ")), " ") }

// TestPaneStatusShownInItsPane checks that a partition's condition (a
// registry outage pausing it) is said in full in that pane's body, wrapped,
// at any width, never in its title or another pane, and goes away when it
// clears.
func TestPaneStatusShownInItsPane(t *testing.T) {
	const why = "paused at offset 7: schema registry unavailable (dial tcp 127.0.0.1:18081: connect: connection refused); retrying every 2s"
	for _, size := range [][2]int{{40, 24}, {60, 30}, {80, 24}, {120, 40}, {200, 50}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			c := &clock{now: testStart()}
			m := update(New(testOptions(c)),
				tea.WindowSizeMsg{Width: size[0], Height: size[1]},
				PartitionsMsg{Count: 2},
				EventsMsg{Events: sensorEvents(8, 2, 10, testStart().Add(-5*time.Second), 500*time.Millisecond)},
				StatusMsg{Panes: map[int]string{1: why}},
				FrameMsg{},
			)
			t0, b0 := paneText(m.View(), 0)
			t1, b1 := paneText(m.View(), 1)
			if !strings.Contains(flat(b1), why) {
				t.Errorf("pane 1's body does not say why in full:\n%s", strings.Join(b1, "\n"))
			}
			if strings.Contains(t1, "paused") || strings.Contains(t0, "paused") || strings.Contains(flat(b0), "paused") {
				t.Errorf("the status is in a title or pane 0:\n%s", m.View())
			}
			m = update(m, StatusMsg{}, FrameMsg{})
			if strings.Contains(m.View(), "paused at offset") {
				t.Error("the status stayed after it cleared")
			}
		})
	}
}

// TestRegistryDownGolden shows a registry outage at 80×24 and 200×50: the
// header names the registry, and each paused pane says why in its body.
func TestRegistryDownGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			c := &clock{now: testStart().Add(30 * time.Second)}
			m := update(New(testOptions(c)),
				tea.WindowSizeMsg{Width: size[0], Height: size[1]},
				PartitionsMsg{Count: 2},
				twoMembers(1, 0, 1),
				EventsMsg{Events: sensorEvents(8, 2, 60, testStart(), 500*time.Millisecond)},
				StatusMsg{Registry: "connection refused", Panes: map[int]string{
					0: "paused at offset 240: schema registry unavailable (connection refused)",
					1: "paused at offset 238: schema registry unavailable (connection refused)",
				}},
				FrameMsg{},
			)
			view := m.View()
			if header := strings.Split(view, "\n")[0]; !strings.Contains(header, "● broker · ✗ registry: connection refused") {
				t.Errorf("header %q does not name the registry", header)
			}
			for p := range 2 {
				if _, body := paneText(view, p); !strings.Contains(flat(body), "schema registry unavailable (connection refused)") {
					t.Errorf("pane %d does not say why it is paused:\n%s", p, strings.Join(body, "\n"))
				}
			}
			checkFrame(t, view, size[0], size[1])
			golden.RequireEqual(t, []byte(view))
		})
	}
}

// TestPaneOfAnotherMember checks that an empty pane of a partition another
// member reads says who reads it, not that it waits for data.
func TestPaneOfAnotherMember(t *testing.T) {
	c := &clock{now: testStart()}
	m := update(New(testOptions(c)),
		tea.WindowSizeMsg{Width: 120, Height: 30},
		PartitionsMsg{Count: 2},
		twoMembers(1, 0),
		EventsMsg{Events: sensorEvents(4, 1, 10, testStart().Add(-5*time.Second), 500*time.Millisecond)},
		FrameMsg{},
	)
	_, body := paneText(m.View(), 1)
	if got := flat(body); !strings.Contains(got, "read by kafkaplot-2, another member of the group, not by this instance") || strings.Contains(got, "waiting") {
		t.Errorf("pane 1 body = %q, want it to name its reader", got)
	}
	_, body = paneText(m.View(), 0)
	if strings.Contains(flat(body), "read by") {
		t.Errorf("pane 0 (ours) says it is read elsewhere: %q", flat(body))
	}
}

// TestHeaderNamesBrokerAndRegistry checks that the header shows the broker
// and the registry separately once either has a problem, and "● connected"
// while both are well.
func TestHeaderNamesBrokerAndRegistry(t *testing.T) {
	tests := []struct {
		name    string
		status  StatusMsg
		want    string
		notWant string
	}{
		{"healthy", StatusMsg{}, "● connected", "registry"},
		{"registry down", StatusMsg{Registry: "connection refused"}, "● broker · ✗ registry: connection refused", "● connected"},
		{"broker down", StatusMsg{Broker: "reconnecting…"}, "✗ broker: reconnecting… · ● registry", "● connected"},
		{"other condition", StatusMsg{Text: "3 records without a numeric value to plot"}, "◌ 3 records without a numeric value to plot", "broker"},
		{"both and more", StatusMsg{Broker: "reconnecting…", Registry: "timeout", Text: "x"}, "✗ broker: reconnecting… · ✗ registry: timeout · ◌ x", "● connected"},
	}
	for _, tt := range tests {
		for _, w := range []int{80, 200} { // at 80 the state stays whole, the rest is cut
			t.Run(fmt.Sprintf("%s at %d", tt.name, w), func(t *testing.T) {
				c := &clock{now: testStart()}
				m := update(New(testOptions(c)), tea.WindowSizeMsg{Width: w, Height: 24}, tt.status, FrameMsg{})
				header := strings.Split(m.View(), "\n")[0]
				if !strings.Contains(header, tt.want) {
					t.Errorf("header %q lacks %q", header, tt.want)
				}
				if strings.Contains(header, tt.notWant) {
					t.Errorf("header %q has %q", header, tt.notWant)
				}
			})
		}
	}
}

// TestHeaderSaysJoinedEmbedded checks that a dashboard that joined an
// embedded cluster another process started says so, and one that did not
// does not.
func TestHeaderSaysJoinedEmbedded(t *testing.T) {
	for _, joined := range []bool{true, false} {
		c := &clock{now: testStart()}
		o := testOptions(c)
		o.Cluster, o.JoinedEmbedded = "127.0.0.1:19092", joined
		m := update(New(o), tea.WindowSizeMsg{Width: 160, Height: 24}, FrameMsg{})
		header := strings.Split(m.View(), "\n")[0]
		if got := strings.Contains(header, "joined embedded cluster on 127.0.0.1:19092"); got != joined {
			t.Errorf("JoinedEmbedded %v: header %q", joined, header)
		}
		if !strings.Contains(header, "● connected") {
			t.Errorf("header %q lacks the connection state", header)
		}
	}
}

// TestHeaderStepFollowsGenerator checks that the header's step follows
// GeneratorMsg as it arrives, without a key press.
func TestHeaderStepFollowsGenerator(t *testing.T) {
	c := &clock{now: testStart()}
	m := update(New(testOptions(c)), tea.WindowSizeMsg{Width: 120, Height: 24}, FrameMsg{})
	for _, step := range []int{3, 17, 1234} {
		m = update(m, GeneratorMsg{On: true, Rate: 2, Step: step}, FrameMsg{})
		line := strings.Split(m.View(), "\n")[1]
		if want := "generator on 2/s step " + chart.GroupDigits(int64(step)); !strings.Contains(line, want) {
			t.Errorf("header line %q lacks %q", line, want)
		}
	}
}

// TestWrapText checks how notes wrap: at spaces, no line starting or
// ending with one, a word longer than the width broken inside.
func TestWrapText(t *testing.T) {
	tests := []struct {
		s    string
		w    int
		want []string
	}{
		{"registry unavailable", 40, []string{"registry unavailable"}},
		{"paused at offset 0: connection refused", 16, []string{"paused at offset", "0: connection", "refused"}},
		{"dial tcp 127.0.0.1:18081", 8, []string{"dial tcp", "127.0.0.", "1:18081"}},
	}
	for _, tt := range tests {
		got := wrapText(tt.s, tt.w)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrapText(%q, %d) = %q, want %q", tt.s, tt.w, got, tt.want)
		}
	}
}
