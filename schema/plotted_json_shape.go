package schema

import (
	"encoding/binary"
	"math/bits"
)

// shapeMember is one item of a shape, for readShape: its raw key between
// quotes, its value's kind (as jsonItem's), whether it is the first
// member of its object, its value's nesting depth as document counts it,
// and the slots it empties and fills (its step's).
type shapeMember struct {
	key            string
	kind           byte
	first          bool
	depth          int
	clear, targets []target
	// word holds a key of at most 16 bytes as two little-endian words,
	// padded with zeros; mask has 0xFF in the lanes of its bytes.
	word, mask [2]uint64
}

// shapeMembers lists the members of a scanned record's shape, whose steps
// are steps. A shape without objects clears nothing: an item's slots are
// then its targets only (what its step clears below it is never set) and
// apply overwrites them whole.
func shapeMembers(sc *jsonScan, steps []jsonStep) []shapeMember {
	nested := false
	for _, it := range sc.items {
		nested = nested || it.kind == 'o'
	}
	members := make([]shapeMember, len(sc.items))
	level := 0
	for i, it := range sc.items {
		m := &members[i]
		m.kind = it.kind
		if it.kind == 'e' {
			level--
			continue
		}
		m.first = i == 0 || sc.items[i-1].kind == 'o'
		m.depth = level + 2
		m.targets = steps[i].targets
		if nested {
			m.clear = steps[i].clear
		}
		m.setKey(string(sc.b[it.keyStart-1 : it.keyEnd+1]))
		if it.kind == 'o' {
			level++
		}
	}
	return members
}

// setKey sets m's key and its words.
func (m *shapeMember) setKey(key string) {
	m.key = key
	if len(key) <= 16 {
		for i := range len(key) {
			m.word[i/8] |= uint64(key[i]) << (8 * (i % 8))
			m.mask[i/8] |= 0xFF << (8 * (i % 8))
		}
	}
}

// keyAt reports whether b holds m's key at pos.
func (m *shapeMember) keyAt(b []byte, pos int) bool {
	if len(m.key) <= 16 && pos+16 <= len(b) {
		return binary.LittleEndian.Uint64(b[pos:])&m.mask[0] == m.word[0] &&
			binary.LittleEndian.Uint64(b[pos+8:])&m.mask[1] == m.word[1]
	}
	end := pos + len(m.key)
	return end <= len(b) && string(b[pos:end]) == m.key
}

// jsonNum is a JSON number literal as readShape scans it: its digits read
// as one integer (wrapped past 19 digits), how many digits there are, how
// many of them follow the point, its sign and whether it has an exponent.
type jsonNum struct {
	mant             uint64
	digits, decimals int
	neg, exp         bool
}

// float returns the literal's value as jsonFloat does; ok is false where
// jsonFloat's is.
func (n *jsonNum) float() (float64, bool) {
	if n.exp || n.digits > 19 || n.decimals >= len(pow10) {
		return 0, false
	}
	return decFloat(n.mant, n.decimals, n.neg)
}

// int returns the literal's value as jsonInt does; ok is false where
// jsonInt's is.
func (n *jsonNum) int() (int64, bool) {
	if n.exp || n.decimals > 0 || n.digits > 18 {
		return 0, false
	}
	if n.neg {
		return -int64(n.mant), true
	}
	return int64(n.mant), true
}

// strPlain marks the bytes a JSON string holds as they are: printable
// ASCII other than the quote and the backslash.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// Masks of the byte-parallel tests below: a byte of each value.
const (
	lanes01 = 0x0101010101010101
	lanes7F = 0x7F * lanes01
	lanes80 = 0x80 * lanes01
)

// plainRun returns the position of the first byte at or after pos that is
// not strPlain, or len(b); it tests eight bytes at a time.
func plainRun(b []byte, pos int) int {
	for ; pos+8 <= len(b); pos += 8 {
		x := binary.LittleEndian.Uint64(b[pos:])
		lo := x & lanes7F
		// The high bit of each byte lane says: non-ASCII, a control
		// character, a quote, a backslash. Lanes hold 7 bits, so no sum
		// carries into the next lane.
		odd := x&lanes80 | ^(lo+0x60*lanes01)&lanes80 |
			^((lo^'"'*lanes01)+lanes7F)&lanes80 | ^((lo^'\\'*lanes01)+lanes7F)&lanes80
		if odd != 0 {
			return pos + bits.TrailingZeros64(odd)>>3
		}
	}
	for pos < len(b) && strPlain[b[pos]] {
		pos++
	}
	return pos
}

// digitRun reads the decimal digits at b[pos:] onto mant (mant × 10 +
// digit each, wrapping past 2^64) and returns the position after them
// and mant.
func digitRun(b []byte, pos int, mant uint64) (int, uint64) {
	for ; pos < len(b); pos++ {
		d := b[pos] - '0'
		if d > 9 {
			break
		}
		mant = mant*10 + uint64(d)
	}
	return pos, mant
}

// skipSpace returns the position of the first byte at or after pos that
// is not JSON whitespace.
func skipSpace(b []byte, pos int) int {
	for pos < len(b) {
		if c := b[pos]; c > ' ' || c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return pos
		}
		pos++
	}
	return pos
}

// readShape reads the body into p, which begin has reset for shape, if
// the body is an object of exactly shape's members: the same raw keys with
// values of the same kinds in the same order, at the same depths (arrays
// hold anything). It reports false for any other body, valid or not,
// leaving document to tell. A body it reads is one document accepts with
// shape's signature, checked as document checks it, in one pass that
// fills the slots as read does, as it goes.
func readShape(b []byte, shape *jsonShape, p *Plotted) bool {
	pos := skipSpace(b, 0)
	if pos >= len(b) || b[pos] != '{' {
		return false
	}
	pos = skipSpace(b, pos+1)
	for i := range shape.members {
		m := &shape.members[i]
		if m.kind == 'e' {
			if pos >= len(b) || b[pos] != '}' {
				return false
			}
			pos = skipSpace(b, pos+1)
			continue
		}
		if !m.first {
			if pos >= len(b) || b[pos] != ',' {
				return false
			}
			pos = skipSpace(b, pos+1)
		}
		if !m.keyAt(b, pos) {
			return false
		}
		if pos = skipSpace(b, pos+len(m.key)); pos >= len(b) || b[pos] != ':' {
			return false
		}
		if pos = skipSpace(b, pos+1); pos >= len(b) {
			return false
		}
		if m.clear != nil {
			p.clear(m.clear)
		}
		var s scalar
		switch c := b[pos]; {
		case m.kind == 's' && c == '"':
			start := pos + 1
			if pos = plainRun(b, start); pos < len(b) && b[pos] == '"' {
				s.kind, s.b = sText, b[start:pos:pos]
				pos++
				break
			}
			sc := jsonScan{b: b}
			end, err := sc.str(start - 1)
			if err != nil {
				return false
			}
			pos = end
			if len(m.targets) > 0 {
				s.kind, s.b = sText, p.jsonText(b[start:end-1])
			}
		case m.kind == 'n' && (c == '-' || '0' <= c && c <= '9'):
			var n jsonNum
			start := pos
			if pos = scanNum(b, pos, &n); pos < 0 {
				return false
			}
			if len(m.targets) > 0 {
				p.applyNum(m.targets, b[start:pos:pos], &n)
			}
			pos = skipSpace(b, pos)
			continue
		case m.kind == 't' && c == 't':
			if !word(b, &pos, "true") {
				return false
			}
			s.kind, s.i = sBool, 1
		case m.kind == 'f' && c == 'f':
			if !word(b, &pos, "false") {
				return false
			}
			s.kind = sBool
		case m.kind == 'z' && c == 'n':
			if !word(b, &pos, "null") {
				return false
			}
			s.kind = sNull
		case m.kind == 'o' && c == '{':
			pos++ // its members follow, then its 'e'
			s.kind = sOther
		case m.kind == 'a' && c == '[':
			if m.depth > maxJSONNesting {
				return false
			}
			sc := jsonScan{b: b}
			end, err := sc.array(pos, m.depth)
			if err != nil {
				return false
			}
			pos = end
			s.kind = sOther
		default:
			return false
		}
		if len(m.targets) > 0 {
			p.apply(m.targets, &s)
		}
		pos = skipSpace(b, pos)
	}
	if pos >= len(b) || b[pos] != '}' {
		return false
	}
	return skipSpace(b, pos+1) == len(b)
}

// word moves *pos past the literal w at b[*pos], if there.
func word(b []byte, pos *int, w string) bool {
	end := *pos + len(w)
	if end > len(b) || string(b[*pos:end]) != w {
		return false
	}
	*pos = end
	return true
}

// scanNum scans a JSON number at b[pos] into n and returns the position
// after it, or -1 where the text there is no JSON number.
func scanNum(b []byte, pos int, n *jsonNum) int {
	if b[pos] == '-' {
		n.neg = true
		if pos++; pos >= len(b) {
			return -1
		}
	}
	switch c := b[pos]; {
	case c == '0':
		pos++
		n.digits = 1
	case '1' <= c && c <= '9':
		start := pos
		pos, n.mant = digitRun(b, pos, 0)
		n.digits = pos - start
	default:
		return -1
	}
	if pos < len(b) && b[pos] == '.' {
		pos++
		start := pos
		if pos, n.mant = digitRun(b, pos, n.mant); pos == start {
			return -1
		}
		n.decimals = pos - start
		n.digits += n.decimals
	}
	if pos < len(b) && (b[pos] == 'e' || b[pos] == 'E') {
		n.exp = true
		pos++
		if pos < len(b) && (b[pos] == '+' || b[pos] == '-') {
			pos++
		}
		start := pos
		for pos < len(b) && '0' <= b[pos] && b[pos] <= '9' {
			pos++
		}
		if pos == start {
			return -1
		}
	}
	return pos
}

// applyNum fills the targets ts with the number literal lit, scanned as n,
// as apply does with it.
func (p *Plotted) applyNum(ts []target, lit []byte, n *jsonNum) {
	for _, t := range ts {
		switch t.role {
		case roleValue:
			if f, ok := n.float(); ok {
				p.Values[t.i] = Value{Num: f, State: Set}
				continue
			}
		case roleTime:
			if i, ok := n.int(); ok {
				p.Time, p.TimeState = fromEpoch(i, p.Selection.Unit), Set
				continue
			}
		case roleSeries:
			p.Series, p.SeriesState = lit, Set
			continue
		}
		s := scalar{kind: sNumText, b: lit}
		p.apply([]target{t}, &s)
	}
}
