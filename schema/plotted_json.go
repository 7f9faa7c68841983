package schema

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf16"
	"unicode/utf8"
)

// maxShapes bounds the shapes of JSON records whose readers a Decoder
// keeps per writer; records of further shapes are read by a reader
// compiled for each.
const maxShapes = 256

// maxJSONNesting is encoding/json's nesting limit.
const maxJSONNesting = 10000

// JSON scan errors without context (no formatting on the hot path).
var (
	errJSONSyntax   = fmt.Errorf("%w: invalid JSON", ErrBadJSON)
	errJSONEnd      = fmt.Errorf("%w: unexpected end of JSON input", ErrBadJSON)
	errJSONNotObj   = fmt.Errorf("%w: not an object", ErrBadJSON)
	errJSONTrailing = fmt.Errorf("%w: data after the object", ErrBadJSON)
	errJSONDepth    = fmt.Errorf("%w: nested deeper than %d levels", ErrBadJSON, maxJSONNesting)
)

// jsonItem is one member of a scanned JSON object, in text order: its key
// and value spans in the body. Kind is 'o' for an object (its members
// follow, then an 'e' item), 's' string, 'n' number, 't' true, 'f' false,
// 'z' null, 'a' array.
type jsonItem struct {
	kind             byte
	keyStart, keyEnd int // raw key, without quotes
	valStart, valEnd int
}

// jsonShape is the reader of JSON records of one shape: the same members,
// in the same order, with values of the same kinds.
type jsonShape struct {
	writer  *Writer
	sel     *Selection
	steps   []jsonStep    // one per item
	sig     string        // the shape's signature (jsonScan.sig)
	members []shapeMember // for readShape
}

// jsonStep is what a shape's reader does with one item.
type jsonStep struct {
	clear   []target // slots at or under the item's path, emptied first (a repeated key replaces)
	targets []target // slots the item's value fills
}

// jsonShapes keeps the compiled readers of one JSON writer by shape.
type jsonShapes struct {
	writer *Writer   // a registered JSON Schema's Writer; nil for plain JSON
	ix     *selIndex // the registered schema's selection
	mu     sync.Mutex
	shapes atomic.Pointer[map[string]*jsonShape] // by signature; copy-on-write
	last   atomic.Pointer[jsonShape]             // the shape read last: records of a topic mostly share one
}

// jsonShapes returns the entry's shape readers.
func (e *entry) jsonShapes() *jsonShapes {
	e.plotOnce.Do(func() { e.shapes = &jsonShapes{writer: e.writer} })
	return e.shapes
}

// plainShapes returns the shape readers of plain JSON records.
func (d *Decoder) plainShapes() *jsonShapes {
	d.plainOnce.Do(func() { d.plainPlot = &jsonShapes{} })
	return d.plainPlot
}

// jsonScan is the scratch of one scan.
type jsonScan struct {
	b     []byte
	items []jsonItem
	sig   []byte
}

// read scans body, checking it as encoding/json would, and reads the
// selected fields with the reader of its shape.
func (js *jsonShapes) read(d *Decoder, body []byte, id int, w *Writer, p *Plotted) error {
	if shape := js.last.Load(); shape != nil {
		p.begin(id, shape.writer, shape.sel)
		if w != nil && js.writer != nil {
			p.Writer = w
		}
		if readShape(body, shape, p) {
			return nil
		}
	}
	sc := jsonScan{b: body, items: p.items[:0], sig: p.sig[:0]}
	err := sc.document()
	p.items, p.sig = sc.items, sc.sig
	if err != nil {
		return err
	}
	shape := js.shape(d, &sc)
	p.begin(id, shape.writer, shape.sel)
	if w != nil && js.writer != nil {
		p.Writer = w
	}
	for i := range sc.items {
		st := &shape.steps[i]
		if st.clear == nil {
			continue
		}
		p.clear(st.clear)
		it := &sc.items[i]
		var s scalar
		switch it.kind {
		case 's':
			s.kind, s.b = sText, p.jsonText(body[it.valStart+1:it.valEnd-1])
		case 'n':
			s.kind, s.b = sNumText, body[it.valStart:it.valEnd:it.valEnd]
		case 't':
			s.kind, s.i = sBool, 1
		case 'f':
			s.kind = sBool
		case 'z':
			s.kind = sNull
		default:
			s.kind = sOther
		}
		p.apply(st.targets, &s)
	}
	return nil
}

// shape returns the reader of the scanned record's shape, compiling it on
// first sight.
func (js *jsonShapes) shape(d *Decoder, sc *jsonScan) *jsonShape {
	if s := js.last.Load(); s != nil && s.sig == string(sc.sig) {
		return s
	}
	if m := js.shapes.Load(); m != nil {
		if s, ok := (*m)[string(sc.sig)]; ok {
			js.last.Store(s)
			return s
		}
	}
	js.mu.Lock()
	defer js.mu.Unlock()
	old := js.shapes.Load()
	if old != nil {
		if s, ok := (*old)[string(sc.sig)]; ok {
			return s
		}
	}
	s := js.compile(d, sc)
	if old != nil && len(*old) >= maxShapes {
		return s
	}
	next := make(map[string]*jsonShape, 1+lenOf(old))
	if old != nil {
		maps.Copy(next, *old)
	}
	next[string(sc.sig)] = s
	js.shapes.Store(&next)
	js.last.Store(s)
	return s
}

// compile builds the reader of a scanned record's shape.
func (js *jsonShapes) compile(d *Decoder, sc *jsonScan) *jsonShape {
	// An empty key or one with a dot cannot be named by a dotted path, nor
	// can what is inside it: such items get no path ("").
	paths := make([]string, len(sc.items))
	type level struct {
		path      string
		top, dead bool
	}
	stack := []level{{top: true}}
	for i, it := range sc.items {
		if it.kind == 'e' {
			stack = stack[:len(stack)-1]
			continue
		}
		up := stack[len(stack)-1]
		key := string(unquoteJSON(nil, sc.b[it.keyStart:it.keyEnd]))
		dead := up.dead || key == "" || strings.Contains(key, ".")
		if !dead {
			paths[i] = key
			if !up.top {
				paths[i] = up.path + "." + key
			}
		}
		if it.kind == 'o' {
			stack = append(stack, level{path: paths[i], dead: dead})
		}
	}
	shape := &jsonShape{writer: js.writer, steps: make([]jsonStep, len(sc.items)), sig: string(sc.sig)}
	ix := js.ix
	if js.writer == nil {
		shape.writer = plainWriter(sc.items, paths, sc.b)
		ix = d.selection(shape.writer)
	} else if ix == nil {
		ix = d.selection(js.writer)
		js.ix = ix
	}
	shape.sel = ix.sel
	for i, it := range sc.items {
		if it.kind == 'e' || paths[i] == "" {
			continue
		}
		if c := ix.within(paths[i]); len(c) > 0 {
			shape.steps[i] = jsonStep{clear: c, targets: ix.targets[paths[i]]}
		}
	}
	shape.members = shapeMembers(sc, shape.steps)
	return shape
}

// plainWriter describes a plain JSON record's shape: its members by dotted
// path (nested objects flattened), numbers KindNumber, strings KindString,
// and one time: a top-level number named timestamp, else an integer by
// the time rule (TimePick), in the unit its magnitude tells; b is the
// record's text.
func plainWriter(items []jsonItem, paths []string, b []byte) *Writer {
	w := &Writer{Format: FormatJSON}
	at := map[string]int{}
	for i, it := range items {
		if it.kind == 'e' || it.kind == 'o' || paths[i] == "" {
			continue
		}
		f := Field{Path: paths[i]}
		switch it.kind {
		case 'n':
			f.Type, f.Kind = "number", KindNumber
			if paths[i] == "timestamp" {
				f.Kind = KindTime
			}
		case 's':
			f.Type, f.Kind = "string", KindString
		case 't', 'f':
			f.Type = "boolean"
		case 'z':
			f.Type, f.Nullable = "null", true
		default:
			f.Type = "array"
		}
		if j, dup := at[f.Path]; dup {
			w.Fields[j] = f // a repeated key replaces
			continue
		}
		at[f.Path] = len(w.Fields)
		w.Fields = append(w.Fields, f)
	}
	w.finish()
	plainTime(w, items, paths, b)
	return w
}

// jsonText returns a JSON string's contents (raw, without quotes) as
// encoding/json decodes them: as is when plain, else unescaped into p.buf.
func (p *Plotted) jsonText(raw []byte) []byte {
	if plainRun(raw, 0) == len(raw) || !hasBackslash(raw) && utf8.Valid(raw) {
		return raw[:len(raw):len(raw)]
	}
	start := len(p.buf)
	p.buf = unquoteJSON(p.buf, raw)
	return p.buf[start:len(p.buf):len(p.buf)]
}

func hasBackslash(b []byte) bool {
	for _, c := range b {
		if c == '\\' {
			return true
		}
	}
	return false
}

// unquoteJSON appends the contents of a checked JSON string (raw, without
// quotes) to dst as encoding/json decodes them: escapes resolved, a bad
// surrogate or invalid UTF-8 byte replaced by U+FFFD.
func unquoteJSON(dst, raw []byte) []byte {
	for r := 0; r < len(raw); {
		c := raw[r]
		switch {
		case c == '\\':
			e := raw[r+1]
			r += 2
			switch e {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				rr := hex4(raw[r:])
				r += 4
				if utf16.IsSurrogate(rr) {
					if r+6 <= len(raw) && raw[r] == '\\' && raw[r+1] == 'u' {
						if dec := utf16.DecodeRune(rr, hex4(raw[r+2:])); dec != utf8.RuneError {
							r += 6
							dst = utf8.AppendRune(dst, dec)
							continue
						}
					}
					rr = utf8.RuneError
				}
				dst = utf8.AppendRune(dst, rr)
			default: // '"', '\\', '/'
				dst = append(dst, e)
			}
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			r++
		default:
			rr, size := utf8.DecodeRune(raw[r:])
			r += size
			dst = utf8.AppendRune(dst, rr)
		}
	}
	return dst
}

// hex4 reads four checked hex digits.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		default:
			c = c - 'A' + 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// plainTime makes one epoch integer of w, described from items, its time
// field when no member named timestamp is (see plainWriter), by the time
// rule (TimePick).
func plainTime(w *Writer, items []jsonItem, paths []string, b []byte) {
	var pick TimePick
	for i, it := range items {
		if it.kind != 'n' || paths[i] == "" {
			continue
		}
		n, err := strconv.ParseInt(string(b[it.valStart:it.valEnd]), 10, 64)
		if err != nil {
			continue
		}
		pick.Offer(paths[i], n)
	}
	for _, f := range w.Fields {
		if f.Kind == KindTime {
			return
		}
	}
	if i, ok := w.index[pick.Path]; ok && w.Fields[i].Kind == KindNumber {
		w.Fields[i].Kind, w.Fields[i].Unit = KindTime, pick.Unit
	}
}
