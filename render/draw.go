package render

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The picture's colours: a dark ground like the dashboard's terminal, on
// which its palette was chosen.
const (
	ground  = 0x1B1D23
	ink     = 0xD8DCE4
	muted   = 0x8A909C
	axisInk = 0x6B7280
	gridInk = 0x2E323B
	warnInk = 0xFFB74D // the dashboard's Warn
)

// rgb returns the opaque colour 0xRRGGBB.
func rgb(c uint32) color.RGBA {
	return color.RGBA{R: uint8(c >> 16), G: uint8(c >> 8), B: uint8(c), A: 0xFF}
}

// sans is the text's typeface. Text is never bold: gonum's PDF canvas
// registers every face under the regular style and then fails to find the
// bold one.
func sans(size vg.Length) font.Font {
	return font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
}

// Sizes, in points.
const (
	margin    = vg.Length(12)
	lineWidth = vg.Length(1.25)
	rowHeight = vg.Length(14)
)

// style returns the style of text of size in colour c, hanging from the
// point it is drawn at.
func style(c uint32, size vg.Length) text.Style {
	return text.Style{Color: rgb(c), Font: sans(size), Handler: plot.DefaultTextHandler, YAlign: draw.YTop}
}

// location returns the view's time zone.
func (v *View) location() *time.Location {
	if v.Location == nil {
		return time.Local
	}
	return v.Location
}

// title returns the view's title: topic, group, window, live.
func (v *View) title() string {
	parts := []string{v.Topic}
	if v.Group != "" {
		parts = append(parts, "group "+v.Group)
	}
	if v.Window > 0 {
		parts = append(parts, "window "+shortDuration(v.Window))
	}
	if v.Live {
		parts = append(parts, "live")
	}
	return strings.Join(parts, " · ")
}

// span returns the earliest start and the latest end of the panes.
func (v *View) span() (from, to time.Time) {
	for i, p := range v.Panes {
		if i == 0 || p.From.Before(from) {
			from = p.From
		}
		if i == 0 || p.To.After(to) {
			to = p.To
		}
	}
	return from, to
}

// subtitle returns the time range drawn, with its date and zone.
func (v *View) subtitle() string {
	from, to := v.span()
	loc := v.location()
	from, to = from.In(loc), to.In(loc)
	const day, clock = "2006-01-02 ", "15:04:05"
	end := to.Format(clock)
	if y, m, d := from.Date(); y != to.Year() || m != to.Month() || d != to.Day() {
		end = to.Format(day + clock)
	}
	return fmt.Sprintf("%s – %s %s", from.Format(day+clock), end, to.Format("MST"))
}

// shortDuration formats d without zero units: 3h, 1h30m, 90s, 1.5s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// number formats a legend value: its shortest text, or six significant
// digits when that is long.
func number(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if len(s) > 9 {
		s = strconv.FormatFloat(v, 'g', 6, 64)
	}
	return s
}

// grid returns the columns and rows of n panes: one column for up to four.
func grid(n int) (cols, rows int) {
	cols = 1
	if n > 4 {
		cols = 2
	}
	return cols, (n + cols - 1) / cols
}

// drawView draws v on c.
func drawView(c draw.Canvas, v *View) {
	c.SetColor(rgb(ground))
	c.Fill(c.Rectangle.Path())

	titleSty := style(ink, 15)
	subSty := style(muted, 10)
	top := c.Max.Y - margin
	c.FillText(titleSty, vg.Point{X: c.Min.X + margin, Y: top}, v.title())
	top -= titleSty.Height(v.title()) + 4
	c.FillText(subSty, vg.Point{X: c.Min.X + margin, Y: top}, v.subtitle())
	top -= subSty.Height("0") + 10

	body := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: c.Min.X, Y: c.Min.Y},
		Max: vg.Point{X: c.Max.X, Y: top},
	}}
	cols, rows := grid(len(v.Panes))
	tiles := draw.Tiles{Cols: cols, Rows: rows, PadX: 2 * margin, PadY: margin,
		PadLeft: margin, PadRight: margin, PadBottom: margin}
	for i := range v.Panes {
		drawPane(tiles.At(body, i%cols, i/cols), &v.Panes[i], v.location())
	}
}

// drawPane draws one pane: its title and note, the chart, and the legend
// to the right of the chart.
func drawPane(c draw.Canvas, p *Pane, loc *time.Location) {
	head := style(ink, 11)
	note := style(warnInk, 10)
	top := c.Max.Y
	c.FillText(head, vg.Point{X: c.Min.X, Y: top}, p.Title)
	top -= head.Height("0") + 3
	if p.Note != "" {
		c.FillText(note, vg.Point{X: c.Min.X, Y: top}, p.Note)
		top -= note.Height("0") + 3
	}

	w := c.Max.X - c.Min.X
	legendW := min(max(w*0.26, 150), 250)
	chartArea := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: c.Min, Max: vg.Point{X: c.Max.X - legendW - margin, Y: top},
	}}
	legendArea := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: c.Max.X - legendW, Y: c.Min.Y}, Max: vg.Point{X: c.Max.X, Y: top},
	}}

	traces := make([][][]xy, len(p.Series))
	figures := make([]stats, len(p.Series))
	for i := range p.Series {
		traces[i], figures[i] = trace(&p.Series[i], p.From, p.To)
	}
	pl := newChart(p, figures, loc, chartArea.Max.X-chartArea.Min.X)
	for i := range p.Series {
		pl.Add(&lines{lines: traces[i], style: lineStyle(&p.Series[i])})
	}
	pl.Draw(chartArea)
	if !anyValue(figures) {
		da := pl.DataCanvas(chartArea)
		empty := style(muted, 11)
		empty.XAlign, empty.YAlign = draw.XCenter, draw.YCenter
		c.FillText(empty, da.Center(), "no values in this range")
	}
	drawLegend(legendArea, p.Series, figures)
}

// anyValue reports whether any series has a value in range.
func anyValue(figures []stats) bool {
	for _, st := range figures {
		if st.n > 0 {
			return true
		}
	}
	return false
}

// lineStyle returns how series s is stroked.
func lineStyle(s *Series) draw.LineStyle {
	ls := draw.LineStyle{Color: s.Color, Width: lineWidth}
	if s.Round > 0 {
		on := vg.Length(2 + 2*(s.Round%3))
		ls.Dashes = []vg.Length{on, 2}
	}
	return ls
}

// newChart returns the pane's chart with its axes, ranges and grid set:
// time over the pane's range, values over what the series hold in it.
func newChart(p *Pane, figures []stats, loc *time.Location, width vg.Length) *plot.Plot {
	pl := plot.New()
	pl.BackgroundColor = rgb(ground)
	pl.X.Min, pl.X.Max = 0, p.To.Sub(p.From).Seconds()
	pl.Y.Min, pl.Y.Max = valueRange(figures)
	pl.X.Tick.Marker = timeTicks{from: p.From, loc: loc, most: max(int(width/70), 2)}
	for _, ax := range []*plot.Axis{&pl.X, &pl.Y} {
		ax.Color = rgb(axisInk)
		ax.Tick.Color = rgb(axisInk)
		ax.Tick.Label.Color = rgb(muted)
		ax.Tick.Label.Font = sans(9)
		ax.Label.TextStyle.Color = rgb(muted)
		ax.Label.TextStyle.Font = sans(9)
	}
	pl.Y.Tick.Marker = valueTicks{}
	pl.X.Label.Text = "time (" + p.To.In(loc).Format("MST") + ")"
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = rgb(gridInk), rgb(gridInk)
	pl.Add(g)
	return pl
}

// valueRange returns the value axis' range: every series' extremes with a
// margin, or 0 to 1 when no series has a value.
func valueRange(figures []stats) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, st := range figures {
		if st.n > 0 {
			lo, hi = math.Min(lo, st.min), math.Max(hi, st.max)
		}
	}
	switch {
	case lo > hi:
		return 0, 1
	case lo == hi:
		d := math.Max(math.Abs(lo)*0.05, 0.5)
		return lo - d, hi + d
	}
	d := (hi - lo) * 0.05
	return lo - d, hi + d
}

// lines draws a series' polylines in data units; a line of one vertex is
// drawn as a dot.
type lines struct {
	lines [][]xy
	style draw.LineStyle
}

// column is the width of a pixel column: 1 px at 96 dots per inch.
const column = vg.Length(0.75)

// Plot implements plot.Plotter.
func (l *lines) Plot(c draw.Canvas, pl *plot.Plot) {
	trX, trY := pl.Transforms(&c)
	var strokes [][]vg.Point
	dot := draw.GlyphStyle{Color: l.style.Color, Radius: l.style.Width, Shape: draw.CircleGlyph{}}
	for _, line := range l.lines {
		if len(line) == 1 {
			c.DrawGlyph(dot, vg.Point{X: trX(line[0].x), Y: trY(line[0].y)})
			continue
		}
		var m m4
		pts := make([]vg.Point, 0, min(len(line), 4*int((c.Max.X-c.Min.X)/column)+8))
		for _, v := range line {
			pts = m.add(pts, vg.Point{X: trX(v.x), Y: trY(v.y)})
		}
		strokes = append(strokes, m.flush(pts))
	}
	c.StrokeLines(l.style, c.ClipLinesXY(strokes...)...)
}

// m4 reduces a polyline to at most four vertices per pixel column: the
// first, the lowest, the highest and the last in it, in their order, which
// draws the same pixels as every vertex would (the M4 aggregation of
// Jugel et al., VLDB 2014).
type m4 struct {
	n                   int // vertices in the current column
	col                 int
	first, lo, hi, last vg.Point
	loAt, hiAt          int
}

// add takes the next vertex, appending to pts the vertices of a column
// the line has left.
func (m *m4) add(pts []vg.Point, p vg.Point) []vg.Point {
	col := int(math.Floor(float64(p.X / column)))
	if m.n > 0 && col != m.col {
		pts = m.flush(pts)
	}
	if m.n == 0 {
		m.col, m.first, m.lo, m.hi, m.loAt, m.hiAt = col, p, p, p, 0, 0
	}
	if p.Y < m.lo.Y {
		m.lo, m.loAt = p, m.n
	}
	if p.Y > m.hi.Y {
		m.hi, m.hiAt = p, m.n
	}
	m.last = p
	m.n++
	return pts
}

// flush appends the current column's vertices to pts.
func (m *m4) flush(pts []vg.Point) []vg.Point {
	if m.n == 0 {
		return pts
	}
	pts = append(pts, m.first)
	mid := [2]vg.Point{m.lo, m.hi}
	at := [2]int{m.loAt, m.hiAt}
	if at[1] < at[0] {
		mid, at = [2]vg.Point{m.hi, m.lo}, [2]int{m.hiAt, m.loAt}
	}
	for k, p := range mid {
		if at[k] != 0 && at[k] != m.n-1 && (k == 0 || at[1] != at[0]) {
			pts = append(pts, p)
		}
	}
	if m.n > 1 {
		pts = append(pts, m.last)
	}
	m.n = 0
	return pts
}

// drawLegend draws the legend in c: a swatch and name per series with its
// last, min and max in range, as many rows as fit, then "+N more" and the
// count of values not drawn.
func drawLegend(c draw.Canvas, series []Series, figures []stats) {
	head := style(muted, 9)
	name := style(ink, 9)
	val := style(ink, 9)
	val.XAlign = draw.XRight
	head.XAlign = draw.XRight

	texts := make([][3]string, len(series))
	colW := head.Width("0000")
	for i, st := range figures {
		if st.n == 0 {
			texts[i] = [3]string{"–", "–", "–"}
		} else {
			texts[i] = [3]string{number(st.last), number(st.min), number(st.max)}
		}
		for _, s := range texts[i] {
			colW = max(colW, val.Width(s))
		}
	}
	colW += 10 // room for a viewer's wider fallback font
	swatchW := vg.Length(14)
	nameW := c.Max.X - c.Min.X - swatchW - 4 - 3*colW
	cols := 3
	if nameW < 40 {
		cols = 1
		nameW = c.Max.X - c.Min.X - swatchW - 4 - colW
	}

	y := c.Max.Y
	head.XAlign = draw.XLeft
	c.FillText(head, vg.Point{X: c.Min.X + swatchW + 4, Y: y}, "series")
	head.XAlign = draw.XRight
	for k, label := range []string{"last", "min", "max"}[:cols] {
		c.FillText(head, vg.Point{X: c.Max.X - vg.Length(cols-1-k)*colW, Y: y}, label)
	}
	y -= rowHeight

	nonFinite := 0
	for _, st := range figures {
		nonFinite += st.nonFinite
	}
	rows := int((y - c.Min.Y) / rowHeight)
	if nonFinite > 0 {
		rows--
	}
	shown := min(len(series), rows)
	if shown < len(series) {
		shown = max(rows-1, 0)
	}
	for i := 0; i < shown; i++ {
		s := &series[i]
		mid := y - rowHeight/2 + 2
		c.StrokeLine2(lineStyle(s), c.Min.X, mid, c.Min.X+swatchW, mid)
		c.FillText(name, vg.Point{X: c.Min.X + swatchW + 4, Y: y}, fit(name, s.Name, nameW-4))
		for k := 0; k < cols; k++ {
			c.FillText(val, vg.Point{X: c.Max.X - vg.Length(cols-1-k)*colW, Y: y}, texts[i][k])
		}
		y -= rowHeight
	}
	note := style(muted, 9)
	if more := len(series) - shown; more > 0 {
		c.FillText(note, vg.Point{X: c.Min.X + swatchW + 4, Y: y}, fmt.Sprintf("+%d more", more))
		y -= rowHeight
	}
	if nonFinite > 0 {
		note.Color = rgb(warnInk)
		c.FillText(note, vg.Point{X: c.Min.X, Y: y}, fmt.Sprintf("%d non-finite values not drawn", nonFinite))
	}
}

// fit cuts s with "…" to at most w wide in style sty.
func fit(sty text.Style, s string, w vg.Length) string {
	if sty.Width(s) <= w {
		return s
	}
	r := []rune(s)
	for n := len(r) - 1; n > 0; n-- {
		if cut := string(r[:n]) + "…"; sty.Width(cut) <= w {
			return cut
		}
	}
	return "…"
}

// valueTicks marks the value axis where plot.DefaultTicks does, labelled
// with their shortest text (1000, not 1000.00).
type valueTicks struct{}

// Ticks implements plot.Ticker.
func (valueTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = number(ticks[i].Value)
		}
	}
	return ticks
}
