// Package render draws what a kafkaplot view shows as a picture: PNG, SVG
// or PDF, the format from the file's extension. A View is a title (topic,
// group, window or past range) and panes, each a time range with series;
// a series is its values as read and, older ones, folded into time buckets
// (first, last, min, max). Every series is a real vector line in its own
// colour, with time and value axes and a legend of last, min and max over
// the pane's range.
//
// Nothing is drawn that the view does not hold, and nothing it holds in
// range is lost: a bucket's line covers its min to max, and each line is
// reduced to the first, lowest, highest and last vertex of every pixel
// column (M4), which draws the pixels every vertex would, so a spike in
// one bucket among thousands stays visible. Lines break where the series
// says time was not read (Series.Join, gaps); NaN and ±Inf are counted
// under the legend, not drawn.
//
// The package does not read Kafka, decode records, choose series or
// colours, or know bubbletea: its caller (the dashboard's snapshot key,
// `kafkaplot plot`) fills the View, with the dashboard's palette colours.
//
// The drawing is gonum.org/v1/plot's: a maintained, pure-Go library (no
// cgo, no browser) whose one drawing API writes PNG, SVG and PDF with
// anti-aliased vector lines and embedded fonts, which matplotlib users
// expect. On the 2-core build machine, a view of 2 panes × 8 series ×
// 3,000 points takes about 50 ms as SVG, 120 ms as PDF and 300–600 ms as
// PNG (BenchmarkWrite), most of it PNG's compression, here set to fastest
// (5–10% larger files than the default, 2.5 times faster). Limits found in
// v0.17.0: its PDF canvas cannot find a bold face (text here is never
// bold), and PDF text is encoded as Windows-1252. Text is set in
// Liberation Sans (embedded in gonum/plot), which has no CJK glyphs: such
// characters in a name are left out of PNG and PDF.
package render
