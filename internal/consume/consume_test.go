package consume

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/export"
	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
)

func TestPythonFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{50, "50.0"},
		{-1.6974040527855028, "-1.6974040527855028"},
		{73.43209881486389, "73.43209881486389"},
		{0.1, "0.1"},
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{0.0001, "0.0001"},
		{0.00001, "1e-05"},
		{1.5e-7, "1.5e-07"},
		{1e15, "1000000000000000.0"},
		{1e16, "1e+16"},
		{123456789012345678, "1.2345678901234568e+17"},
		{math.Inf(1), "inf"},
		{math.Inf(-1), "-inf"},
		{math.NaN(), "nan"},
	}
	for _, tt := range tests {
		if got := pythonFloat(tt.in); got != tt.want {
			t.Errorf("pythonFloat(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRows checks consume's rows: one per plotted value, in the order
// read, decode errors on stderr and counted, the summary kept apart.
func TestRows(t *testing.T) {
	at := time.Date(2026, 12, 6, 5, 40, 0, 0, time.UTC)
	sensor := func(p int, off int64, id string, v float64) stream.Record {
		return stream.Record{Partition: p, Offset: off, Key: []byte(id), Plotted: schema.Plotted{
			Selection: &schema.Selection{Series: "id", Values: []string{"value"}, Time: "timestamp"},
			Values:    []schema.Value{{Num: v, State: schema.Set}}, Series: []byte(id), SeriesState: schema.Set,
			Time: at.Add(time.Duration(off) * time.Second), TimeState: schema.Set}}
	}
	batch := []stream.Record{
		sensor(0, 0, "sensor1", 50.125),
		sensor(0, 1, "sensor2", math.NaN()),
		{Partition: 0, Offset: 2, Err: errors.New("unknown magic byte 0x7b")},
		sensor(1, 3, "sensor5", 1e21),
		{Partition: 1, Offset: 4}, // nothing decoded: nothing to plot
	}
	for _, tc := range []struct {
		f     export.Format
		quiet bool
		want  string
	}{
		{export.CSV, false, "time,partition,offset,series,field,value\n" +
			"2026-12-06T05:40:00.000Z,0,0,sensor1,value,50.125\n" +
			"2026-12-06T05:40:01.000Z,0,1,sensor2,value,NaN\n" +
			"2026-12-06T05:40:03.000Z,1,3,sensor5,value,1e+21\n"},
		{export.JSONL, false, `{"time":"2026-12-06T05:40:00.000Z","partition":0,"offset":0,"series":"sensor1","field":"value","value":50.125}` + "\n" +
			`{"time":"2026-12-06T05:40:01.000Z","partition":0,"offset":1,"series":"sensor2","field":"value","value":"NaN"}` + "\n" +
			`{"time":"2026-12-06T05:40:03.000Z","partition":1,"offset":3,"series":"sensor5","field":"value","value":1e+21}` + "\n"},
		{export.CSV, true, ""},
	} {
		t.Run(fmt.Sprintf("%v quiet=%v", tc.f, tc.quiet), func(t *testing.T) {
			var out, errOut bytes.Buffer
			p := &recordPrinter{out: bufio.NewWriter(&out), errOut: &errOut, quiet: tc.quiet, topic: "temperature",
				ex: connect.Extractor(config.Default())}
			p.rows = export.NewWriter(p.out, tc.f)
			if err := p.print(batch); err != nil {
				t.Fatal(err)
			}
			if err := p.flush(); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("rows:\n%s\nwant:\n%s", out.String(), tc.want)
			}
			if want := "error: temperature [0] at offset 2: unknown magic byte 0x7b\n"; errOut.String() != want {
				t.Errorf("stderr %q, want %q", errOut.String(), want)
			}
			wantRows := 3
			if tc.quiet {
				wantRows = 0
			}
			if got, want := p.summary(), fmt.Sprintf("5 records (1 errors, 1 without a value to plot), %d rows", wantRows); got != want {
				t.Errorf("summary %q, want %q", got, want)
			}
		})
	}
}

// TestAssignmentReporterNotesSharedGroup: consume says once that its group
// has other members, so that it taking some of a dashboard's partitions is
// not silent.
func TestAssignmentReporterNotesSharedGroup(t *testing.T) {
	tests := []struct {
		name    string
		members []int // members in each event
		notes   int
	}{
		{"alone", []int{1, 1}, 0},
		{"beside a dashboard, said once", []int{2, 2, 3}, 1},
		{"joined later", []int{1, 2}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			a := &assignmentReporter{out: &out, group: "kafkaplot"}
			for gen, n := range tt.members {
				a.report(stream.GroupEvent{Generation: gen + 1, Protocol: "range", Assigned: []int{0}, Members: make([]stream.Member, n)})
			}
			if got := strings.Count(out.String(), "note: group kafkaplot has "); got != tt.notes {
				t.Errorf("%d notes, want %d:\n%s", got, tt.notes, out.String())
			}
		})
	}
}
