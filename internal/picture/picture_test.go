package picture

import (
	"image/color"
	"math"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/render"
	"github.com/kafkaplot/kafkaplot/ui/chart"
)

var end = time.Date(2026, 12, 6, 5, 40, 0, 0, time.UTC)

// store holds an hour of two sensors on partition 1 (sensor1 with a gap
// and a NaN), one reading a second, the older ones folded a minute a
// bucket, and nothing on partition 0.
func store() *chart.Store {
	st := chart.NewStore(100)
	st.SetFold(chart.Fold{Width: int64(time.Minute)})
	st.SetPartitions(2)
	var evs []chart.Event
	for i := range 3600 {
		at := end.Add(time.Duration(i-3600) * time.Second)
		evs = append(evs,
			chart.Event{Partition: 1, Offset: int64(2 * i), Series: "sensor1", Field: "value", Time: at, Value: float64(i % 60), Gap: i == 3590},
			chart.Event{Partition: 1, Offset: int64(2*i + 1), Series: "sensor2", Field: "value", Time: at, Value: -1})
	}
	evs = append(evs, chart.Event{Partition: 1, Offset: 7200, Series: "sensor1", Field: "value", Time: end, Value: math.NaN()})
	st.Ingest(evs, nil, end.UnixNano())
	return st
}

func TestView(t *testing.T) {
	v := View(store(), Options{Topic: "temperature", Group: "kafkaplot", Window: time.Hour, Live: true,
		From: end.Add(-time.Hour), To: end, Notes: map[int]string{1: "read 1 minute in 12"}, Location: time.UTC})
	if v.Topic != "temperature" || v.Group != "kafkaplot" || v.Window != time.Hour || !v.Live || len(v.Panes) != 2 {
		t.Fatalf("view %+v", v)
	}
	if p := v.Panes[0]; p.Title != "partition 0" || len(p.Series) != 0 || !p.From.Equal(end.Add(-time.Hour)) || !p.To.Equal(end) {
		t.Errorf("pane 0 %+v", p)
	}
	p := v.Panes[1]
	if p.Title != "partition 1" || p.Note != "read 1 minute in 12 · 1 non-finite values not drawn" || len(p.Series) != 2 {
		t.Fatalf("pane 1 %q, note %q, %d series", p.Title, p.Note, len(p.Series))
	}
	// Colours are the dashboard's: a name's hash picks the palette entry.
	colors := palette()
	for i, name := range []string{"sensor1", "sensor2"} {
		s := p.Series[i]
		want := colors[int(chart.NameHash(name+".value")%uint32(len(colors)))]
		if i == 1 && want == p.Series[0].Color {
			want = colors[(int(chart.NameHash(name+".value")%uint32(len(colors)))+1)%len(colors)]
		}
		if s.Name != name || s.Color != want || s.Round != 0 {
			t.Errorf("series %d: %q in %v round %d, want %q in %v", i, s.Name, s.Color, s.Round, name, want)
		}
	}
	s1 := p.Series[0]
	if len(s1.Points) != 100 || len(s1.Buckets) < 55 {
		t.Fatalf("sensor1: %d points, %d buckets", len(s1.Points), len(s1.Buckets))
	}
	b := s1.Buckets[len(s1.Buckets)/2]
	if b.Min != 0 || b.Max != 59 || b.MaxAt.Sub(b.MinAt) != 59*time.Second || b.To.Sub(b.From) != 59*time.Second {
		t.Errorf("a middle bucket %+v", b)
	}
	gaps := 0
	for _, pt := range s1.Points {
		if pt.Gap {
			gaps++
		}
	}
	if gaps != 1 {
		t.Errorf("%d gaps, want the null's", gaps)
	}
	if s1.Join < 3*time.Second {
		t.Errorf("join %v, want at least the chart's 3 s", s1.Join)
	}
}

func TestViewOfAField(t *testing.T) {
	st := chart.NewStore(10)
	for i, f := range []string{"value", "humidity", "value"} {
		st.Ingest([]chart.Event{{Partition: 0, Offset: int64(i), Series: "sensor1", Field: f, Time: end.Add(time.Duration(i) * time.Second), Value: 1}}, nil, end.UnixNano()+int64(time.Minute))
	}
	o := Options{Topic: "t", From: end.Add(-time.Minute), To: end.Add(time.Minute), Partitions: []int{0}}
	names := func(v render.View) (out []string) {
		for _, s := range v.Panes[0].Series {
			out = append(out, s.Name)
		}
		return out
	}
	if got := names(View(st, o)); len(got) != 2 || got[0] != "sensor1.humidity" || got[1] != "sensor1.value" {
		t.Errorf("all fields: %q", got)
	}
	o.Field = "humidity"
	if got := names(View(st, o)); len(got) != 1 || got[0] != "sensor1" {
		t.Errorf("the humidity field: %q", got)
	}
}

func TestPalette(t *testing.T) {
	got := palette()
	if len(got) != len(chart.SeriesColors()) || got[0] != (color.RGBA{0x4F, 0xC3, 0xF7, 0xFF}) {
		t.Errorf("palette %v", got)
	}
}
