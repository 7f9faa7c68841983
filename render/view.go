package render

import (
	"image/color"
	"time"
)

// View is what a dashboard shows at one moment, or what `kafkaplot plot`
// read from a time range: a title and one pane per partition.
type View struct {
	// Topic is the topic drawn; it leads the title.
	Topic string
	// Group is the consumer group the dashboard is a member of; "" for a
	// view read outside any group.
	Group string
	// Window is the dashboard's window; 0 leaves it out of the title.
	Window time.Duration
	// Live says the panes end now; else they show a range in the past.
	Live bool
	// Panes are drawn in order, one column for up to four, else two.
	Panes []Pane
	// Location is the time zone of times on the axes and in the title;
	// nil means time.Local.
	Location *time.Location
}

// Pane is one chart: the series of one partition over a time range.
type Pane struct {
	// Title names the pane ("partition 0").
	Title string
	// From and To are the time range drawn; To must be after From.
	From, To time.Time
	// Note is a condition shown under the title in full ("read 1 minute
	// in 12", "last record 1h 2m ago"); "" for none.
	Note string
	// Series are the pane's lines, drawn in order and listed in the
	// legend in that order.
	Series []Series
}

// Series is one line: its values as read and, older ones, folded into time
// buckets. Values outside the pane's range are not counted in the legend;
// the nearest one on either side is joined to the first and last inside,
// so a line runs to the pane's edge.
type Series struct {
	// Name labels the line in the legend.
	Name string
	// Color is the line's colour (the dashboard's palette colour).
	Color color.Color
	// Round is how many times the palette was used up before this
	// series' colour was given (the dashboard's palette.go): rounds after
	// the first are drawn dashed, as the dashboard draws them dotted.
	Round int
	// Buckets are values folded per time bucket, in time order.
	Buckets []Bucket
	// Points are values as read, in time order.
	Points []Point
	// Join is the longest time between two neighbouring values that are
	// joined by a line; further apart, the line is broken (time that was
	// not read is not drawn over). 0 joins every neighbour.
	Join time.Duration
}

// Point is one value as read.
type Point struct {
	T time.Time
	V float64 // NaN and ±Inf are counted in the legend, not drawn
	// Gap breaks the line at T (a record without a value); V is unused.
	Gap bool
}

// Bucket is every value read in [From, To] folded into four: the extremes
// and the values at either end. The line enters the bucket at First,
// covers Min and Max, and leaves at Last, so an extreme is drawn even when
// the bucket is narrower than a pixel.
type Bucket struct {
	From, To              time.Time
	First, Last, Min, Max float64
	// MinAt and MaxAt are when Min and Max were read; zero places them
	// in the middle of the bucket.
	MinAt, MaxAt time.Time
}
