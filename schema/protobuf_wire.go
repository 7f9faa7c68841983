package schema

import (
	"errors"
	"fmt"
)

// maxMessageIndexes bounds the message-index array of a Protobuf payload: a
// path of nested messages deeper than this is refused before any lookup.
const maxMessageIndexes = 32

// ErrBadMessageIndex reports a Protobuf payload whose message-index array is
// malformed or names no message of its schema.
var ErrBadMessageIndex = errors.New("bad protobuf message index")

// errIndexTruncated and friends are the message-index errors without
// context, so that the header parse never formats on its hot path.
var (
	errIndexTruncated = fmt.Errorf("%w: truncated varint", ErrBadMessageIndex)
	errIndexLong      = fmt.Errorf("%w: varint longer than 5 bytes", ErrBadMessageIndex)
	errIndexNegative  = fmt.Errorf("%w: negative message index", ErrBadMessageIndex)
	errIndexCount     = fmt.Errorf("%w: negative count (an unsigned-varint writer, such as confluent-kafka-python before 1.8, writing a message other than the first?)", ErrBadMessageIndex)
	errIndexTooMany   = fmt.Errorf("%w: more than %d indexes", ErrBadMessageIndex, maxMessageIndexes)
)

// MessageIndexes is the path of a message in its .proto file: the index of
// a top-level message, then of a message nested in it, and so on. [0] is the
// file's first message.
type MessageIndexes struct {
	n   int
	idx [maxMessageIndexes]int32
}

// FirstMessage is the path of a file's first top-level message.
var FirstMessage = MessageIndexes{n: 1}

// NewMessageIndexes returns the path given by indexes; it panics when there
// are none or more than 32 of them, or one is negative.
func NewMessageIndexes(indexes ...int) MessageIndexes {
	if len(indexes) == 0 || len(indexes) > maxMessageIndexes {
		panic(fmt.Sprintf("schema: %d message indexes, want 1 to %d", len(indexes), maxMessageIndexes))
	}
	m := MessageIndexes{n: len(indexes)}
	for i, v := range indexes {
		if v < 0 || v > 1<<31-1 {
			panic(fmt.Sprintf("schema: message index %d out of range", v))
		}
		m.idx[i] = int32(v)
	}
	return m
}

// Len returns the number of indexes.
func (m MessageIndexes) Len() int { return m.n }

// At returns the i-th index.
func (m MessageIndexes) At(i int) int { return int(m.idx[i]) }

// Ints returns the indexes as a slice.
func (m MessageIndexes) Ints() []int {
	out := make([]int, m.n)
	for i := range out {
		out[i] = int(m.idx[i])
	}
	return out
}

// String writes the path as [1 0].
func (m MessageIndexes) String() string { return fmt.Sprint(m.Ints()) }

// ParseMessageIndexes reads the message-index array that follows the
// Confluent header of a Protobuf payload: a zig-zag varint count, then that
// many zig-zag varint indexes, where the single byte 0 stands for [0] (the
// file's first message). It returns the path and the Protobuf body after it.
func ParseMessageIndexes(b []byte) (MessageIndexes, []byte, error) {
	if len(b) > 0 && b[0] == 0 {
		return FirstMessage, b[1:], nil
	}
	count, pos, err := readZigzag32(b, 0)
	if err != nil {
		return MessageIndexes{}, nil, err
	}
	switch {
	case count == 0: // an overlong encoding of the single 0
		return FirstMessage, b[pos:], nil
	case count < 0:
		return MessageIndexes{}, nil, errIndexCount
	case count > maxMessageIndexes:
		return MessageIndexes{}, nil, errIndexTooMany
	}
	m := MessageIndexes{n: int(count)}
	for i := range m.n {
		var v int32
		if v, pos, err = readZigzag32(b, pos); err != nil {
			return MessageIndexes{}, nil, err
		}
		if v < 0 {
			return MessageIndexes{}, nil, errIndexNegative
		}
		m.idx[i] = v
	}
	return m, b[pos:], nil
}

// AppendMessageIndexes appends the message-index array of m to dst: the
// single byte 0 for [0], else the count and the indexes as zig-zag varints.
func AppendMessageIndexes(dst []byte, m MessageIndexes) []byte {
	if m.n == 1 && m.idx[0] == 0 {
		return append(dst, 0)
	}
	dst = appendZigzag32(dst, int32(m.n))
	for i := range m.n {
		dst = appendZigzag32(dst, m.idx[i])
	}
	return dst
}

// readZigzag32 reads a zig-zag varint of at most 5 bytes at b[pos:]: an
// Avro int's encoding (readInt), with the message index's errors.
func readZigzag32(b []byte, pos int) (int32, int, error) {
	v, pos, err := readInt(b, pos)
	switch err {
	case errWalkTruncated:
		err = errIndexTruncated
	case errVarintInt:
		err = errIndexLong
	}
	return v, pos, err
}

func appendZigzag32(dst []byte, v int32) []byte {
	u := uint32(v<<1) ^ uint32(v>>31)
	for u >= 0x80 {
		dst = append(dst, byte(u)|0x80)
		u >>= 7
	}
	return append(dst, byte(u))
}
