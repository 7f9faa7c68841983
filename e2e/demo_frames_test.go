package e2e

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"io"
	"testing"
	"time"
)

// The GIF's content is checked by what it draws where, with no text
// recognition: the braille dots of the charts, told from text and borders
// by their size (a dot is at most 3×3 pixels; a glyph or a border dash is
// larger once its pixels are joined), and from each other by colour (a
// series in its colour, a pane the instance does not own in grey). The
// demo's layout places them: one instance fills the window, its panes p0
// above p1; after the split (tmux's `"`: top and bottom halves) the first
// instance is the top half and the second the bottom, so the window's four
// quarters hold, from the top, the first instance's p0 and p1 and the
// second's p0 and p1.

// quarterDots counts the chart dots in one horizontal quarter of a frame.
type quarterDots struct {
	colour, grey int
}

func (q quarterDots) String() string { return fmt.Sprintf("%d coloured, %d grey", q.colour, q.grey) }

// gifFrames decodes a GIF and returns the frame shown at each of the given
// times (composed over the frames before it), in order of at.
func gifFrames(r io.Reader, at []time.Duration) ([]*image.RGBA, error) {
	g, err := gif.DecodeAll(r)
	if err != nil {
		return nil, err
	}
	canvas := image.NewRGBA(image.Rect(0, 0, g.Config.Width, g.Config.Height))
	var frames []*image.RGBA
	var start time.Duration
	for i, frame := range g.Image {
		if g.Disposal[i] == gif.DisposalBackground && i > 0 {
			draw.Draw(canvas, g.Image[i-1].Bounds(), image.Transparent, image.Point{}, draw.Src)
		}
		over(canvas, frame)
		end := start + time.Duration(g.Delay[i])*10*time.Millisecond
		for len(frames) < len(at) && (at[len(frames)] < end || i == len(g.Image)-1) {
			frames = append(frames, image.NewRGBA(canvas.Bounds()))
			copy(frames[len(frames)-1].Pix, canvas.Pix)
		}
		start = end
	}
	return frames, nil
}

// over draws a GIF frame over the canvas: its opaque pixels replace the
// canvas's (draw.Draw does the same, many times slower under the race
// detector).
func over(canvas *image.RGBA, frame *image.Paletted) {
	palette := make([][4]uint8, len(frame.Palette))
	for i, c := range frame.Palette {
		r, g, b, a := c.RGBA()
		palette[i] = [4]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
	}
	r := frame.Bounds().Intersect(canvas.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		src := frame.Pix[frame.PixOffset(r.Min.X, y):]
		dst := canvas.Pix[canvas.PixOffset(r.Min.X, y):]
		for x := range r.Dx() {
			if c := palette[src[x]]; c[3] == 0xff {
				copy(dst[4*x:4*x+4], c[:])
			}
		}
	}
}

// frameDots are a frame's chart dots by quarter, from the top.
type frameDots [4]quarterDots

func (f frameDots) String() string {
	return fmt.Sprintf("%v; %v; %v; %v", f[0], f[1], f[2], f[3])
}

// chartDots counts the chart dots of a frame in each horizontal quarter.
func chartDots(img *image.RGBA) frameDots {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	pixel := func(i int) []uint8 { // the RGBA of pixel i (row-major from the top left)
		o := img.PixOffset(b.Min.X+i%w, b.Min.Y+i/w)
		return img.Pix[o : o+4 : o+4]
	}
	// Brightness of every pixel; ink is clearly brighter than the background.
	lum := make([]int32, w*h)
	for i := range lum {
		p := pixel(i)
		lum[i] = (299*int32(p[0]) + 587*int32(p[1]) + 114*int32(p[2])) / 1000
	}
	bg := commonest(img)
	bgLum := (299*int32(bg.R) + 587*int32(bg.G) + 114*int32(bg.B)) / 1000
	var quarters frameDots
	seen := make([]bool, w*h)
	var stack []int
	for start := range lum {
		if seen[start] || lum[start]-bgLum <= 40 {
			continue
		}
		// The ink pixels joined to start side by side (dots touching at a
		// corner stay apart), their box and the brightest of them.
		seen[start] = true
		stack = append(stack[:0], start)
		x0, y0, x1, y1, brightest := w, h, -1, -1, start
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := p%w, p/w
			x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			if lum[p] > lum[brightest] {
				brightest = p
			}
			for _, n := range [4]int{p - 1, p + 1, p - w, p + w} {
				if n >= 0 && n < len(lum) && (n/w == y || n%w == x) && !seen[n] && lum[n]-bgLum > 40 {
					seen[n] = true
					stack = append(stack, n)
				}
			}
		}
		if x1-x0 > 2 || y1-y0 > 2 {
			continue // text, a border, a legend bullet
		}
		q := &quarters[min(3, (y0+y1)/2*4/h)]
		if c := pixel(brightest); int(max(c[0], c[1], c[2]))-int(min(c[0], c[1], c[2])) >= 40 {
			q.colour++
		} else {
			q.grey++
		}
	}
	return quarters
}

// commonest returns a frame's most common colour (its background),
// sampling every third pixel.
func commonest(img *image.RGBA) color.RGBA {
	counts := map[color.RGBA]int{}
	var best color.RGBA
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			c := img.RGBAAt(x, y)
			counts[c]++
			if counts[c] > counts[best] {
				best = c
			}
		}
	}
	return best
}

// checkDemoScenes checks the frames at demo.tape's three holds, a second
// before each ends (in the GIF's time: the tape's, scaled to what the GIF
// lasts): the first instance alone charting both partitions (every quarter
// coloured); after the split both instances charting the partition each
// owns (the first's p0 and the second's p1 coloured), the first's p1
// dimmed (grey lines only) and the second's p0 not drawn (no line); after
// the second quits the first charting both partitions again (every
// quarter coloured, where the second's undrawn p0 was too).
func checkDemoScenes(t *testing.T, gifData io.Reader, plan tapePlan, lasts time.Duration) {
	t.Helper()
	if len(plan.holds) != 3 {
		t.Fatalf("demo.tape holds %d scenes (shown Sleeps of %s or more), want 3: the first instance alone, the split, the takeback", len(plan.holds), longHold)
	}
	scale := lasts.Seconds() / plan.shown.Seconds()
	at := make([]time.Duration, len(plan.holds))
	for i, end := range plan.holds {
		at[i] = time.Duration(float64(end-time.Second) * scale)
	}
	frames, err := gifFrames(gifData, at)
	if err != nil {
		t.Fatalf("docs/demo.gif: %v", err)
	}
	// At least this many dots make a quarter charted; at most this many
	// coloured ones leave it uncharted.
	const charted, stray = 30, 5
	// grey dots of a dimmed pane's lines (the text of a quarter without a
	// chart makes fewer than 200).
	const dimmed = 300
	type want struct {
		what string
		ok   func(quarterDots) bool
	}
	colour := want{"charted in colour", func(q quarterDots) bool { return q.colour >= charted }}
	scenes := []struct {
		name     string
		quarters [4]want
	}{
		{"the first instance alone", [4]want{colour, colour, colour, colour}},
		{"the split", [4]want{
			colour,
			{"dimmed: grey lines, no colour", func(q quarterDots) bool { return q.colour <= stray && q.grey >= dimmed }},
			{"not charted", func(q quarterDots) bool { return q.colour <= stray && q.grey < dimmed }},
			colour,
		}},
		{"the takeback", [4]want{colour, colour, colour, colour}},
	}
	for i, scene := range scenes {
		dots := chartDots(frames[i])
		for q, w := range scene.quarters {
			if !w.ok(dots[q]) {
				t.Errorf("docs/demo.gif at %s (%s): quarter %d of 4 from the top has %s, want it %s; all quarters: %v",
					at[i].Round(100*time.Millisecond), scene.name, q+1, dots[q], w.what, dots)
			}
		}
		t.Logf("%s at %s: %v", scene.name, at[i].Round(100*time.Millisecond), dots)
	}
}

func TestChartDots(t *testing.T) {
	bg := color.RGBA{23, 23, 23, 255}
	pink, grey := color.RGBA{230, 90, 140, 255}, color.RGBA{120, 120, 120, 255}
	fill := func(img *image.RGBA, x, y, w, h int, c color.RGBA) {
		draw.Draw(img, image.Rect(x, y, x+w, y+h), image.NewUniform(c), image.Point{}, draw.Src)
	}
	tests := []struct {
		name string
		draw func(img *image.RGBA)
		want frameDots
	}{
		{"empty", func(*image.RGBA) {}, frameDots{}},
		{"coloured dots, apart or touching at a corner", func(img *image.RGBA) {
			fill(img, 10, 10, 2, 2, pink)
			fill(img, 12, 12, 2, 2, pink) // corner to corner with the first
			fill(img, 20, 10, 3, 3, pink)
		}, frameDots{{colour: 3}}},
		{"grey dots by quarter", func(img *image.RGBA) {
			fill(img, 10, 30, 2, 2, grey)
			fill(img, 10, 70, 2, 2, grey)
			fill(img, 10, 75, 2, 2, grey)
		}, frameDots{{}, {grey: 1}, {}, {grey: 2}}},
		{"a glyph and a border are not dots", func(img *image.RGBA) {
			fill(img, 10, 10, 4, 7, pink)
			fill(img, 0, 50, 80, 1, grey)
			fill(img, 30, 30, 2, 4, grey)
		}, frameDots{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := image.NewRGBA(image.Rect(0, 0, 80, 80))
			fill(img, 0, 0, 80, 80, bg)
			tt.draw(img)
			if got := chartDots(img); got != tt.want {
				t.Errorf("chartDots = %v, want %v", got, tt.want)
			}
		})
	}
}
