package chart

import "math"

// This file arranges panes on the screen.

// Pane geometry.
const (
	minPaneW   = 20  // narrowest pane, borders included
	minPaneH   = 5   // lowest pane, borders included
	paneAspect = 6.0 // preferred pane width/height in cells (cells are about twice as tall as wide)
)

// Grid is an arrangement of panes: cols × rows per page.
type Grid struct {
	Cols, Rows int
}

// PerPage returns the number of panes a page shows.
func (g Grid) PerPage() int { return g.Cols * g.Rows }

// ChooseGrid arranges n panes in a w×h area. Among the arrangements whose panes
// are at least minPaneW×minPaneH it picks the one with the pane shape closest
// to paneAspect. When none fits, panes get the minimum size and are shown a
// page at a time.
func ChooseGrid(n, w, h int) Grid {
	if n < 1 {
		n = 1
	}
	best, bestScore := Grid{}, math.Inf(1)
	for c := 1; c <= n; c++ {
		r := (n + c - 1) / c
		pw, ph := w/c, h/r
		if pw < minPaneW || ph < minPaneH {
			continue
		}
		score := math.Abs(math.Log(float64(pw) / float64(ph) / paneAspect))
		if score < bestScore-1e-9 {
			best, bestScore = Grid{Cols: c, Rows: r}, score
		}
	}
	if best.Cols > 0 {
		return best
	}
	return Grid{Cols: max(1, min(n, w/minPaneW)), Rows: max(1, h/minPaneH)}
}

// Span returns the size of the i-th of k parts of total, the parts differing
// by at most one (larger parts first).
func Span(total, k, i int) int {
	if k <= 0 {
		return 0
	}
	s := total / k
	if i < total%k {
		s++
	}
	return s
}
