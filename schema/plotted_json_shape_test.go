package schema

import (
	"context"
	"testing"
)

// TestJSONShapeMatch reads each body after a record of the shape learn
// (so the reader first tries readShape with it) and checks it against the
// full decode, as the fuzz target does, and that the bodies readShape
// must refuse are refused.
func TestJSONShapeMatch(t *testing.T) {
	flat := `{"timestamp":1700000000123,"id":"sensor0","value":50.5}`
	nested := `{"timestamp":1,"id":"x","loc":{"lat":1.5,"in":{},"at":{"n":2}},"tags":[1,[2]],"value":2}`
	for _, tc := range []struct {
		name, learn, body string
		match             bool // readShape takes it (else document decides)
	}{
		{"same shape", flat, `{"timestamp":1700000000124,"id":"sensor1","value":-0.25}`, true},
		{"whitespace", flat, " {\n\"timestamp\" : 1 ,\t\"id\":\"x\" , \"value\":2e3 }\r\n", true},
		{"escaped value", flat, `{"timestamp":1,"id":"a\"b\u00e9","value":3}`, true},
		{"non-ASCII value", flat, `{"timestamp":1,"id":"sensör über","value":3}`, true},
		{"invalid UTF-8", flat, "{\"timestamp\":1,\"id\":\"ab\xffcdefghij\",\"value\":3}", true},
		{"long numbers", flat, `{"timestamp":17334800001234567890,"id":"sensor17","value":-21.384615384615383e-2}`, true},
		{"fraction cut", flat, `{"timestamp":1.,"id":"x","value":2}`, false},
		{"sign alone", flat, `{"timestamp":1,"id":"x","value":-}`, false},
		{"other order", flat, `{"id":"x","timestamp":1,"value":2}`, false},
		{"other kind", flat, `{"timestamp":1,"id":7,"value":2}`, false},
		{"member more", flat, `{"timestamp":1,"id":"x","value":2,"extra":true}`, false},
		{"member fewer", flat, `{"timestamp":1,"id":"x"}`, false},
		{"escaped key", flat, `{"timestamp":1,"i\u0064":"x","value":2}`, false},
		{"trailing comma", flat, `{"timestamp":1,"id":"x","value":2,}`, false},
		{"bad number", flat, `{"timestamp":01,"id":"x","value":2}`, false},
		{"control character", flat, "{\"timestamp\":1,\"id\":\"\x01\",\"value\":2}", false},
		{"data after", flat, `{"timestamp":1,"id":"x","value":2} {}`, false},
		{"cut short", flat, `{"timestamp":1,"id":"x","value":2`, false},
		{"nested same shape", nested, ` { "timestamp":2, "id":"y", "loc":{ "lat":-3 , "in":{ } ,"at":{"n":4}}, "tags":[{"a":[]},"b"], "value":5 } `, true},
		{"nested member more", nested, `{"timestamp":1,"id":"x","loc":{"lat":1.5,"in":{"m":1},"at":{"n":2}},"tags":[],"value":2}`, false},
		{"nested member fewer", nested, `{"timestamp":1,"id":"x","loc":{"lat":1.5,"in":{},"at":{}},"tags":[],"value":2}`, false},
		{"nested unclosed", nested, `{"timestamp":1,"id":"x","loc":{"lat":1.5,"in":{},"at":{"n":2},"tags":[],"value":2}`, false},
		{"nested trailing comma", nested, `{"timestamp":1,"id":"x","loc":{"lat":1.5,"in":{},"at":{"n":2},},"tags":[],"value":2}`, false},
		{"bad array", nested, `{"timestamp":1,"id":"x","loc":{"lat":1.5,"in":{},"at":{"n":2}},"tags":[1,],"value":2}`, false},
		{"array for object", nested, `{"timestamp":1,"id":"x","loc":[],"tags":[],"value":2}`, false},
		{"repeated key", `{"loc":{"lat":1},"loc":2,"id":"x"}`, `{"loc":{"lat":3},"loc":4,"id":"y"}`, true},
		{"object cut short", nested, `{"timestamp":1,"id":"x","loc":{"lat":1.5,"in":{`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, d := range plottedDecoders(fuzzJSONSource()) {
				var p Plotted
				if err := d.DecodePlotted(context.Background(), []byte(tc.learn), &p); err != nil {
					t.Fatal(err)
				}
				last := d.plainShapes().last.Load()
				if last == nil {
					t.Fatal("no shape learnt")
				}
				p.begin(0, last.writer, last.sel)
				if got := readShape([]byte(tc.body), last, &p); got != tc.match {
					t.Errorf("readShape = %v, want %v", got, tc.match)
				}
				checkPlotted(t, d, []byte(tc.body))
			}
		})
	}
}
