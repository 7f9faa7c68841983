package ui

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// waitFor waits until the program's output contains s.
func waitFor(t *testing.T, tm *teatest.TestModel, s string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// TestProgramGroupAndGenerator runs the dashboard as a program: data and a
// rebalance arrive, the generator is switched on and sped up through keys
// whose callbacks report back like main does, and q quits.
func TestProgramGroupAndGenerator(t *testing.T) {
	c := newClock()
	opts := testOptions(c)
	opts.FPS = 60
	reports := make(chan tea.Msg, 4)
	opts.SetGenerator = func(on bool) { reports <- GeneratorMsg{On: on, Rate: 2, Step: 42} }
	opts.SetRate = func(r float64) { reports <- GeneratorMsg{On: true, Rate: r, Step: 43} }
	tm := teatest.NewTestModel(t, New(opts), teatest.WithInitialTermSize(200, 50))
	done := make(chan struct{})
	defer close(done)
	go func() { // main's side: forward the generator's reports
		for {
			select {
			case msg := <-reports:
				tm.Send(msg)
			case <-done:
				return
			}
		}
	}()

	tm.Send(PartitionsMsg{Count: 2})
	tm.Send(EventsMsg{Events: sensorEvents(8, 2, 240, testStart(), 500*time.Millisecond)})
	tm.Send(twoMembers(1, 0, 1))
	waitFor(t, tm, "gen 1 · owns [0,1] · members 2")

	tm.Send(twoMembers(2, 1))
	waitFor(t, tm, "owned by kafkaplot-2")

	tm.Type("g")
	waitFor(t, tm, "generator on 2/s step 42")
	tm.Type("+")
	waitFor(t, tm, "generator on 5/s step 43")

	tm.Type("q")
	fm, ok := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	if !ok {
		t.Fatal("final model is not a Model")
	}
	if !fm.gen.on || fm.gen.rate != 5 || fm.gen.step != 43 {
		t.Errorf("generator = %+v, want on at 5/s step 43", fm.gen)
	}
	if fm.st.Events != 1920 {
		t.Errorf("events = %d, want 1920", fm.st.Events)
	}
	if g := fm.st.Group; g.Generation != 2 || len(g.Owned) != 1 || g.Owned[0] != 1 {
		t.Errorf("group = gen %d owns %v, want gen 2 owns [1]", g.Generation, g.Owned)
	}
}

// TestProgramViewKeys drives focus, zoom, help, pause and resizes through a
// running program and quits with ctrl+c.
func TestProgramViewKeys(t *testing.T) {
	c := newClock()
	opts := testOptions(c)
	opts.FPS = 60
	tm := teatest.NewTestModel(t, New(opts), teatest.WithInitialTermSize(200, 50))
	tm.Send(PartitionsMsg{Count: 2})
	tm.Send(EventsMsg{Events: sensorEvents(8, 2, 240, testStart(), 500*time.Millisecond)})
	waitFor(t, tm, "temperature [p1]")

	tm.Send(keyMsg("tab"))
	tm.Send(keyMsg("enter"))
	waitFor(t, tm, "p1 zoomed")
	tm.Send(keyMsg("?"))
	waitFor(t, tm, "kafkaplot keys")
	tm.Send(keyMsg("?"))
	tm.Send(keyMsg(" "))
	waitFor(t, tm, "PAUSED")
	tm.Send(tea.WindowSizeMsg{Width: 20, Height: 5})
	waitFor(t, tm, "need 40×10, have")
	tm.Send(tea.WindowSizeMsg{Width: 40, Height: 12})
	waitFor(t, tm, "┏━ p1 · 960/s")

	tm.Send(keyMsg("ctrl+c"))
	fm, ok := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	if !ok {
		t.Fatal("final model is not a Model")
	}
	if fm.focus != 1 || !fm.zoom || fm.showHelp || !fm.paused {
		t.Errorf("focus %d zoom %v help %v paused %v, want 1 true false true", fm.focus, fm.zoom, fm.showHelp, fm.paused)
	}
	if fm.width != 40 || fm.height != 12 {
		t.Errorf("size = %dx%d, want 40x12", fm.width, fm.height)
	}
}
