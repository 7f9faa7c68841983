package ui

import (
	"math"
	"time"
)

// SeriesTimes returns, for each line of partition p's pane (named series or
// series.field), the times of the points it holds, oldest first: what its
// chart is drawn from. It is for tests and tools that check what was kept.
func (m Model) SeriesTimes(p int) map[string][]time.Time {
	d := m.st.paneIfAny(p)
	if d == nil {
		return nil
	}
	out := make(map[string][]time.Time, len(d.series))
	for name, sr := range d.series {
		times := make([]time.Time, 0, sr.len())
		for i := range sr.len() {
			if pt := sr.at(i); !math.IsNaN(pt.v) { // NaN marks a gap, not a point
				times = append(times, time.Unix(0, pt.t))
			}
		}
		out[name] = times
	}
	return out
}
