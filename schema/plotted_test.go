package schema

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

func TestDecodePlotted(t *testing.T) {
	at := time.UnixMilli(1700000000123)
	src := fuzzPlottedProtoSource()
	src.byID[40] = regSchema{typ: FormatAvro, text: testsupport.ClickSchema}
	src.byID[41] = regSchema{typ: FormatAvro, text: nestedSchema}
	src.byID[8] = fuzzJSONSource().byID[8]
	click := frame(t, 40, testsupport.ClickSchema, clickRecord())
	protoSensor, _ := NewProtoSensorEncoder(1).AppendSensor(nil, Sensor{Timestamp: 1700000000123, ID: "sensor4", Value: 35.5})
	for _, tc := range []struct {
		name       string
		payload    []byte
		sel        Selection
		series     string // "" when absent
		values     []Value
		time       time.Time // zero when absent
		wantErr    error
		wantWriter string
	}{
		{name: "click", payload: click, sel: Selection{Series: "id", Values: []string{"cost", "ip", "user_agent", "nope"}, Time: "timestamp"},
			series: "c-42", values: []Value{{0.25, Set}, {0, Absent}, {0, Unusable}, {0, Absent}}, time: at, wantWriter: "com.example.click #40"},
		{name: "click as numbers", payload: click, sel: Selection{Series: "cost", Values: []string{"timestamp"}, Time: "id"},
			series: "0.25", values: []Value{{0, Unusable}}, wantWriter: "com.example.click #40"},
		{name: "truncated click", payload: click[:len(click)-1], sel: Selection{Values: []string{"cost"}}, wantErr: ErrTruncated},
		{name: "click with trailing bytes", payload: append(append([]byte(nil), click...), 0), sel: Selection{Values: []string{"cost"}}, wantErr: ErrTrailingBytes},
		{name: "protobuf sensor", payload: protoSensor, sel: Selection{Series: "id", Values: []string{"value"}, Time: "timestamp"},
			series: "sensor4", values: []Value{{35.5, Set}}, time: at, wantWriter: "temperature-value v1 (PROTOBUF)"},
		{name: "protobuf wrapper, oneof and nested message", sel: Selection{Series: "name", Values: []string{"v", "a", "next.v", "b.v", "big"}, Time: "at"},
			payload: protoFrame(t, src, 6, FirstMessage, map[string]any{"v": map[string]any{"value": 1.5}, "name": map[string]any{"value": "n"}, "a": int64(3),
				"next": map[string]any{"v": map[string]any{"value": 2.5}}}),
			series: "n", values: []Value{{1.5, Set}, {3, Set}, {2.5, Set}, {0, Absent}, {0, Set}}, wantWriter: "node-value v1 (PROTOBUF)"},
		{name: "protobuf body cut short", payload: protoSensor[:len(protoSensor)-2], sel: Selection{Values: []string{"value"}}, wantErr: ErrMalformedProto},
		{name: "plain json", payload: []byte(`{"timestamp":1700000000123,"id":"s\u00e9","value":"2.5","loc":{"lat":-1}}`),
			sel:    Selection{Series: "id", Values: []string{"value", "loc.lat", "loc"}, Time: "timestamp"},
			series: "sé", values: []Value{{2.5, Set}, {-1, Set}, {0, Unusable}}, time: at, wantWriter: "plain JSON"},
		{name: "json repeated key replaces", payload: []byte(`{"loc":{"lat":1},"loc":null}`), sel: Selection{Values: []string{"loc.lat"}},
			values: []Value{{0, Absent}}, wantWriter: "plain JSON"},
		{name: "json schema with date-time", payload: append(AppendHeader(nil, 8), `{"id":"x","value":3,"at":"2023-11-14T22:13:20.123Z"}`...),
			sel: Selection{Series: "id", Values: []string{"value"}, Time: "at"}, series: "x", values: []Value{{3, Set}}, time: at, wantWriter: "j-value v1 (JSON)"},
		{name: "json with a trailing comma", payload: []byte(`{"a":1,}`), sel: Selection{Values: []string{"a"}}, wantErr: ErrBadJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sel := tc.sel
			d := NewDecoder(src, WithSelection(func(*Writer) Selection { return sel }))
			var p Plotted
			err := d.DecodePlotted(context.Background(), tc.payload, &p)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("error %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Writer.Label(); got != tc.wantWriter && !strings.HasPrefix(got, tc.wantWriter) {
				t.Errorf("writer %q, want %q", got, tc.wantWriter)
			}
			if (tc.series != "") != (p.SeriesState == Set) || string(p.Series) != tc.series {
				t.Errorf("series %q (%d), want %q", p.Series, p.SeriesState, tc.series)
			}
			for i, want := range tc.values {
				if p.Values[i] != want {
					t.Errorf("value %s = %+v, want %+v", sel.Values[i], p.Values[i], want)
				}
			}
			if !tc.time.IsZero() && (p.TimeState != Set || !p.Time.Equal(tc.time)) {
				t.Errorf("time %v (%d), want %v", p.Time, p.TimeState, tc.time)
			}
			if tc.time.IsZero() && p.TimeState == Set {
				t.Errorf("time %v, want none", p.Time)
			}
		})
	}
}

func TestDecodePlottedNoAllocs(t *testing.T) {
	d := NewDecoder(&memSource{schemas: map[int]string{40: testsupport.ClickSchema}}, WithSelection(func(*Writer) Selection {
		return Selection{Series: "id", Values: []string{"cost"}, Time: "timestamp"}
	}))
	payload := frame(t, 40, testsupport.ClickSchema, clickRecord())
	var p Plotted
	ctx := context.Background()
	if err := d.DecodePlotted(ctx, payload, &p); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _ = d.DecodePlotted(ctx, payload, &p) }); n != 0 {
		t.Fatalf("%v allocations per record", n)
	}
}

// TestDecodePlottedConcurrent compiles readers and JSON shapes from many
// goroutines at once (run with -race).
func TestDecodePlottedConcurrent(t *testing.T) {
	d := NewDecoder(&memSource{schemas: map[int]string{40: testsupport.ClickSchema}}, WithSelection(selectEvery))
	payloads := [][]byte{frame(t, 40, testsupport.ClickSchema, clickRecord()), []byte(`{"a":1}`), []byte(`{"b":"x","a":2}`), []byte(`{"a":{"c":3}}`)}
	done := make(chan error)
	for g := range 8 {
		go func() {
			var p Plotted
			var err error
			for i := range 50 {
				if err = d.DecodePlotted(context.Background(), payloads[(g+i)%len(payloads)], &p); err != nil {
					break
				}
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
