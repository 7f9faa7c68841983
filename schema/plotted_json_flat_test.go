package schema

import (
	"context"
	"testing"
)

// TestJSONFlatShapeMatch reads each body after a record of the flat shape
// {"timestamp":n,"id":s,"value":n} (so the reader first tries readFlat)
// and checks it against the full decode, as the fuzz target does, and that
// the bodies readFlat must refuse are refused.
func TestJSONFlatShapeMatch(t *testing.T) {
	learn := []byte(`{"timestamp":1700000000123,"id":"sensor0","value":50.5}`)
	for _, tc := range []struct {
		name  string
		body  string
		match bool // readFlat takes it (else document decides)
	}{
		{"same shape", `{"timestamp":1700000000124,"id":"sensor1","value":-0.25}`, true},
		{"whitespace", " {\n\"timestamp\" : 1 ,\t\"id\":\"x\" , \"value\":2e3 }\r\n", true},
		{"escaped value", `{"timestamp":1,"id":"a\"b\u00e9","value":3}`, true},
		{"non-ASCII value", `{"timestamp":1,"id":"sensör über","value":3}`, true},
		{"invalid UTF-8", "{\"timestamp\":1,\"id\":\"ab\xffcdefghij\",\"value\":3}", true},
		{"long numbers", `{"timestamp":17334800001234567890,"id":"sensor17","value":-21.384615384615383e-2}`, true},
		{"fraction cut", `{"timestamp":1.,"id":"x","value":2}`, false},
		{"sign alone", `{"timestamp":1,"id":"x","value":-}`, false},
		{"other order", `{"id":"x","timestamp":1,"value":2}`, false},
		{"other kind", `{"timestamp":1,"id":7,"value":2}`, false},
		{"member more", `{"timestamp":1,"id":"x","value":2,"extra":true}`, false},
		{"member fewer", `{"timestamp":1,"id":"x"}`, false},
		{"escaped key", `{"timestamp":1,"i\u0064":"x","value":2}`, false},
		{"trailing comma", `{"timestamp":1,"id":"x","value":2,}`, false},
		{"bad number", `{"timestamp":01,"id":"x","value":2}`, false},
		{"control character", "{\"timestamp\":1,\"id\":\"\x01\",\"value\":2}", false},
		{"data after", `{"timestamp":1,"id":"x","value":2} {}`, false},
		{"cut short", `{"timestamp":1,"id":"x","value":2`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, d := range plottedDecoders(fuzzJSONSource()) {
				var p Plotted
				if err := d.DecodePlotted(context.Background(), learn, &p); err != nil {
					t.Fatal(err)
				}
				last := d.plainShapes().last.Load()
				if last == nil || !last.flat {
					t.Fatal("no flat shape learnt")
				}
				p.begin(0, last.writer, last.sel)
				if got := readFlat([]byte(tc.body), last, &p); got != tc.match {
					t.Errorf("readFlat = %v, want %v", got, tc.match)
				}
				checkPlotted(t, d, []byte(tc.body))
			}
		})
	}
}
