// Package chart is the dashboard's drawing core: the data a dashboard keeps
// (Store: per-partition panes of Series, counts, rates and the consumer
// group's state) and how it is drawn as text (Renderer: one line chart with
// axes and braille lines; TextLine: one styled line; ChooseGrid: the panes'
// arrangement; Palette: the series' colours).
//
// Data is kept per series in a bounded ring of its newest points sorted by
// event time (series.go; the rings of a store share a bound, so that many
// series keep fewer each: store.go), older points folded into time buckets that keep
// their first, lowest, highest and last point (fold.go), so that a window
// holds its whole time range at any rate in memory bounded by its buckets;
// each frame decimates the visible part of a series to the
// chart's width keeping every pixel column's minimum and maximum
// (downsample.go) and rasterises the result into braille cells (raster.go).
// Two neighbouring points further apart than five times the series' usual
// spacing (the median of its newest spacings) and more than 3 s are not
// joined: time that was not read is never drawn over.
//
// The package does not use ntcharts' linechart drawing: its
// DrawBrailleLineWithStyle allocates and scans a full-size braille grid for
// every segment (about 270 ms for one pane of 8 series × 400 segments), and
// its timeserieslinechart truncates times to whole seconds; its canvas and
// graph packages also need bubblezone, which this module does not require.
// Only ntcharts' rune tables are used.
//
// Colours follow series names, not the order series appeared in: a name
// hashes into the palette, and within a pane a name whose colour an earlier
// name (in natural order) holds takes the next free one (palette.go), so
// every instance draws sensor4 alike.
//
// The package does not know bubbletea, lipgloss or Kafka: it takes events
// and reports as plain values, and writes text with escape sequences
// compiled by its caller (Ink). Deciding what to draw where (header, group
// bar, panes, legends, keys) is package ui's. The root's arrows_test keeps
// bubbletea out of its dependencies.
package chart
