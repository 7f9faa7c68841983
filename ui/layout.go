package ui

import "math"

// This file arranges panes on the screen. It must not import bubbletea.

// Screen geometry.
const (
	minWidth     = 40  // narrowest usable terminal
	minHeight    = 10  // lowest usable terminal
	chromeHeight = 4   // header (2, 3 with the plot line) + group bar (1) + help line (1)
	minPaneW     = 20  // narrowest pane, borders included
	minPaneH     = 5   // lowest pane, borders included
	paneAspect   = 6.0 // preferred pane width/height in cells (cells are about twice as tall as wide)
)

// grid is an arrangement of panes: cols × rows per page.
type grid struct {
	cols, rows int
}

// perPage returns the number of panes a page shows.
func (g grid) perPage() int { return g.cols * g.rows }

// chooseGrid arranges n panes in a w×h area. Among the arrangements whose panes
// are at least minPaneW×minPaneH it picks the one with the pane shape closest
// to paneAspect. When none fits, panes get the minimum size and are shown a
// page at a time.
func chooseGrid(n, w, h int) grid {
	if n < 1 {
		n = 1
	}
	best, bestScore := grid{}, math.Inf(1)
	for c := 1; c <= n; c++ {
		r := (n + c - 1) / c
		pw, ph := w/c, h/r
		if pw < minPaneW || ph < minPaneH {
			continue
		}
		score := math.Abs(math.Log(float64(pw) / float64(ph) / paneAspect))
		if score < bestScore-1e-9 {
			best, bestScore = grid{cols: c, rows: r}, score
		}
	}
	if best.cols > 0 {
		return best
	}
	return grid{cols: max(1, min(n, w/minPaneW)), rows: max(1, h/minPaneH)}
}

// span returns the size of the i-th of k parts of total, the parts differing
// by at most one (larger parts first).
func span(total, k, i int) int {
	if k <= 0 {
		return 0
	}
	s := total / k
	if i < total%k {
		s++
	}
	return s
}
