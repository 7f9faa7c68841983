package schema

// jsonFloat reads a checked JSON number literal (number) without an
// exponent whose digits make an integer of at most 2^53 and that has at
// most 22 decimals: then the value is that integer divided by an exact
// power of ten (pow10), one correctly rounded division, the very float64
// strconv.ParseFloat returns. ok is false for any other literal.
func jsonFloat(b []byte) (f float64, ok bool) {
	i, neg := 0, len(b) > 0 && b[0] == '-'
	if neg {
		i++
	}
	var mant uint64
	digits, decimals := 0, 0
	for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		mant, digits = mant*10+uint64(b[i]-'0'), digits+1
	}
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
			mant, digits, decimals = mant*10+uint64(b[i]-'0'), digits+1, decimals+1
		}
	}
	if i != len(b) || digits == 0 || digits > 19 || mant > 1<<53 || decimals >= len(pow10) {
		return 0, false
	}
	f = float64(mant) / pow10[decimals]
	if neg {
		f = -f
	}
	return f, true
}

// jsonInt reads a checked JSON integer literal of at most 18 digits (which
// cannot overflow), as strconv.ParseInt does; ok is false for any other.
func jsonInt(b []byte) (n int64, ok bool) {
	i, neg := 0, len(b) > 0 && b[0] == '-'
	if neg {
		i++
	}
	if len(b)-i == 0 || len(b)-i > 18 {
		return 0, false
	}
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// matchFlat scans the body as document does, if it is an object of
// exactly shape's members (a flat shape: scalars only), the same raw keys
// with values of the same kinds in the same order, and lists its items; it
// reports false for any other body, valid or not, leaving document to
// tell. A body it matches is one document accepts with these items and
// shape's signature, without building the signature or looking it up.
func (sc *jsonScan) matchFlat(shape *jsonShape) bool {
	b := sc.b
	pos := sc.space(0)
	if pos >= len(b) || b[pos] != '{' {
		return false
	}
	pos = sc.space(pos + 1)
	for i, key := range shape.keys {
		if i > 0 {
			if pos >= len(b) || b[pos] != ',' {
				return false
			}
			pos = sc.space(pos + 1)
		}
		end := pos + 1 + len(key)
		if end >= len(b) || b[pos] != '"' || string(b[pos+1:end]) != key || b[end] != '"' {
			return false
		}
		keyStart := pos + 1
		if pos = sc.space(end + 1); pos >= len(b) || b[pos] != ':' {
			return false
		}
		if pos = sc.space(pos + 1); pos >= len(b) {
			return false
		}
		valStart, kind := pos, shape.kinds[i]
		var err error
		switch c := b[pos]; {
		case kind == 's' && c == '"':
			pos, err = sc.str(pos)
		case kind == 'n' && (c == '-' || '0' <= c && c <= '9'):
			pos, err = sc.number(pos)
		case kind == 't' && c == 't':
			pos, err = sc.literal(pos, "true")
		case kind == 'f' && c == 'f':
			pos, err = sc.literal(pos, "false")
		case kind == 'z' && c == 'n':
			pos, err = sc.literal(pos, "null")
		default:
			return false
		}
		if err != nil {
			return false
		}
		sc.items = append(sc.items, jsonItem{kind: kind, keyStart: keyStart, keyEnd: end, valStart: valStart, valEnd: pos})
		pos = sc.space(pos)
	}
	if pos >= len(b) || b[pos] != '}' {
		return false
	}
	return sc.space(pos+1) == len(b)
}

// document scans the body: one object between optional whitespace.
func (sc *jsonScan) document() error {
	pos := sc.space(0)
	if pos >= len(sc.b) {
		return errJSONEnd
	}
	if sc.b[pos] != '{' {
		return errJSONNotObj
	}
	pos, err := sc.object(pos, 1, true)
	if err != nil {
		return err
	}
	if sc.space(pos) != len(sc.b) {
		return errJSONTrailing
	}
	return nil
}

func (sc *jsonScan) space(pos int) int {
	for pos < len(sc.b) {
		switch sc.b[pos] {
		case ' ', '\t', '\r', '\n':
			pos++
		default:
			return pos
		}
	}
	return pos
}

// object scans an object at b[pos] == '{'; record lists its members as
// items (arrays are scanned without).
func (sc *jsonScan) object(pos, depth int, record bool) (int, error) {
	pos = sc.space(pos + 1)
	if pos < len(sc.b) && sc.b[pos] == '}' {
		return pos + 1, nil
	}
	for {
		if pos >= len(sc.b) {
			return pos, errJSONEnd
		}
		if sc.b[pos] != '"' {
			return pos, errJSONSyntax
		}
		keyStart := pos + 1
		end, err := sc.str(pos)
		if err != nil {
			return end, err
		}
		keyEnd := end - 1
		pos = sc.space(end)
		if pos >= len(sc.b) {
			return pos, errJSONEnd
		}
		if sc.b[pos] != ':' {
			return pos, errJSONSyntax
		}
		pos = sc.space(pos + 1)
		if pos >= len(sc.b) {
			return pos, errJSONEnd
		}
		item := len(sc.items)
		if record {
			sc.items = append(sc.items, jsonItem{keyStart: keyStart, keyEnd: keyEnd, valStart: pos})
			sc.sig = append(sc.sig, sc.b[keyStart:keyEnd]...)
			sc.sig = append(sc.sig, '"')
		}
		if pos, err = sc.value(pos, depth+1, record); err != nil {
			return pos, err
		}
		if record {
			k := sc.items[item].kind
			sc.items[item].valEnd = pos
			sc.sig = append(sc.sig, k)
		}
		pos = sc.space(pos)
		if pos >= len(sc.b) {
			return pos, errJSONEnd
		}
		switch sc.b[pos] {
		case ',':
			pos = sc.space(pos + 1)
		case '}':
			return pos + 1, nil
		default:
			return pos, errJSONSyntax
		}
	}
}

// value scans one value at b[pos]; record lists an object's members (and
// sets the kind of the item just added).
func (sc *jsonScan) value(pos, depth int, record bool) (int, error) {
	setKind := func(k byte) {
		if record {
			sc.items[len(sc.items)-1].kind = k
		}
	}
	switch c := sc.b[pos]; {
	case c == '{':
		if depth > maxJSONNesting {
			return pos, errJSONDepth
		}
		if !record {
			return sc.object(pos, depth, false)
		}
		item := len(sc.items) - 1
		sc.items[item].kind = 'o'
		end, err := sc.object(pos, depth, true)
		if err != nil {
			return end, err
		}
		sc.items = append(sc.items, jsonItem{kind: 'e'})
		sc.sig = append(sc.sig, 'e')
		return end, nil
	case c == '[':
		if depth > maxJSONNesting {
			return pos, errJSONDepth
		}
		setKind('a')
		return sc.array(pos, depth)
	case c == '"':
		setKind('s')
		return sc.str(pos)
	case c == '-' || ('0' <= c && c <= '9'):
		setKind('n')
		return sc.number(pos)
	case c == 't':
		setKind('t')
		return sc.literal(pos, "true")
	case c == 'f':
		setKind('f')
		return sc.literal(pos, "false")
	case c == 'n':
		setKind('z')
		return sc.literal(pos, "null")
	}
	return pos, errJSONSyntax
}

func (sc *jsonScan) array(pos, depth int) (int, error) {
	pos = sc.space(pos + 1)
	if pos < len(sc.b) && sc.b[pos] == ']' {
		return pos + 1, nil
	}
	for {
		if pos >= len(sc.b) {
			return pos, errJSONEnd
		}
		var err error
		if pos, err = sc.value(pos, depth+1, false); err != nil {
			return pos, err
		}
		pos = sc.space(pos)
		if pos >= len(sc.b) {
			return pos, errJSONEnd
		}
		switch sc.b[pos] {
		case ',':
			pos = sc.space(pos + 1)
		case ']':
			return pos + 1, nil
		default:
			return pos, errJSONSyntax
		}
	}
}

func (sc *jsonScan) literal(pos int, word string) (int, error) {
	if len(sc.b)-pos < len(word) {
		if string(sc.b[pos:]) == word[:len(sc.b)-pos] {
			return len(sc.b), errJSONEnd
		}
		return pos, errJSONSyntax
	}
	if string(sc.b[pos:pos+len(word)]) != word {
		return pos, errJSONSyntax
	}
	return pos + len(word), nil
}

// str scans a string at b[pos] == '"' and returns the position after its
// closing quote.
func (sc *jsonScan) str(pos int) (int, error) {
	b := sc.b
	for pos++; pos < len(b); {
		c := b[pos]
		switch {
		case c == '"':
			return pos + 1, nil
		case c < 0x20:
			return pos, errJSONSyntax
		case c == '\\':
			if pos+1 >= len(b) {
				return pos, errJSONEnd
			}
			switch b[pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				pos += 2
			case 'u':
				for i := 2; i < 6; i++ {
					if pos+i >= len(b) {
						return pos, errJSONEnd
					}
					if !isHex(b[pos+i]) {
						return pos, errJSONSyntax
					}
				}
				pos += 6
			default:
				return pos, errJSONSyntax
			}
		default:
			pos++
		}
	}
	return pos, errJSONEnd
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// number scans a JSON number.
func (sc *jsonScan) number(pos int) (int, error) {
	b := sc.b
	if b[pos] == '-' {
		pos++
	}
	digits := func() int {
		n := 0
		for pos < len(b) && '0' <= b[pos] && b[pos] <= '9' {
			pos++
			n++
		}
		return n
	}
	if pos >= len(b) {
		return pos, errJSONEnd
	}
	switch {
	case b[pos] == '0':
		pos++
	case '1' <= b[pos] && b[pos] <= '9':
		digits()
	default:
		return pos, errJSONSyntax
	}
	if pos < len(b) && b[pos] == '.' {
		pos++
		if pos >= len(b) {
			return pos, errJSONEnd
		}
		if digits() == 0 {
			return pos, errJSONSyntax
		}
	}
	if pos < len(b) && (b[pos] == 'e' || b[pos] == 'E') {
		pos++
		if pos < len(b) && (b[pos] == '+' || b[pos] == '-') {
			pos++
		}
		if pos >= len(b) {
			return pos, errJSONEnd
		}
		if digits() == 0 {
			return pos, errJSONSyntax
		}
	}
	return pos, nil
}
