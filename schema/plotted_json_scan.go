package schema

import (
	"math"
	"math/bits"
	"unicode/utf8"
)

// jsonFloat reads a checked JSON number literal (number) without an
// exponent, of at most 19 digits and at most 22 decimals, as
// strconv.ParseFloat does: an integer of at most 2^53 divided by an exact
// power of ten is one correctly rounded division; a larger one goes
// through the Eisel-Lemire algorithm as strconv's does (eiselLemire). ok is
// false for any other literal, and where the algorithm cannot decide.
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
	if i != len(b) || digits == 0 || digits > 19 || decimals >= len(pow10) {
		return 0, false
	}
	return decFloat(mant, decimals, neg)
}

// decFloat returns mant × 10^-decimals (decimals at most 22), negated if
// neg, as strconv.ParseFloat reads it; ok is false where eiselLemire's is.
func decFloat(mant uint64, decimals int, neg bool) (float64, bool) {
	if mant > 1<<53 {
		return eiselLemire(mant, decimals, neg)
	}
	f := float64(mant) / pow10[decimals]
	if neg {
		f = -f
	}
	return f, true
}

// pow10Neg128 are 10^-k for k = 0…22 as strconv's Eisel-Lemire table has
// them: 128-bit mantissas rounded down, {hi, lo}.
var pow10Neg128 = [...][2]uint64{
	{0x8000000000000000, 0x0000000000000000}, {0xCCCCCCCCCCCCCCCC, 0xCCCCCCCCCCCCCCCC},
	{0xA3D70A3D70A3D70A, 0x3D70A3D70A3D70A3}, {0x83126E978D4FDF3B, 0x645A1CAC083126E9},
	{0xD1B71758E219652B, 0xD3C36113404EA4A8}, {0xA7C5AC471B478423, 0x0FCF80DC33721D53},
	{0x8637BD05AF6C69B5, 0xA63F9A49C2C1B10F}, {0xD6BF94D5E57A42BC, 0x3D32907604691B4C},
	{0xABCC77118461CEFC, 0xFDC20D2B36BA7C3D}, {0x89705F4136B4A597, 0x31680A88F8953030},
	{0xDBE6FECEBDEDD5BE, 0xB573440E5A884D1B}, {0xAFEBFF0BCB24AAFE, 0xF78F69A51539D748},
	{0x8CBCCC096F5088CB, 0xF93F87B7442E45D3}, {0xE12E13424BB40E13, 0x2865A5F206B06FB9},
	{0xB424DC35095CD80F, 0x538484C19EF38C94}, {0x901D7CF73AB0ACD9, 0x0F9D37014BF60A10},
	{0xE69594BEC44DE15B, 0x4C2EBE687989A9B3}, {0xB877AA3236A4B449, 0x09BEFEB9FAD487C2},
	{0x9392EE8E921D5D07, 0x3AFF322E62439FCF}, {0xEC1E4A7DB69561A5, 0x2B31E9E3D06C32E5},
	{0xBCE5086492111AEA, 0x88F4BB1CA6BCF584}, {0x971DA05074DA7BEE, 0xD3F6FC16EBCA5E03},
	{0xF1C90080BAF72CB1, 0x5324C68B12DD6338},
}

// eiselLemire is strconv's eiselLemire64 for man × 10^-decimals (man not
// 0, decimals at most 22): the float64 nearest to it, or ok false when the
// 128-bit approximation cannot tell (strconv then decides). strconv has it
// only behind ParseFloat, which would parse the text again.
//
// Adapted, with pow10Neg128, from Go's src/strconv/eisel_lemire.go:
// Copyright 2020 The Go Authors. All rights reserved. Use of this source
// code is governed by a BSD-style license (https://go.dev/LICENSE).
func eiselLemire(man uint64, decimals int, neg bool) (float64, bool) {
	pow := pow10Neg128[decimals]
	exp2 := 1 + (-decimals*108853)>>15 // 1 + floor(-decimals × log2(10))
	clz := bits.LeadingZeros64(man)
	man <<= uint(clz)
	retExp2 := uint64(exp2+63+1023) - uint64(clz)
	xHi, xLo := bits.Mul64(man, pow[0])
	if xHi&0x1FF == 0x1FF && xLo+man < man {
		yHi, yLo := bits.Mul64(man, pow[1])
		mergedHi, mergedLo := xHi, xLo+yHi
		if mergedLo < xLo {
			mergedHi++
		}
		if mergedHi&0x1FF == 0x1FF && mergedLo+1 == 0 && yLo+man < man {
			return 0, false
		}
		xHi, xLo = mergedHi, mergedLo
	}
	msb := xHi >> 63
	retMantissa := xHi >> (msb + 9)
	retExp2 -= 1 ^ msb
	if xLo == 0 && xHi&0x1FF == 0 && retMantissa&3 == 1 {
		return 0, false
	}
	retMantissa += retMantissa & 1
	retMantissa >>= 1
	if retMantissa>>53 > 0 {
		retMantissa >>= 1
		retExp2++
	}
	if retExp2-1 >= 0x7FF-1 {
		return 0, false
	}
	retBits := retExp2<<52 | retMantissa&(1<<52-1)
	if neg {
		retBits |= 1 << 63
	}
	return math.Float64frombits(retBits), true
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

func (sc *jsonScan) space(pos int) int { return skipSpace(sc.b, pos) }

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
		if pos = plainRun(b, pos); pos >= len(b) {
			break
		}
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
		default: // not ASCII: as encoding/json, any bytes
			for pos++; pos < len(b) && b[pos] >= utf8.RuneSelf; pos++ {
			}
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
