package stream

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go/compress"
)

// testRecord is a record to write into a test batch; a nil Key or Value is
// written as null.
type testRecord struct {
	timeDelta, offsetDelta int64
	key, value             []byte
	headers                int
}

// appendBatch appends a magic-2 record batch of recs at base, first
// timestamp first, with attributes attrs (its compression applied).
func appendBatch(t *testing.T, dst []byte, base, first int64, attrs uint16, recs []testRecord) []byte {
	t.Helper()
	var body []byte
	for _, r := range recs {
		var rec []byte
		rec = append(rec, 0)
		rec = binary.AppendVarint(rec, r.timeDelta)
		rec = binary.AppendVarint(rec, r.offsetDelta)
		for _, b := range [][]byte{r.key, r.value} {
			if b == nil {
				rec = binary.AppendVarint(rec, -1)
				continue
			}
			rec = binary.AppendVarint(rec, int64(len(b)))
			rec = append(rec, b...)
		}
		rec = binary.AppendVarint(rec, int64(r.headers))
		for range r.headers {
			rec = binary.AppendVarint(rec, 1)
			rec = append(rec, 'h')
			rec = binary.AppendVarint(rec, 2)
			rec = append(rec, "hv"...)
		}
		body = binary.AppendVarint(body, int64(len(rec)))
		body = append(body, rec...)
	}
	if codec := compress.Compression(attrs & attrCompression).Codec(); codec != nil {
		var buf bytes.Buffer
		w := codec.NewWriter(&buf)
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		body = buf.Bytes()
	}
	var last int64
	if len(recs) > 0 {
		last = recs[len(recs)-1].offsetDelta
	}
	b := make([]byte, batchHeaderSize, batchHeaderSize+len(body))
	binary.BigEndian.PutUint64(b, uint64(base))
	binary.BigEndian.PutUint32(b[batchLengthAt:], uint32(batchHeaderSize-12+len(body)))
	b[batchMagicAt] = 2
	binary.BigEndian.PutUint16(b[batchAttributesAt:], attrs)
	binary.BigEndian.PutUint32(b[batchLastDeltaAt:], uint32(last))
	binary.BigEndian.PutUint64(b[batchFirstTimeAt:], uint64(first))
	binary.BigEndian.PutUint64(b[batchMaxTimeAt:], uint64(first+1000))
	binary.BigEndian.PutUint32(b[batchCountAt:], uint32(len(recs)))
	b = append(b, body...)
	binary.BigEndian.PutUint32(b[batchCRCAt:], crc32.Checksum(b[batchAttributesAt:], castagnoli))
	return append(dst, b...)
}

// seen is what each's callback saw of a record.
type seen struct {
	offset int64
	time   time.Time
	key    string
	value  string
	null   bool // value was null
}

func readAll(t *testing.T, batches []byte, from int64) ([]seen, error) {
	t.Helper()
	var br batchReader
	var got []seen
	err := br.each(batches, from, func(r *wireRecord) error {
		got = append(got, seen{r.Offset, r.Time, string(r.Key), string(r.Value), r.Value == nil})
		return nil
	})
	return got, err
}

func TestBatchReader(t *testing.T) {
	const first = int64(1_700_000_000_000)
	ms := func(v int64) time.Time { return time.UnixMilli(v).UTC() }
	three := []testRecord{
		{0, 0, []byte("k0"), []byte("v0"), 0},
		{5, 1, nil, []byte("v1"), 2},
		{9, 2, []byte("k2"), nil, 0},
	}
	want := []seen{
		{100, ms(first), "k0", "v0", false},
		{101, ms(first + 5), "", "v1", false},
		{102, ms(first + 9), "k2", "", true},
	}
	for _, tc := range []struct {
		name  string
		attrs uint16
		from  int64
		want  []seen
	}{
		{"plain", 0, 100, want},
		{"gzip", uint16(compress.Gzip), 100, want},
		{"snappy", uint16(compress.Snappy), 100, want},
		{"lz4", uint16(compress.Lz4), 100, want},
		{"zstd", uint16(compress.Zstd), 100, want},
		{"from inside the batch", 0, 101, want[1:]},
		{"log append time", attrLogAppendTime, 100, []seen{
			{100, ms(first + 1000), "k0", "v0", false},
			{101, ms(first + 1000), "", "v1", false},
			{102, ms(first + 1000), "k2", "", true},
		}},
		{"control batch", attrControl, 100, nil},
		{"batch before from", 0, 103, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			batches := appendBatch(t, nil, 100, first, tc.attrs, three)
			got, err := readAll(t, batches, tc.from)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("read %d records %v, want %d", len(got), got, len(tc.want))
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("record %d: %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// TestBatchReaderKeepsViews: the keys and values of a compressed batch
// are still whole once later compressed batches of the same fetch are
// read (the records of a fetch are handed on together).
func TestBatchReaderKeepsViews(t *testing.T) {
	const first = int64(1_700_000_000_000)
	var batches []byte
	for b := range int64(3) {
		recs := []testRecord{{0, 0, []byte{'k', byte('0' + b)}, bytes.Repeat([]byte{byte('a' + b)}, 64), 0}}
		batches = appendBatch(t, batches, 100+b, first, uint16(compress.Snappy), recs)
	}
	var br batchReader
	var keys, values [][]byte
	if err := br.each(batches, 100, func(r *wireRecord) error {
		keys, values = append(keys, r.Key), append(values, r.Value)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for b := range 3 {
		if want := string([]byte{'k', byte('0' + b)}); string(keys[b]) != want || string(values[b]) != strings.Repeat(string(rune('a'+b)), 64) {
			t.Errorf("record %d after the fetch: key %q value %q, want %q and 64 × %c", b, keys[b], values[b], want, 'a'+b)
		}
	}
}

func TestBatchReaderErrors(t *testing.T) {
	good := appendBatch(t, nil, 0, 1, 0, []testRecord{{0, 0, []byte("k"), []byte("value"), 0}})
	for _, tc := range []struct {
		name   string
		mangle func([]byte) []byte
		want   string
	}{
		{"crc", func(b []byte) []byte { b[len(b)-1] ^= 0xff; return b }, "CRC mismatch"},
		{"magic", func(b []byte) []byte { b[batchMagicAt] = 1; return b }, "magic 1"},
		{"short header", func(b []byte) []byte { return b[:batchHeaderSize-1] }, "want a header"},
		{"length past the end", func(b []byte) []byte { return b[:len(b)-1] }, "bytes left"},
		{"record cut short", func(b []byte) []byte {
			// one record more than the batch holds, CRC made right
			binary.BigEndian.PutUint32(b[batchCountAt:], 2)
			binary.BigEndian.PutUint32(b[batchCRCAt:], crc32.Checksum(b[batchAttributesAt:], castagnoli))
			return b
		}, "record cut short"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readAll(t, tc.mangle(bytes.Clone(good)), 0)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

func TestBatchesEnd(t *testing.T) {
	recs := []testRecord{{0, 0, nil, []byte("a"), 0}, {0, 4, nil, []byte("b"), 0}} // offsets 1-3 compacted away
	two := appendBatch(t, appendBatch(t, nil, 10, 1, 0, recs), 15, 1, 0, recs)
	for _, tc := range []struct {
		name      string
		batches   []byte
		from      int64
		wantNext  int64
		wantWhole int
	}{
		{"none", nil, 7, 7, 0},
		{"two whole", two, 10, 20, len(two)},
		{"the second cut", two[:len(two)-3], 10, 15, len(two) / 2},
		{"only part of one", two[:20], 10, 10, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next, whole := batchesEnd(tc.batches, tc.from)
			if next != tc.wantNext || whole != tc.wantWhole {
				t.Errorf("batchesEnd = %d, %d bytes; want %d, %d bytes", next, whole, tc.wantNext, tc.wantWhole)
			}
		})
	}
}

func TestVarint(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 63, -64, 64, -65, 300, -300, 1 << 40, -(1 << 40)} {
		b := binary.AppendVarint(nil, v)
		got, n := varint(b)
		want, wn := binary.Varint(b)
		if got != want || n != wn || got != v {
			t.Errorf("varint(% x) = %d, %d; binary.Varint %d, %d; want %d", b, got, n, want, wn, v)
		}
	}
	if _, n := varint(nil); n != 0 {
		t.Errorf("varint(nil) read %d bytes", n)
	}
}
