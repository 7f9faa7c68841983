package schema

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// TestValidUTF8 compares validUTF8 with utf8.Valid on ASCII runs of every
// length up to 20 with a multi-byte rune, a stray byte or nothing put at
// each position.
func TestValidUTF8(t *testing.T) {
	for n := range 21 {
		ascii := strings.Repeat("a", n)
		cases := []string{ascii}
		for i := range n + 1 {
			for _, put := range []string{"é", "\xff", "\xc3", "😀"[:3], "\x7f"} {
				cases = append(cases, ascii[:i]+put+ascii[i:])
			}
		}
		for _, c := range cases {
			if got, want := validUTF8([]byte(c)), utf8.Valid([]byte(c)); got != want {
				t.Errorf("validUTF8(%q) = %v, want %v", c, got, want)
			}
		}
	}
}

// TestProtoDirectOps checks which fields of the sensor the compiled reader
// reads straight into their slot: each field selected once, in the role it
// has on the dashboard; a field selected twice goes through apply.
func TestProtoDirectOps(t *testing.T) {
	src := fuzzProtoSource()
	payload, _ := NewProtoSensorEncoder(1).AppendSensor(nil, Sensor{Timestamp: 1700000000123, ID: "sensor0", Value: 50})
	for _, tc := range []struct {
		name string
		sel  func(*Writer) Selection
		want []pop // by field number 1, 2, 3
	}{
		{"apart", selectApart, []pop{pTimeInt64, pSeriesText, pValueDouble}},
		{"every", selectEvery, []pop{pGeneric, pGeneric, pValueDouble}},
		{"rotated", selectRotated, []pop{pGeneric, pGeneric, pGeneric}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(src, WithSelection(tc.sel))
			var p Plotted
			if err := d.DecodePlotted(context.Background(), payload, &p); err != nil {
				t.Fatal(err)
			}
			e, err := d.entry(context.Background(), 1)
			if err != nil {
				t.Fatal(err)
			}
			top := e.proto.first.plotReader(d).top
			for i, want := range tc.want {
				if got := top.byNum(protowire.Number(i + 1)).op; got != want {
					t.Errorf("field %d: op %d, want %d", i+1, got, want)
				}
			}
			checkPlotted(t, d, payload)
		})
	}
}
