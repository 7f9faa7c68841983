package render

import (
	"image/color"
	"math"
	"time"
)

// palette is the dashboard's series colours (ui.NewStyles), in order.
var palette = []color.RGBA{
	{0x4F, 0xC3, 0xF7, 0xFF}, {0xFF, 0xB7, 0x4D, 0xFF}, {0x81, 0xC7, 0x84, 0xFF}, {0xF0, 0x62, 0x92, 0xFF}, {0xBA, 0x68, 0xC8, 0xFF},
	{0xFF, 0xF1, 0x76, 0xFF}, {0x4D, 0xB6, 0xAC, 0xFF}, {0xE5, 0x73, 0x73, 0xFF}, {0xA1, 0x88, 0x7F, 0xFF}, {0x90, 0xA4, 0xAE, 0xFF},
}

// epoch is the end of the fixtures' window.
var epoch = time.Date(2026, 12, 6, 5, 40, 0, 0, time.UTC)

// sensorView returns a view like a dashboard's with a 3 h window: panes
// partitions, each with sensors series of the tutorial's sine readings;
// the older two hours of each are folded into buckets of bucket, the last
// hour is points every step. Between 95 and 85 minutes ago every sensor
// reads 1,000 (the block of issue 19), and one needle of 5,000 stands in
// one bucket of sensor1 on partition 0.
func sensorView(partitions, sensors int, step, bucket time.Duration) View {
	from, to := epoch.Add(-3*time.Hour), epoch
	split := epoch.Add(-time.Hour)
	value := func(sensor int, t time.Time) float64 {
		if ago := epoch.Sub(t); ago <= 95*time.Minute && ago >= 85*time.Minute {
			return 1000
		}
		x := t.Sub(from).Seconds()
		return 50 + 10*float64(sensor) + 8*math.Sin(x/600+float64(sensor))
	}
	v := View{Topic: "temperature", Group: "kafkaplot", Window: 3 * time.Hour, Live: true, Location: time.UTC}
	for p := 0; p < partitions; p++ {
		pane := Pane{Title: "partition " + string(rune('0'+p)), From: from, To: to}
		for s := 0; s < sensors; s++ {
			sr := Series{Name: "sensor" + string(rune('1'+s)), Color: palette[s%len(palette)], Round: s / len(palette), Join: 5 * step}
			for t := from; t.Before(split); t = t.Add(bucket) {
				b := Bucket{From: t, To: t.Add(bucket - step), Min: math.Inf(1), Max: math.Inf(-1)}
				for u := t; u.Before(t.Add(bucket)); u = u.Add(step) {
					x := value(s, u)
					if u.Equal(t) {
						b.First = x
					}
					b.Last, b.Min, b.Max = x, math.Min(b.Min, x), math.Max(b.Max, x)
				}
				if p == 0 && s == 0 && t.Equal(from.Add(30*time.Minute)) {
					b.Max = 5000
				}
				sr.Buckets = append(sr.Buckets, b)
			}
			for t := split; !t.After(to); t = t.Add(step) {
				sr.Points = append(sr.Points, Point{T: t, V: value(s, t)})
			}
			pane.Series = append(pane.Series, sr)
		}
		v.Panes = append(v.Panes, pane)
	}
	return v
}
