package schema

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
)

// TestReadLongPaths: a varint read eight bytes at a time (at least eight
// bytes left) reads as one read a byte at a time (fewer left), for every
// length from one byte to ten, and an unterminated one fails either way.
func TestReadLongPaths(t *testing.T) {
	values := []int64{0, 1, -1, 63, -64, 64, -65, 1733480000123, -1733480000123, math.MaxInt64, math.MinInt64}
	for k := range 63 {
		values = append(values, int64(1)<<k, int64(1)<<k-1, -(int64(1) << k))
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 10_000 {
		values = append(values, int64(rng.Uint64())>>rng.IntN(64))
	}
	for _, v := range values {
		enc := binary.AppendUvarint(nil, uint64(v<<1^v>>63))
		padded := append([]byte{0xff}, append(enc, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)...)
		got, n, err := readLong(enc, 0)
		if err != nil || got != v || n != len(enc) {
			t.Fatalf("%d byte-wise: %d, %d, %v; want %d, %d", v, got, n, err, v, len(enc))
		}
		got, n, err = readLong(padded, 1)
		if err != nil || got != v || n != 1+len(enc) {
			t.Fatalf("%d eight at a time: %d, %d, %v; want %d, %d", v, got, n-1, err, v, len(enc))
		}
	}
	for _, b := range [][]byte{{0x80, 0x80}, {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80}} {
		if _, _, err := readLong(b, 0); err == nil {
			t.Errorf("readLong(% x) read an unterminated varint", b)
		}
	}
}
