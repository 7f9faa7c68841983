package render

import (
	"io"
	"math"
	"testing"
	"time"
)

// benchView is 2 panes × 8 series × 3,000 points over 5 minutes.
func benchView() View {
	v := View{Topic: "temperature", Group: "kafkaplot", Window: 5 * time.Minute, Live: true, Location: time.UTC}
	from := epoch.Add(-5 * time.Minute)
	for p := 0; p < 2; p++ {
		pane := Pane{Title: "partition", From: from, To: epoch}
		for s := 0; s < 8; s++ {
			sr := Series{Name: "sensor", Color: palette[s], Join: time.Second}
			for i := 0; i < 3000; i++ {
				sr.Points = append(sr.Points, Point{T: from.Add(time.Duration(i) * 100 * time.Millisecond), V: 50 + 10*math.Sin(float64(i+s*100)/50)})
			}
			pane.Series = append(pane.Series, sr)
		}
		v.Panes = append(v.Panes, pane)
	}
	return v
}

func BenchmarkWrite(b *testing.B) {
	v := benchView()
	for _, f := range []Format{PNG, SVG, PDF} {
		b.Run(f.String(), func(b *testing.B) {
			for b.Loop() {
				if err := Write(io.Discard, v, f, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
