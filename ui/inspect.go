package ui

import (
	"math"
	"time"
)

// SeriesTimes returns, for each line of partition p's pane (named series or
// series.field), the times of the points it holds, oldest first: what its
// chart is drawn from. It is for tests and tools that check what was kept.
func (m Model) SeriesTimes(p int) map[string][]time.Time {
	d := m.st.PaneIfAny(p)
	if d == nil {
		return nil
	}
	out := make(map[string][]time.Time, len(d.Series))
	for name, sr := range d.Series {
		times := make([]time.Time, 0, sr.Len())
		for i := range sr.Len() {
			if pt := sr.At(i); !math.IsNaN(pt.V) { // NaN marks a gap, not a point
				times = append(times, time.Unix(0, pt.T))
			}
		}
		out[name] = times
	}
	return out
}
