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
// The data and its drawing (ring buffers per series, decimation, braille
// rasterising, axes, colours) are package chart's; this package decides what
// is drawn where. Until a pane holds a window's worth of data its time axis
// starts at its first point, so young lines use the whole pane.
//
// Frame cost is bounded whatever arrives: a pane draws at most 24 series (the
// first in natural order of their names, e.g. sensor2 before sensor10) and
// its legend lists them with "+N more" for the rest; each drawn series costs
// one pass over its points inside the window plus at most two points per
// pixel column. Colours follow series names (chart.Palette); past ten
// series in a pane colours are reused with another legend marker (● ◆ ▲ ■)
// and a dotted line.
package ui
