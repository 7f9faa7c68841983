package ui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// This file saves the view as a picture: the s key hands what the panes
// show to Options.Snapshot, which reads the store at once and returns the
// slow part (drawing and writing files), run in a command; the header's
// status says where the picture went or why it did not.

// Snapshot is what the s key asks to save: the store the panes are drawn
// from and what of it they show.
type Snapshot struct {
	// Store is read during the Options.Snapshot call only.
	Store *chart.Store
	// From and To are the panes' time range.
	From, To time.Time
	// Window is the window shown.
	Window time.Duration
	// Live says the window follows the newest records (not paused, not a
	// view of the past).
	Live bool
	// Field is the one field shown (the f key), "" for all.
	Field string
}

// snapshotDone reports the end of a snapshot's writing.
type snapshotDone struct {
	seq  int
	text string
	err  error
}

// snapshotState is what the header says of the last snapshot.
type snapshotState struct {
	seq  int    // the newest snapshot asked for
	text string // "saving picture…", then where it went
	err  string // why it failed
}

// snapshot asks Options.Snapshot for a picture of what the panes show and
// returns the command that writes it.
func (m *Model) snapshot() tea.Cmd {
	end, live, fixed := m.snapshotEnd()
	st := m.viewStore()
	from := end.Add(-m.window)
	if !fixed {
		// Young lines use the whole width, as the panes draw them.
		var lines []*chart.Series
		for _, d := range st.Panes {
			if d != nil {
				lines = append(lines, d.Order...)
			}
		}
		from = time.Unix(0, windowStart(lines, end.UnixNano(), m.window))
	}
	m.shot.seq++
	m.shot.text, m.shot.err = "saving picture…", ""
	write := m.opts.Snapshot(Snapshot{Store: st, From: from, To: end, Window: m.window, Live: live, Field: m.field})
	seq := m.shot.seq
	return func() tea.Msg {
		text, err := write()
		return snapshotDone{seq: seq, text: text, err: err}
	}
}

// snapshotEnd returns the end of the window the panes show, whether it
// follows the newest records, and whether its start is fixed (else it
// starts at the oldest point when the lines are younger than the window):
// a past view's end, the end frozen by a pause, else the newest record's
// time, or now once that is older than the window (as the panes draw it).
func (m *Model) snapshotEnd() (end time.Time, live, fixed bool) {
	switch {
	case m.past != nil:
		return m.past.end, false, true
	case m.paused:
		return time.Unix(0, m.frozenEnd), false, false
	}
	now := m.opts.Now()
	if newest := time.Unix(0, m.st.Newest); m.st.Newest != 0 && !newest.Before(now.Add(-m.window)) {
		return newest, true, false
	}
	return now, true, true
}

// addSnapshot adds the last snapshot's state to l.
func (m *Model) addSnapshot(l *chart.TextLine, sep string) {
	switch {
	case m.shot.err != "":
		l.Add(inkMuted, sep)
		l.Add(inkBad, "picture not saved: "+m.shot.err)
	case m.shot.text != "":
		l.Add(inkMuted, sep)
		l.Add(inkGood, m.shot.text)
	}
}
