package ui

import (
	"slices"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// This file shows the past: a window ending at a time before now, read
// outside the group through Options.ReadRange into a store of its own,
// every partition of the topic drawn, owned or not, while live consumption
// goes on underneath. ← and → pan, [ and ] zoom, @ asks for a time, end
// goes back to live. Live, ] to a window longer than the panes hold reads
// the older records into them.

// pastView is a window of the past and what was read of it.
type pastView struct {
	end  time.Time // the window's end
	id   int       // the range request's id; RangeMsgs of other ids are stale
	st   *chart.Store
	read RangeMsg // the newest report, Events aside
}

// olderRead is the reading of the records of a longer live window than
// the live panes hold: [from, to), for the partitions this instance owns.
type olderRead struct {
	id int
	to time.Time
}

// readOlder asks for the records of the live window that are older than
// what the live panes hold (what the consumer's history filled them with
// and any read before), and returns the command, or nil when they hold the
// window already. The read overlaps what is held by a tenth of a window
// (at most a minute): the records in both are drawn once.
func (m *Model) readOlder() tea.Cmd {
	now := m.opts.Now()
	from := now.Add(-m.window)
	if m.older != nil { // cut short by this one: read its range again
		m.heldFrom, m.older = m.older.to, nil
	}
	if !m.canTravel() || !from.Before(m.heldFrom) {
		return nil
	}
	to := m.heldFrom.Add(min(m.window/10, time.Minute))
	m.rangeSeq++
	m.older = &olderRead{id: m.rangeSeq, to: m.heldFrom}
	m.heldFrom = from
	id, read := m.rangeSeq, m.opts.ReadRange
	return func() tea.Msg {
		read(id, from, to)
		return nil
	}
}

// readGrown is readOlder back live after ] made the window longer in a
// view of the past, else nothing.
func (m *Model) readGrown() tea.Cmd {
	if !m.grown {
		return nil
	}
	m.grown = false
	return m.readOlder()
}

// ownsOrAll reports whether partition p is drawn live: one this instance
// owns, or any before the group is known (or without a group).
func (m *Model) ownsOrAll(p int) bool {
	if !m.st.Group.Known {
		return true
	}
	_, ok := slices.BinarySearch(m.st.Group.Owned, p)
	return ok
}

// prompt is the @ key's question: the time typed so far and why the last
// one was refused.
type prompt struct {
	text string
	err  string
}

// windowSteps are the windows [ and ] step through.
func windowSteps() []time.Duration {
	return []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute, 15 * time.Minute,
		30 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour, 3 * 24 * time.Hour, 7 * 24 * time.Hour}
}

// viewStore returns the store the panes are drawn from: the past's while
// away from live.
func (m *Model) viewStore() *chart.Store {
	if m.past != nil {
		return m.past.st
	}
	return m.st
}

// canTravel reports whether past views can be read.
func (m *Model) canTravel() bool { return m.opts.ReadRange != nil }

// goTo shows the window ending at end, read anew, or live when end is not
// before now; it returns the command asking for the range (live, for the
// records of the window older than the live panes hold, if any).
func (m *Model) goTo(end time.Time) tea.Cmd {
	now := m.opts.Now()
	if !end.Before(now) || !m.canTravel() {
		m.past = nil
		return m.readGrown()
	}
	if m.older != nil { // cut short by this one: read again on the next ]
		m.heldFrom, m.older = m.older.to, nil
	}
	m.rangeSeq++
	st := chart.NewStore(m.opts.Capacity)
	st.SetFold(chart.FoldFor(int64(m.window), 2*m.foldColumns()))
	st.SetPartitions(m.st.Partitions())
	m.past = &pastView{end: end, id: m.rangeSeq, st: st}
	id, from, read := m.rangeSeq, end.Add(-m.window), m.opts.ReadRange
	return func() tea.Msg {
		read(id, from, end)
		return nil
	}
}

// pan moves the window by a fraction of it: -1/2, 1/2, -1, 1.
func (m *Model) pan(by float64) tea.Cmd {
	end := m.opts.Now()
	if m.past != nil {
		end = m.past.end
	}
	return m.goTo(end.Add(time.Duration(by * float64(m.window))))
}

// ingestRange takes a report of the past view's range read.
func (m *Model) ingestRange(msg RangeMsg) {
	if m.older != nil && msg.ID == m.older.id {
		part := chart.HistoryPart{Read: msg.Read, Total: msg.Total, Done: msg.Done, Slices: msg.Slices}
		m.st.IngestOlder(msg.Events, m.ownsOrAll, part, m.opts.Now().UnixNano())
		if msg.Done {
			m.older = nil
		}
		return
	}
	if m.past == nil || msg.ID != m.past.id {
		return
	}
	if msg.Partitions > 0 {
		m.past.st.SetPartitions(msg.Partitions)
	}
	if len(msg.Events) > 0 {
		m.past.st.IngestRead(msg.Events, m.opts.Now().UnixNano())
	}
	msg.Events = nil
	m.past.read = msg
}

// handlePrompt handles a key while @ asks for a time.
func (m Model) handlePrompt(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg.Type {
	case tea.KeyEsc, tea.KeyCtrlC:
		m.prompt = nil
	case tea.KeyEnter:
		if at, err := m.opts.ParseTime(m.prompt.text, m.opts.Now()); err != nil {
			m.prompt.err = err.Error()
		} else {
			m.prompt, cmd = nil, m.goTo(at) // a time not before now is live
		}
	case tea.KeyBackspace:
		if r := []rune(m.prompt.text); len(r) > 0 {
			m.prompt.text = string(r[:len(r)-1])
		}
		m.prompt.err = ""
	case tea.KeyRunes, tea.KeySpace:
		m.prompt.text += string(msg.Runes)
		m.prompt.err = ""
	default:
		return m, nil
	}
	m.render(true)
	return m, cmd
}

// addPrompt adds the @ question to l.
func (m *Model) addPrompt(l *chart.TextLine) {
	l.Add(inkTitle, "go to time: ")
	l.Add(inkValue, m.prompt.text+"▏")
	if m.prompt.err != "" {
		l.Add(inkMuted, "  ")
		l.Add(inkBad, m.prompt.err)
	} else {
		l.Add(inkMuted, "  -90m, 03:20 or RFC 3339 · enter: go · esc: cancel")
	}
}

// addPastRange adds what a past view shows to l: "03:20:00–03:50:00 ·
// 1h 5m ago · end: live", and how its reading goes.
func (m *Model) addPastRange(l *chart.TextLine, now time.Time) {
	p := m.past
	layout := "15:04:05"
	from := p.end.Add(-m.window)
	if m.window >= 24*time.Hour || now.Sub(p.end) >= 24*time.Hour {
		layout = "01-02 15:04"
	}
	loc := m.opts.Location
	l.Add(inkPaused, " "+from.In(loc).Format(layout)+"–"+p.end.In(loc).Format(layout)+" ")
	l.Add(inkMuted, " · ")
	l.Add(inkValue, formatAgo(now.Sub(p.end))+" ago")
	r := p.read
	switch {
	case r.Err != "":
		l.Add(inkMuted, " · ")
		l.Add(inkBad, r.Err)
	case !r.Done && r.Total > 0:
		l.Add(inkMuted, " · reading ")
		l.Add(inkValue, chart.ShortCount(r.Read)+" of "+chart.ShortCount(r.Total))
	case !r.Done:
		l.Add(inkMuted, " · reading…")
	case r.Total == 0 && !r.GoneBefore.IsZero():
		l.Add(inkMuted, " · ")
		l.Add(inkWarn, "gone (retention): the log starts "+r.GoneBefore.In(loc).Format(layout))
	case r.Total == 0:
		l.Add(inkMuted, " · ")
		l.Add(inkWarn, "no records in this range")
	case !r.GoneBefore.IsZero():
		l.Add(inkMuted, " · ")
		l.Add(inkWarn, "before "+r.GoneBefore.In(loc).Format(layout)+" gone (retention)")
	}
	if r.Slices != "" {
		l.Add(inkMuted, " · ")
		l.Add(inkWarn, "read "+r.Slices)
	}
	if r.Undecoded > 0 {
		l.Add(inkMuted, " · ")
		l.Add(inkBad, chart.GroupDigits(r.Undecoded)+" not decoded")
	}
	l.Add(inkMuted, " · end: live")
}

// formatAgo formats a duration as "1h 5m", "3d 2h", "45s".
func formatAgo(d time.Duration) string {
	d = d.Round(time.Second)
	days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	mins, secs := int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	var parts []string
	add := func(n int, unit string) {
		if n > 0 && len(parts) < 2 {
			parts = append(parts, strconv.Itoa(n)+unit)
		}
	}
	add(days, "d")
	add(hours, "h")
	add(mins, "m")
	if days == 0 && hours == 0 {
		add(secs, "s")
	}
	if len(parts) == 0 {
		return "0s"
	}
	return strings.Join(parts, " ")
}
