package schema

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"

	"github.com/hamba/avro/v2"
)

// Limits the walker enforces so that hostile payloads cannot exhaust memory
// or the stack. maxBytesLen matches hamba/avro's default MaxByteSliceSize, so
// a body the walker accepts never trips hamba's own limit.
const (
	maxBytesLen      = 1 << 20
	maxDepth         = 128
	maxZeroSizeItems = 1 << 16
)

// kind is the Avro type of a node, resolved through references.
type kind uint8

const (
	kNull kind = iota
	kBool
	kInt
	kLong
	kFloat
	kDouble
	kBytes
	kString
	kRecord
	kEnum
	kArray
	kMap
	kUnion
	kFixed
)

// node is a compiled Avro schema: just what is needed to walk a binary body.
type node struct {
	kind     kind
	fields   []*node // record fields in writer order
	items    *node   // array items or map values
	branches []*node // union branches
	symbols  int     // enum symbol count
	size     int     // fixed size
	minSize  int     // lower bound of the encoded size in bytes
}

// compiler turns avro.Schema values into nodes, sharing one node per named
// type so that recursive schemas compile to a cyclic graph.
type compiler struct {
	named map[string]*node
}

// compile returns the node for an avro.Schema.
func compile(s avro.Schema) (*node, error) {
	c := compiler{named: map[string]*node{}}
	n, err := c.node(s)
	if err != nil {
		return nil, err
	}
	return n, nil
}

func (c *compiler) node(s avro.Schema) (*node, error) {
	if ref, ok := s.(*avro.RefSchema); ok {
		s = ref.Schema()
	}
	if named, ok := s.(avro.NamedSchema); ok {
		if n, ok := c.named[named.FullName()]; ok {
			return n, nil
		}
	}
	switch s.Type() {
	case avro.Null:
		return &node{kind: kNull}, nil
	case avro.Boolean:
		return &node{kind: kBool, minSize: 1}, nil
	case avro.Int:
		return &node{kind: kInt, minSize: 1}, nil
	case avro.Long:
		return &node{kind: kLong, minSize: 1}, nil
	case avro.Float:
		return &node{kind: kFloat, minSize: 4}, nil
	case avro.Double:
		return &node{kind: kDouble, minSize: 8}, nil
	case avro.Bytes:
		return &node{kind: kBytes, minSize: 1}, nil
	case avro.String:
		return &node{kind: kString, minSize: 1}, nil
	case avro.Record:
		rec := s.(*avro.RecordSchema)
		n := &node{kind: kRecord}
		c.named[rec.FullName()] = n
		for _, f := range rec.Fields() {
			fn, err := c.node(f.Type())
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", f.Name(), err)
			}
			n.fields = append(n.fields, fn)
			// A field still being compiled (recursion) reports 0, which
			// keeps minSize a lower bound.
			n.minSize += fn.minSize
		}
		return n, nil
	case avro.Enum:
		e := s.(*avro.EnumSchema)
		n := &node{kind: kEnum, symbols: len(e.Symbols()), minSize: 1}
		c.named[e.FullName()] = n
		return n, nil
	case avro.Fixed:
		f := s.(*avro.FixedSchema)
		n := &node{kind: kFixed, size: f.Size(), minSize: f.Size()}
		c.named[f.FullName()] = n
		return n, nil
	case avro.Array:
		items, err := c.node(s.(*avro.ArraySchema).Items())
		if err != nil {
			return nil, err
		}
		return &node{kind: kArray, items: items, minSize: 1}, nil
	case avro.Map:
		values, err := c.node(s.(*avro.MapSchema).Values())
		if err != nil {
			return nil, err
		}
		return &node{kind: kMap, items: values, minSize: 1}, nil
	case avro.Union:
		n := &node{kind: kUnion, minSize: 1}
		for _, t := range s.(*avro.UnionSchema).Types() {
			b, err := c.node(t)
			if err != nil {
				return nil, err
			}
			n.branches = append(n.branches, b)
		}
		return n, nil
	default:
		return nil, fmt.Errorf("unsupported avro type %q", s.Type())
	}
}

// Walk errors without context, so that the walker never formats on its hot
// path; callers wrap them once.
var (
	errWalkTruncated = fmt.Errorf("%w", ErrTruncated)
	errVarintLong    = fmt.Errorf("%w: varint longer than 10 bytes", ErrMalformed)
	errVarintInt     = fmt.Errorf("%w: int varint longer than 5 bytes", ErrMalformed)
	errNegativeLen   = fmt.Errorf("%w: negative length", ErrMalformed)
	errTooLong       = fmt.Errorf("%w: string or bytes longer than %d bytes", ErrMalformed, maxBytesLen)
	errBadBool       = fmt.Errorf("%w: boolean byte is neither 0 nor 1", ErrMalformed)
	errBadEnum       = fmt.Errorf("%w: enum index out of range", ErrMalformed)
	errBadUnion      = fmt.Errorf("%w: union index out of range", ErrMalformed)
	errTooDeep       = fmt.Errorf("%w: nested deeper than %d levels", ErrMalformed, maxDepth)
	errTooMany       = fmt.Errorf("%w: block count implausible for the remaining bytes", ErrMalformed)
)

// readLong reads a zigzag varint long at b[pos:], returning the value and the
// position after it.
func readLong(b []byte, pos int) (int64, int, error) {
	if pos < len(b) && b[pos] < 0x80 { // one byte: most lengths, indexes and small numbers
		c := b[pos]
		return int64(c>>1) ^ -int64(c&1), pos + 1, nil
	}
	if len(b)-pos >= 8 {
		// Up to eight bytes (a millisecond time takes six) at once: the
		// first byte without its high bit ends the varint, and the seven
		// low bits of each byte before it are packed together.
		x := binary.LittleEndian.Uint64(b[pos:])
		if stop := ^x & 0x8080808080808080; stop != 0 {
			n := bits.TrailingZeros64(stop)/8 + 1
			x &= ^uint64(0) >> (64 - 8*n) & 0x7f7f7f7f7f7f7f7f
			x = x&0x007f007f007f007f | x&0x7f007f007f007f00>>1
			x = x&0x00003fff00003fff | x&0x3fff00003fff0000>>2
			x = x&0x000000000fffffff | x&0x0fffffff00000000>>4
			return int64(x>>1) ^ -int64(x&1), pos + n, nil
		}
	}
	var v uint64
	var s uint
	for i := 0; i < 10; i++ {
		if pos >= len(b) {
			return 0, pos, errWalkTruncated
		}
		c := b[pos]
		pos++
		v |= uint64(c&0x7f) << s
		if c < 0x80 {
			return int64(v>>1) ^ -int64(v&1), pos, nil
		}
		s += 7
	}
	return 0, pos, errVarintLong
}

// readInt reads a zigzag varint int (at most 5 bytes, as hamba/avro does).
func readInt(b []byte, pos int) (int32, int, error) {
	var v uint32
	var s uint
	for i := 0; i < 5; i++ {
		if pos >= len(b) {
			return 0, pos, errWalkTruncated
		}
		c := b[pos]
		pos++
		v |= uint32(c&0x7f) << s
		if c < 0x80 {
			return int32(v>>1) ^ -int32(v&1), pos, nil
		}
		s += 7
	}
	return 0, pos, errVarintInt
}

// readLen reads the length prefix of a string or bytes value and checks that
// the value fits in what is left.
func readLen(b []byte, pos int) (int, int, error) {
	l, pos, err := readLong(b, pos)
	if err != nil {
		return 0, pos, err
	}
	if l < 0 {
		return 0, pos, errNegativeLen
	}
	if l > maxBytesLen {
		return 0, pos, errTooLong
	}
	if int(l) > len(b)-pos {
		return 0, pos, errWalkTruncated
	}
	return int(l), pos, nil
}

// readDouble reads an 8-byte little-endian IEEE double.
func readDouble(b []byte, pos int) (float64, int, error) {
	if len(b)-pos < 8 {
		return 0, pos, errWalkTruncated
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b[pos:])), pos + 8, nil
}

// readFloat reads a 4-byte little-endian IEEE float.
func readFloat(b []byte, pos int) (float32, int, error) {
	if len(b)-pos < 4 {
		return 0, pos, errWalkTruncated
	}
	return math.Float32frombits(binary.LittleEndian.Uint32(b[pos:])), pos + 4, nil
}

// skip walks one value of type n starting at b[pos:], validating it as
// hamba/avro would when decoding, and returns the position after it.
func skip(n *node, b []byte, pos, depth int) (int, error) {
	var err error
	switch n.kind {
	case kNull:
		return pos, nil
	case kBool:
		if pos >= len(b) {
			return pos, errWalkTruncated
		}
		if b[pos] > 1 {
			return pos, errBadBool
		}
		return pos + 1, nil
	case kInt:
		_, pos, err = readInt(b, pos)
		return pos, err
	case kLong:
		_, pos, err = readLong(b, pos)
		return pos, err
	case kFloat:
		if len(b)-pos < 4 {
			return pos, errWalkTruncated
		}
		return pos + 4, nil
	case kDouble:
		if len(b)-pos < 8 {
			return pos, errWalkTruncated
		}
		return pos + 8, nil
	case kBytes, kString:
		var l int
		l, pos, err = readLen(b, pos)
		return pos + l, err
	case kFixed:
		if len(b)-pos < n.size {
			return pos, errWalkTruncated
		}
		return pos + n.size, nil
	case kEnum:
		var i int32
		i, pos, err = readInt(b, pos)
		if err != nil {
			return pos, err
		}
		if i < 0 || int(i) >= n.symbols {
			return pos, errBadEnum
		}
		return pos, nil
	}

	if depth >= maxDepth {
		return pos, errTooDeep
	}
	switch n.kind {
	case kRecord:
		for _, f := range n.fields {
			if pos, err = skip(f, b, pos, depth+1); err != nil {
				return pos, err
			}
		}
		return pos, nil
	case kUnion:
		var i int64
		i, pos, err = readLong(b, pos)
		if err != nil {
			return pos, err
		}
		if i < 0 || i >= int64(len(n.branches)) {
			return pos, errBadUnion
		}
		return skip(n.branches[i], b, pos, depth+1)
	case kArray, kMap:
		return skipBlocks(n, b, pos, depth)
	}
	return pos, errors.New("walk avro body: unknown node kind")
}

// skipBlocks walks the blocks of an array or map.
func skipBlocks(n *node, b []byte, pos, depth int) (int, error) {
	itemMin := n.items.minSize
	if n.kind == kMap {
		itemMin++ // the key's length prefix
	}
	total := 0
	for {
		count, next, err := readLong(b, pos)
		if err != nil {
			return next, err
		}
		pos = next
		if count == 0 {
			return pos, nil
		}
		if count < 0 {
			if count == math.MinInt64 {
				return pos, errTooMany
			}
			count = -count
			// A negative count is followed by the block's size in bytes,
			// which readers may use to skip; hamba/avro ignores it.
			if _, pos, err = readLong(b, pos); err != nil {
				return pos, err
			}
		}
		if itemMin > 0 {
			if count > int64((len(b)-pos)/itemMin) {
				return pos, errWalkTruncated
			}
		} else if total += int(min(count, maxZeroSizeItems+1)); total > maxZeroSizeItems {
			return pos, errTooMany
		}
		for range count {
			if n.kind == kMap {
				var l int
				if l, pos, err = readLen(b, pos); err != nil {
					return pos, err
				}
				pos += l
			}
			if pos, err = skip(n.items, b, pos, depth+1); err != nil {
				return pos, err
			}
		}
	}
}
