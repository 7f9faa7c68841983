package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// TestSnapshotKey checks that s hands Options.Snapshot what the panes show
// (store, range, window, live, field), writes in a command and says on the
// header where the picture went or why not; a later s supersedes a report
// still on its way.
func TestSnapshotKey(t *testing.T) {
	c := &clock{now: time.Date(2026, 12, 6, 5, 40, 0, 0, time.UTC)}
	var got []Snapshot
	results := []error{nil, errors.New("open /ro/x.png: read-only file system")}
	opts := testOptions(c)
	opts.Window = 3 * time.Hour
	opts.Snapshot = func(s Snapshot) func() (string, error) {
		got = append(got, s)
		n := len(got)
		if s.Store.Events == 0 {
			t.Error("the store handed over is empty")
		}
		return func() (string, error) {
			return "saved kafkaplot-temperature.png and .svg", results[(n-1)%len(results)]
		}
	}
	m := update(New(opts), tea.WindowSizeMsg{Width: 120, Height: 30},
		EventsMsg{Events: sensorEvents(8, 2, 60, c.now.Add(-time.Minute), time.Second)})
	newest := c.now.Add(-time.Second)

	nm, cmd := m.Update(keyMsg("s"))
	m = nm.(Model)
	if len(got) != 1 || cmd == nil {
		t.Fatalf("s: %d snapshots asked, command %v", len(got), cmd)
	}
	// The lines are a minute old: the picture spans what the panes do until
	// they hold a window, a tenth of it (at least) back to the oldest point.
	if s := got[0]; !s.To.Equal(newest) || !s.From.Equal(newest.Add(-18*time.Minute)) || s.Window != 3*time.Hour || !s.Live || s.Field != "" {
		t.Errorf("snapshot %+v, want 18 minutes live up to %v", s, newest)
	}
	if !strings.Contains(m.View(), "saving picture…") {
		t.Errorf("no 'saving picture…' in:\n%s", m.View())
	}
	m = update(m, cmd(), FrameMsg{})
	if !strings.Contains(m.View(), "saved kafkaplot-temperature.png and .svg") {
		t.Errorf("the header does not say where the picture went:\n%s", m.View())
	}

	// Paused: the frozen window, not live; the failure is shown.
	m = update(m, keyMsg(" "))
	nm, cmd = m.Update(keyMsg("s"))
	m = nm.(Model)
	if s := got[1]; s.Live || !s.To.Equal(newest) {
		t.Errorf("paused snapshot %+v, want the frozen window", s)
	}
	m = update(m, cmd(), FrameMsg{})
	if !strings.Contains(m.View(), "picture not saved: open /ro/x.png: read-only file system") {
		t.Errorf("the header does not say why the picture was not saved:\n%s", m.View())
	}

	// A report of an older snapshot does not overwrite a newer one's.
	nm, first := m.Update(keyMsg("s"))
	nm, _ = nm.(Model).Update(keyMsg("s"))
	m = update(nm.(Model), first(), FrameMsg{})
	if !strings.Contains(m.View(), "saving picture…") {
		t.Errorf("a stale report replaced the newest snapshot's state:\n%s", m.View())
	}
}

func TestSnapshotKeyDisabled(t *testing.T) {
	c := &clock{now: time.Date(2026, 12, 6, 5, 40, 0, 0, time.UTC)}
	m := update(New(testOptions(c)), tea.WindowSizeMsg{Width: 120, Height: 30})
	if _, cmd := m.Update(keyMsg("s")); cmd != nil {
		t.Error("s without Options.Snapshot returned a command")
	}
	m = update(m, keyMsg("?"))
	if strings.Contains(m.View(), "save picture") {
		t.Errorf("the help offers s without Options.Snapshot:\n%s", m.View())
	}
}
