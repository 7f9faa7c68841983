// Package picture makes a picture's view (render.View) of the dashboard's
// data (chart.Store): a pane per partition with every series as the
// dashboard draws it — its colour from the same palette, its folded
// buckets and recent points, its line broken where the chart breaks it —
// over one time range. The dashboard's s key and `kafkaplot plot` use it.
//
// It reads the store and copies what the view needs; it does not draw,
// write files, read Kafka or know the terminal.
package picture

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/kafkaplot/kafkaplot/render"
	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// Options say what the view shows.
type Options struct {
	Topic string
	// Group is the consumer group the dashboard is a member of; "" for a
	// range read outside any group.
	Group string
	// Window is the dashboard's window; 0 leaves it out of the title.
	Window time.Duration
	// Live says the range ends now.
	Live bool
	// From and To are every pane's time range; To must be after From.
	From, To time.Time
	// Partitions are the panes, in order; nil: every partition of the
	// store.
	Partitions []int
	// Field shows only the series of this field, as the dashboard's f key
	// does; "" shows every field.
	Field string
	// Notes are shown under a partition's pane title ("read 1 minute in
	// 12"), by partition.
	Notes map[int]string
	// Location is the time zone of the axes; nil: time.Local.
	Location *time.Location
}

// View returns the view of st that o describes. It reads st and assigns
// its series' colours, so it must run where st is used.
func View(st *chart.Store, o Options) render.View {
	v := render.View{Topic: o.Topic, Group: o.Group, Window: o.Window, Live: o.Live, Location: o.Location}
	parts := o.Partitions
	if parts == nil {
		for p := range st.Partitions() {
			parts = append(parts, p)
		}
	}
	colors := palette()
	var pal chart.Palette
	for _, p := range parts {
		pane := render.Pane{Title: "partition " + strconv.Itoa(p), From: o.From, To: o.To}
		var notes []string
		if n := o.Notes[p]; n != "" {
			notes = append(notes, n)
		}
		d := st.PaneIfAny(p)
		if d != nil {
			pal.Assign(d.Order, len(colors))
			for _, sr := range d.Order {
				if o.Field != "" && sr.Field != o.Field {
					continue
				}
				pane.Series = append(pane.Series, series(sr, label(st, sr, o.Field), colors))
			}
			if d.NonFinite > 0 {
				notes = append(notes, fmt.Sprintf("%d non-finite values not drawn", d.NonFinite))
			}
			if d.Future > 0 {
				notes = append(notes, fmt.Sprintf("%d values timed more than 10 minutes ahead not drawn", d.Future))
			}
		}
		pane.Note = strings.Join(notes, " · ")
		v.Panes = append(v.Panes, pane)
	}
	return v
}

// label names a series as the dashboard's legend does: series.field when
// records carry several fields and all are shown, else the series.
func label(st *chart.Store, sr *chart.Series, field string) string {
	if sr.Field == "" || sr.Base == "" || (field == "" && len(st.Fields) > 1) {
		return sr.Name
	}
	return sr.Base
}

// series copies sr: its buckets, its points (NaN a gap), its colour and
// where its line breaks.
func series(sr *chart.Series, name string, colors []color.Color) render.Series {
	n := len(colors)
	s := render.Series{Name: name, Color: colors[sr.Color%n], Round: sr.Color / n, Join: time.Duration(sr.JoinLimit())}
	for _, b := range sr.AppendBuckets(nil, math.MinInt64, math.MaxInt64) {
		s.Buckets = append(s.Buckets, render.Bucket{
			From: time.Unix(0, b.First.T), To: time.Unix(0, b.Last.T),
			First: b.First.V, Last: b.Last.V,
			Min: b.Lo.V, MinAt: time.Unix(0, b.Lo.T),
			Max: b.Hi.V, MaxAt: time.Unix(0, b.Hi.T),
		})
	}
	s.Points = make([]render.Point, sr.Len())
	for i := range s.Points {
		p := sr.At(i)
		s.Points[i] = render.Point{T: time.Unix(0, p.T), V: p.V, Gap: math.IsNaN(p.V)}
	}
	return s
}

// palette returns the dashboard's series colours.
func palette() []color.Color {
	hexes := chart.SeriesColors()
	out := make([]color.Color, len(hexes))
	for i, h := range hexes {
		rgb, _ := strconv.ParseUint(strings.TrimPrefix(h, "#"), 16, 32)
		out[i] = color.RGBA{R: uint8(rgb >> 16), G: uint8(rgb >> 8), B: uint8(rgb), A: 0xFF}
	}
	return out
}
