package chart

import "github.com/NimbleMarkets/ntcharts/canvas/runes"

// This file rasterises lines into braille cells.

// raster is a grid of w×h braille cells, that is 2w×4h dots, with one ink per
// cell (the last series drawn into a cell colours it). Pixel coordinates have
// their origin at the top left.
type raster struct {
	w, h int
	dots []uint8
	inks []InkID
}

// reset clears the raster and sizes it to w×h cells, reusing its memory.
func (r *raster) reset(w, h int) {
	if w < 0 {
		w = 0
	}
	if h < 0 {
		h = 0
	}
	r.w, r.h = w, h
	n := w * h
	if cap(r.dots) < n {
		r.dots = make([]uint8, n)
		r.inks = make([]InkID, n)
	}
	r.dots = r.dots[:n]
	r.inks = r.inks[:n]
	clear(r.dots)
	clear(r.inks)
}

// pixels returns the raster's size in dots.
func (r *raster) pixels() (int, int) { return 2 * r.w, 4 * r.h }

// set lights the dot at pixel (x, y) in ink id; dots outside are ignored.
func (r *raster) set(x, y int, id InkID) {
	if x < 0 || y < 0 || x >= 2*r.w || y >= 4*r.h {
		return
	}
	var bit uint8
	dy := y & 3
	if dy == 3 {
		bit = 0x40
	} else {
		bit = 1 << dy
	}
	if x&1 == 1 {
		if dy == 3 {
			bit = 0x80
		} else {
			bit <<= 3
		}
	}
	i := (y>>2)*r.w + x>>1
	r.dots[i] |= bit
	r.inks[i] = id
}

// clip cuts the segment (x0,y0)-(x1,y1) to the rectangle [0,xmax]×[0,ymax]
// (Liang–Barsky) and reports whether anything is left.
func clip(x0, y0, x1, y1, xmax, ymax float64) (float64, float64, float64, float64, bool) {
	t0, t1 := 0.0, 1.0
	dx, dy := x1-x0, y1-y0
	edges := [4][2]float64{{-dx, x0}, {dx, xmax - x0}, {-dy, y0}, {dy, ymax - y0}}
	for _, e := range edges {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return 0, 0, 0, 0, false
			}
			continue
		}
		t := q / p
		if p < 0 {
			if t > t1 {
				return 0, 0, 0, 0, false
			}
			if t > t0 {
				t0 = t
			}
		} else {
			if t < t0 {
				return 0, 0, 0, 0, false
			}
			if t < t1 {
				t1 = t
			}
		}
	}
	return x0 + t0*dx, y0 + t0*dy, x0 + t1*dx, y0 + t1*dy, true
}

// round rounds half away from zero to int (inputs are already clipped).
func round(f float64) int {
	if f < 0 {
		return int(f - 0.5)
	}
	return int(f + 0.5)
}

// line draws a segment between pixel positions in ink id. With period > 1
// only every period-th dot is lit, counted by *k across calls, which makes a
// dotted line.
func (r *raster) line(x0, y0, x1, y1 float64, id InkID, period int, k *int) {
	pw, ph := r.pixels()
	if pw == 0 || ph == 0 {
		return
	}
	xmax, ymax := float64(pw-1), float64(ph-1)
	cx0, cy0, cx1, cy1 := x0, y0, x1, y1
	if x0 < 0 || x1 < 0 || y0 < 0 || y1 < 0 || x0 > xmax || x1 > xmax || y0 > ymax || y1 > ymax {
		var ok bool
		if cx0, cy0, cx1, cy1, ok = clip(x0, y0, x1, y1, xmax, ymax); !ok {
			return
		}
	}
	ax, ay, bx, by := round(cx0), round(cy0), round(cx1), round(cy1)
	dx, dy := bx-ax, by-ay
	sx, sy := 1, 1
	if dx < 0 {
		dx, sx = -dx, -1
	}
	if dy < 0 {
		dy, sy = -dy, -1
	}
	err := dx - dy
	for {
		if period <= 1 || *k%period == 0 {
			r.set(ax, ay, id)
		}
		*k++
		if ax == bx && ay == by {
			return
		}
		e2 := 2 * err
		if e2 > -dy {
			err -= dy
			ax += sx
		}
		if e2 < dx {
			err += dx
			ay += sy
		}
	}
}

// writeRow writes cell row y to w: braille runes in their inks, blanks as spaces.
func (r *raster) writeRow(w *inkWriter, y int) {
	row := r.dots[y*r.w : (y+1)*r.w]
	inks := r.inks[y*r.w : (y+1)*r.w]
	blank := 0
	for x, d := range row {
		if d == 0 {
			blank++
			continue
		}
		w.spaces(blank)
		blank = 0
		w.rune(inks[x], rune(runes.BrailleBlockOffset)+rune(d))
	}
	w.spaces(blank)
}
