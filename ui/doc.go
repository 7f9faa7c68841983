// Package ui is kafkaplot's terminal dashboard: a bubbletea model that shows one
// live line chart per partition of a topic, the consumer group's state, ingest
// rates, decode errors and the sensor generator's state.
//
// The package knows nothing of Kafka, Avro or the rest of kafkaplot. The caller
// converts records and consumer-group events into the message types defined
// here (EventsMsg, HistoryMsg, LogResetMsg, GroupMsg, OffsetsMsg,
// PartitionsMsg, GeneratorMsg, StatusMsg, ErrorMsg, PlotMsg) and sends them
// to the program in batches with tea.Program.Send.
//
// An Event may name the field it plots (Event.Field): once events carry
// several fields, lines are named series.field and the f key shows all
// fields or one at a time. A Gap event breaks its line (a null or missing
// value) and is counted. PlotMsg adds a header line saying what is plotted
// by what over what, with the writer schemas seen and their record counts.
// StatusMsg names the broker's and the registry's state in the header and a
// partition's condition (e.g. why it is paused) in full in its pane's body.
// Update only mutates state and marks it dirty; the screen is re-rendered on
// a frame tick (at most Options.FPS times a second) and View returns the
// cached frame.
//
// A program may draw the frames itself instead of through bubbletea's renderer,
// which wakes 30 times a second even when nothing changed: run it with
// tea.WithoutRenderer and a Screen in Options.Screen (screen.go), which puts
// the terminal in raw mode, reports its size and writes only changed lines.
//
// Data is kept per series in bounded ring buffers sorted by event time
// (series.go); each frame decimates the visible part of a series to the pane's
// width keeping every pixel column's minimum and maximum (downsample.go) and
// rasterises the result into braille cells (raster.go). Two neighbouring
// points further apart than five times the series' usual spacing (the median
// of its newest spacings) and more than 3 s are not joined: time that was not
// read is never drawn over. Until a pane holds a window's worth of data its
// time axis starts at its first point, so young lines use the whole pane.
// The package does not use ntcharts' linechart drawing: its
// DrawBrailleLineWithStyle allocates and scans a full-size braille grid for
// every segment (about 270 ms for one pane of 8 series × 400 segments), and
// its timeserieslinechart truncates times to whole seconds; its canvas and
// graph packages also need bubblezone, which this module does not require.
// Only ntcharts' rune tables are used.
//
// Frame cost is bounded whatever arrives: a pane draws at most 24 series (the
// first in natural order of their names, e.g. sensor2 before sensor10) and
// its legend lists them with "+N more" for the rest; each drawn series costs
// one pass over its points inside the window plus at most two points per
// pixel column. Colours follow series names, not the order series appeared
// in: a name hashes into the palette, and within a pane a name whose colour
// an earlier name (in natural order) holds takes the next free one
// (palette.go), so every instance draws sensor4 alike. Past ten series in a
// pane colours are reused with another legend marker (● ◆ ▲ ■) and a dotted
// line.
package ui
