// Package export writes plotted values as rows to take away: CSV with a
// header row, or JSON lines, one row per value with its time (RFC 3339 in
// UTC, milliseconds), partition, offset, series, field and value. It is
// what `kafkaplot consume --output csv|jsonl` prints, for pandas, jq or a
// spreadsheet.
//
// Values are written exactly: the shortest text that reads back as the
// same float64 (strconv's 'g' with precision -1, as the decoders print
// them), never rounded. NaN and ±Inf are written as that text too, NaN,
// +Inf and -Inf (in JSON, as strings, since JSON has no such numbers); a
// record without a value for the field (null or missing) gives an empty
// CSV value and a JSON null.
//
// The package does not read Kafka, decode records or choose what is
// plotted: its caller hands it rows.
package export

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// Row is one plotted value of one record.
type Row struct {
	Time      time.Time // the value's time, written in UTC to the millisecond
	Partition int
	Offset    int64
	Series    string // the line's series, e.g. "sensor1"
	Field     string // the plotted field, e.g. "value"
	Value     float64
	// Null says the record has no value for Field (null or missing);
	// Value is then unused.
	Null bool
}

// Format is how rows are written.
type Format int

// Formats.
const (
	CSV   Format = iota + 1 // comma-separated (RFC 4180, lines end in LF), with a header row
	JSONL                   // one JSON object a line
)

// String returns the format's name as ParseFormat takes it.
func (f Format) String() string {
	switch f {
	case CSV:
		return "csv"
	case JSONL:
		return "jsonl"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ParseFormat returns the format named s: csv or jsonl.
func ParseFormat(s string) (Format, error) {
	for _, f := range []Format{CSV, JSONL} {
		if s == f.String() {
			return f, nil
		}
	}
	return 0, fmt.Errorf("output format %q unknown: use csv or jsonl", s)
}

// Header is the CSV header row, without its line end.
const Header = "time,partition,offset,series,field,value"

// flushAt is the buffered size at which Write passes rows on.
const flushAt = 32 << 10

// Writer writes rows in one format. It buffers: call Flush at the end. A
// Writer is not safe for concurrent use.
type Writer struct {
	w      io.Writer
	f      Format
	buf    []byte
	header bool // the CSV header row was written
	err    error
	clock  clock
}

// clock formats times, reusing the text of the last second formatted:
// rows come in time order, many a second.
type clock struct {
	sec  int64
	text []byte // "2006-01-02T15:04:05" of sec, in UTC
}

// append appends t in UTC as RFC 3339 with milliseconds.
func (c *clock) append(b []byte, t time.Time) []byte {
	t = t.UTC()
	if sec := t.Unix(); sec != c.sec || c.text == nil {
		c.sec, c.text = sec, t.AppendFormat(c.text[:0], "2006-01-02T15:04:05")
	}
	ms := t.Nanosecond() / 1e6
	return append(append(b, c.text...), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

// NewWriter returns a writer of rows in format f to w.
func NewWriter(w io.Writer, f Format) *Writer {
	return &Writer{w: w, f: f, buf: make([]byte, 0, flushAt+512)}
}

// Write writes one row.
func (w *Writer) Write(r Row) error {
	if w.err != nil {
		return w.err
	}
	switch w.f {
	case CSV:
		w.csvHeader()
		w.buf = appendCSV(w.buf, &w.clock, &r)
	case JSONL:
		w.buf = appendJSON(w.buf, &w.clock, &r)
	default:
		w.err = fmt.Errorf("write rows: %v: use CSV or JSONL", w.f)
		return w.err
	}
	if len(w.buf) >= flushAt {
		return w.Flush()
	}
	return nil
}

// Flush writes the buffered rows, and a CSV header row if no row was
// written, so that an empty CSV still names its columns.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if w.f == CSV {
		w.csvHeader()
	}
	if len(w.buf) == 0 {
		return nil
	}
	if _, err := w.w.Write(w.buf); err != nil {
		w.err = fmt.Errorf("write rows: %w", err)
		return w.err
	}
	w.buf = w.buf[:0]
	return nil
}

// csvHeader buffers the header row once.
func (w *Writer) csvHeader() {
	if !w.header {
		w.buf = append(w.buf, Header+"\n"...)
		w.header = true
	}
}

// number appends v's exact text: the shortest that reads back the same.
func number(b []byte, v float64) []byte {
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// appendCSV appends r as a CSV line (RFC 4180, ending in a newline as
// encoding/csv writes it).
func appendCSV(b []byte, c *clock, r *Row) []byte {
	b = c.append(b, r.Time)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Partition), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, r.Offset, 10)
	b = append(b, ',')
	b = csvField(b, r.Series)
	b = append(b, ',')
	b = csvField(b, r.Field)
	b = append(b, ',')
	if !r.Null {
		b = number(b, r.Value)
	}
	return append(b, '\n')
}

// csvField appends s, quoted when it holds a comma, a quote or a line
// end, or begins with a space (as encoding/csv quotes).
func csvField(b []byte, s string) []byte {
	quote := s != "" && (s[0] == ' ' || s[0] == '\t')
	for i := 0; i < len(s) && !quote; i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			quote = true
		}
	}
	if !quote {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// appendJSON appends r as a JSON object and a newline.
func appendJSON(b []byte, c *clock, r *Row) []byte {
	b = append(b, `{"time":"`...)
	b = c.append(b, r.Time)
	b = append(b, `","partition":`...)
	b = strconv.AppendInt(b, int64(r.Partition), 10)
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, r.Offset, 10)
	b = append(b, `,"series":`...)
	b = jsonString(b, r.Series)
	b = append(b, `,"field":`...)
	b = jsonString(b, r.Field)
	b = append(b, `,"value":`...)
	switch {
	case r.Null:
		b = append(b, "null"...)
	case math.IsNaN(r.Value) || math.IsInf(r.Value, 0):
		b = append(b, '"')
		b = number(b, r.Value)
		b = append(b, '"')
	default:
		b = number(b, r.Value)
	}
	return append(b, '}', '\n')
}

// jsonString appends s as a JSON string, escaped as encoding/json escapes
// it without HTML escaping: invalid UTF-8 becomes U+FFFD.
func jsonString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
