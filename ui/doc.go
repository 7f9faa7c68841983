// Package ui is kafkaplot's terminal dashboard: a bubbletea model that shows one
// live line chart per partition of a topic, the consumer group's state, ingest
// rates, decode errors and the sensor generator's state.
//
// The package knows nothing of Kafka, Avro or the rest of kafkaplot. The caller
// converts records and consumer-group events into the message types defined
// here (EventsMsg, GroupMsg, OffsetsMsg, PartitionsMsg, GeneratorMsg,
// StatusMsg, ErrorMsg) and sends them to the program in batches with
// tea.Program.Send. Update only mutates state and marks it dirty; the screen is
// re-rendered on a frame tick (at most Options.FPS times a second) and View
// returns the cached frame.
//
// Data is kept per series in bounded ring buffers sorted by event time
// (series.go); each frame decimates the visible part of a series to the pane's
// width keeping every pixel column's minimum and maximum (downsample.go) and
// rasterises the result into braille cells (raster.go). The package does not
// use ntcharts' linechart drawing: its DrawBrailleLineWithStyle allocates and
// scans a full-size braille grid for every segment (about 270 ms for one pane
// of 8 series × 400 segments), and its timeserieslinechart truncates times to
// whole seconds. Only ntcharts' rune tables are used.
package ui
