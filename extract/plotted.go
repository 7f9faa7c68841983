package extract

import (
	"encoding/hex"
	"maps"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/kafkaplot/kafkaplot/schema"
)

// maxNames bounds the Extractor's table of series names.
const maxNames = 4096

// Selection is what a compiled reader reads from records written with w
// for this Extractor's points (the Plan's series field, values and time);
// pass it to schema.WithSelection.
func (e *Extractor) Selection(w *schema.Writer) schema.Selection {
	p := e.Plan(w)
	sel := schema.Selection{Values: p.Values, Time: p.Time, Unit: p.Unit}
	switch p.Series {
	case KeySeries:
	case "":
		sel.Series = p.Fallback
	default:
		sel.Series = p.Series
	}
	return sel
}

// Points appends the points of a record read with a compiled reader
// (schema.Decoder.DecodePlotted with Selection) to dst: one per plotted
// field, a Null point (a gap) where the record has no value, none where
// its value is not a number. key is the Kafka key and ts the Kafka
// record's timestamp. Series names are kept, so a known name costs no
// allocation.
func (e *Extractor) Points(p *schema.Plotted, key []byte, ts time.Time, dst []Point) ([]Point, Source) {
	sel := p.Selection
	series, by := e.plottedSeries(p, key)
	at, timeBy := ts, byRecordTime
	if p.TimeState == schema.Set {
		at, timeBy = p.Time, sel.Time
	}
	for i, v := range p.Values {
		switch v.State {
		case schema.Absent:
			dst = append(dst, Point{Series: series, Field: sel.Values[i], Time: at, Null: true})
		case schema.Set:
			dst = append(dst, Point{Series: series, Field: sel.Values[i], Time: at, Value: v.Num})
		}
	}
	return dst, Source{SeriesBy: by, TimeBy: timeBy}
}

// plottedSeries names a record's line as series does for a decoded record.
func (e *Extractor) plottedSeries(p *schema.Plotted, key []byte) (string, string) {
	field := p.Selection.Series
	switch {
	case e.cfg.Series == KeySeries:
		if len(key) == 0 {
			return noSeries, byKey
		}
		return e.keys.get(key, keyString), byKey
	case e.cfg.Series == "" && len(key) > 0:
		return e.keys.get(key, keyString), byKey
	case field != "":
		if p.SeriesState != schema.Set {
			return noSeries, field
		}
		return e.values.get(p.Series, bytesText), field
	}
	if p.Writer != nil && p.Writer.Name != "" {
		return p.Writer.Name, byRecord
	}
	return "records", byRecord
}

func bytesText(b []byte) string { return string(b) }

// names keeps the strings made of byte strings seen before, so that a
// known one is found without allocating or locking: a read-only map
// replaced whole (copy-on-write) once the names added since, kept under
// the lock, are a quarter of it, so that adding n names copies O(n). At
// most maxNames are kept.
type names struct {
	read  atomic.Pointer[map[string]string]
	mu    sync.Mutex
	dirty map[string]string // added since read was made
}

// get returns text(b), reusing the string made of the same bytes before.
func (n *names) get(b []byte, text func([]byte) string) string {
	if m := n.read.Load(); m != nil {
		if s, ok := (*m)[string(b)]; ok {
			return s
		}
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if s, ok := n.dirty[string(b)]; ok {
		return s
	}
	s := text(b)
	read := n.read.Load()
	size := len(n.dirty)
	if read != nil {
		size += len(*read)
	}
	if size >= maxNames {
		return s
	}
	if n.dirty == nil {
		n.dirty = map[string]string{}
	}
	n.dirty[string(b)] = s
	if read == nil || len(n.dirty) > len(*read)/4 {
		next := make(map[string]string, size+1)
		if read != nil {
			maps.Copy(next, *read)
		}
		maps.Copy(next, n.dirty)
		n.read.Store(&next)
		clear(n.dirty)
	}
	return s
}

// keyString returns a Kafka key as text: as is when it is printable UTF-8,
// in hex otherwise (a binary or Avro-encoded key).
func keyString(key []byte) string {
	if utf8.Valid(key) {
		printable := true
		for _, c := range key {
			if c < 0x20 || c == 0x7f {
				printable = false
				break
			}
		}
		if printable {
			return string(key)
		}
	}
	return "0x" + hex.EncodeToString(key)
}
