package dashboard

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/ui"
)

// TestStepReporter checks that a running generator reports its step to the
// UI as it goes (the first step at once, then at most once per interval),
// so that the header's step follows it without a key press.
func TestStepReporter(t *testing.T) {
	var got []ui.GeneratorMsg
	r := &stepReporter{send: func(m tea.Msg) { got = append(got, m.(ui.GeneratorMsg)) }, rate: 5, every: 250 * time.Millisecond}
	start := time.Unix(1700000000, 0)
	for i, at := range []time.Duration{0, 100, 200, 250, 300, 600, 1000} {
		r.step(i+1, start.Add(at*time.Millisecond))
	}
	want := []int{1, 4, 6, 7} // at 0, 250, 600 and 1000 ms
	if len(got) != len(want) {
		t.Fatalf("%d reports %+v, want steps %v", len(got), got, want)
	}
	for i, m := range got {
		if m.Step != want[i] || !m.On || m.Rate != 5 {
			t.Errorf("report %d = %+v, want step %d, on, rate 5", i, m, want[i])
		}
	}
	(&stepReporter{every: time.Second}).step(1, start) // no UI: nothing to send, no panic
}
