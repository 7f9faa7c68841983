package export

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
)

var at = time.Date(2026, 12, 6, 5, 40, 12, 345_678_901, time.UTC)

// rows covers every kind of value and name a row may carry.
func rows() []Row {
	cet := time.FixedZone("CET", 3600)
	tenth, fifth := 0.1, 0.2 // at run time: 0.1 + 0.2 is 0.30000000000000004
	return []Row{
		{Time: at, Partition: 0, Offset: 0, Series: "sensor1", Field: "value", Value: 12.5},
		{Time: at.In(cet), Partition: 1, Offset: 41, Series: "sensor10", Field: "value", Value: tenth + fifth},
		{Time: at.Add(time.Millisecond), Partition: 11, Offset: 1 << 40, Series: "a,b", Field: "location.lat", Value: math.Copysign(0, -1)},
		{Time: at, Partition: 2, Offset: 7, Series: `say "hi"`, Field: "cost", Value: 1e21},
		{Time: at, Partition: 2, Offset: 8, Series: "line\nbreak", Field: "cost", Value: 1234567},
		{Time: at, Partition: 2, Offset: 9, Series: " padded", Field: "tiny", Value: 5e-324},
		{Time: at, Partition: 3, Offset: 10, Series: "températur\u2028e\x01", Field: "value", Value: math.MaxFloat64},
		{Time: at, Partition: 3, Offset: 11, Series: "bad\xffutf8", Field: "value", Value: math.NaN()},
		{Time: at, Partition: 3, Offset: 12, Series: "sensor1", Field: "value", Value: math.Inf(1)},
		{Time: at, Partition: 3, Offset: 13, Series: "sensor1", Field: "value", Value: math.Inf(-1)},
		{Time: at, Partition: 3, Offset: 14, Series: "sensor1", Field: "humidity", Null: true},
		{Time: time.UnixMilli(0), Partition: 0, Offset: 15, Series: "", Field: "", Value: 1},
	}
}

func write(t *testing.T, f Format, rs []Row) []byte {
	t.Helper()
	var b bytes.Buffer
	w := NewWriter(&b, f)
	for _, r := range rs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	for _, f := range []Format{CSV, JSONL} {
		t.Run(f.String(), func(t *testing.T) {
			golden.RequireEqual(t, write(t, f, rows()))
		})
	}
}

// sameValue reports whether text reads back as v exactly (NaN as NaN).
func sameValue(t *testing.T, text string, v float64) bool {
	t.Helper()
	got, err := strconv.ParseFloat(text, 64)
	if err != nil {
		t.Errorf("value %q: %v", text, err)
		return false
	}
	if math.IsNaN(v) {
		return math.IsNaN(got)
	}
	return got == v && math.Signbit(got) == math.Signbit(v)
}

func TestCSVReadsBack(t *testing.T) {
	rs := rows()
	recs, err := csv.NewReader(bytes.NewReader(write(t, CSV, rs))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != Header {
		t.Errorf("header %q, want %q", got, Header)
	}
	if len(recs) != len(rs)+1 {
		t.Fatalf("%d records, want %d and the header", len(recs)-1, len(rs))
	}
	for i, r := range rs {
		rec := recs[i+1]
		tm, err := time.Parse(time.RFC3339Nano, rec[0])
		if err != nil || !tm.Equal(r.Time.Truncate(time.Millisecond)) || tm.Location() != time.UTC {
			t.Errorf("row %d: time %q (%v), want %v in UTC", i, rec[0], err, r.Time.Truncate(time.Millisecond))
		}
		if rec[1] != strconv.Itoa(r.Partition) || rec[2] != strconv.FormatInt(r.Offset, 10) || rec[3] != r.Series || rec[4] != r.Field {
			t.Errorf("row %d: %q, want partition %d offset %d series %q field %q", i, rec, r.Partition, r.Offset, r.Series, r.Field)
		}
		switch {
		case r.Null && rec[5] != "":
			t.Errorf("row %d: null value written %q", i, rec[5])
		case !r.Null && !sameValue(t, rec[5], r.Value):
			t.Errorf("row %d: value %q, want %v", i, rec[5], r.Value)
		}
	}
}

func TestJSONLReadsBack(t *testing.T) {
	rs := rows()
	sc := bufio.NewScanner(bytes.NewReader(write(t, JSONL, rs)))
	i := 0
	for ; sc.Scan(); i++ {
		var obj struct {
			Time      time.Time
			Partition int
			Offset    int64
			Series    string
			Field     string
			Value     json.RawMessage
		}
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&obj); err != nil {
			t.Fatalf("line %d %s: %v", i, sc.Bytes(), err)
		}
		r := rs[i]
		// encoding/json writes invalid UTF-8 as U+FFFD, as this package does.
		wantSeries, _ := json.Marshal(r.Series)
		var series string
		json.Unmarshal(wantSeries, &series)
		if !obj.Time.Equal(r.Time.Truncate(time.Millisecond)) || obj.Partition != r.Partition || obj.Offset != r.Offset || obj.Series != series || obj.Field != r.Field {
			t.Errorf("line %d: %+v, want %+v", i, obj, r)
		}
		v := string(obj.Value)
		switch {
		case r.Null:
			if v != "null" {
				t.Errorf("line %d: null value written %s", i, v)
			}
		case math.IsNaN(r.Value) || math.IsInf(r.Value, 0):
			var s string
			if err := json.Unmarshal(obj.Value, &s); err != nil || !sameValue(t, s, r.Value) {
				t.Errorf("line %d: value %s, want the string of %v", i, v, r.Value)
			}
		case !sameValue(t, v, r.Value):
			t.Errorf("line %d: value %s, want %v", i, v, r.Value)
		}
	}
	if i != len(rs) {
		t.Errorf("%d lines, want %d", i, len(rs))
	}
}

func TestEmpty(t *testing.T) {
	for _, tc := range []struct {
		f    Format
		want string
	}{{CSV, Header + "\n"}, {JSONL, ""}} {
		if got := string(write(t, tc.f, nil)); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.f, got, tc.want)
		}
	}
}

func TestManyRowsInOrder(t *testing.T) {
	var rs []Row
	for i := range 5000 {
		rs = append(rs, Row{Time: at.Add(time.Duration(i) * time.Millisecond), Offset: int64(i), Series: "sensor1", Field: "value", Value: float64(i) / 3})
	}
	out := write(t, CSV, rs)
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(rs)+1 {
		t.Fatalf("%d rows, want %d", len(recs)-1, len(rs))
	}
	for i, rec := range recs[1:] {
		if rec[2] != strconv.Itoa(i) {
			t.Fatalf("row %d has offset %s", i, rec[2])
		}
	}
}

// failing fails every write after the first n bytes.
type failing struct{ n int }

func (f *failing) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, errors.New("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	w := NewWriter(&failing{n: 100}, JSONL)
	var err error
	for i := 0; i < 2000 && err == nil; i++ {
		err = w.Write(rows()[0])
	}
	if err == nil || err.Error() != "write rows: disk full" {
		t.Fatalf("error %v, want write rows: disk full", err)
	}
	if err := w.Flush(); err == nil {
		t.Error("Flush after a failed write succeeded")
	}
}

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Format
		err  string
	}{
		{"csv", CSV, ""},
		{"jsonl", JSONL, ""},
		{"CSV", 0, `output format "CSV" unknown: use csv or jsonl`},
		{"json", 0, `output format "json" unknown: use csv or jsonl`},
		{"", 0, `output format "" unknown: use csv or jsonl`},
	} {
		got, err := ParseFormat(tc.in)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v, %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func BenchmarkWrite(b *testing.B) {
	r := Row{Time: at, Partition: 1, Offset: 123456, Series: "sensor7", Field: "value", Value: 57.29577951308232}
	for _, f := range []Format{CSV, JSONL} {
		b.Run(f.String(), func(b *testing.B) {
			w := NewWriter(discard{}, f)
			b.ReportAllocs()
			for b.Loop() {
				w.Write(r)
			}
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
