package chart

import (
	"testing"
	"time"
)

func TestAppendBuckets(t *testing.T) {
	s := NewSeries("sensor1", 4)
	s.SetFold(Fold{Width: int64(10 * time.Second)})
	sec := int64(time.Second)
	// 40 points a second apart: the last 4 stay in the ring, the first 36
	// are folded into buckets of 10 s (0–9, 10–19, 20–29, 30–35).
	for i := int64(0); i < 40; i++ {
		v := float64(i)
		if i == 13 {
			v = 5000
		}
		s.Add(i*sec, v)
	}
	got := s.AppendBuckets(nil, 0, 40*sec)
	if len(got) != 4 {
		t.Fatalf("%d buckets, want 4: %+v", len(got), got)
	}
	b := got[1]
	if b.First != (Point{10 * sec, 10}) || b.Last != (Point{19 * sec, 19}) || b.Lo != (Point{10 * sec, 10}) || b.Hi != (Point{13 * sec, 5000}) || b.N != 10 {
		t.Errorf("second bucket %+v", b)
	}
	if got[3].N != 6 || s.Len() != 4 || s.At(0).T != 36*sec {
		t.Errorf("last bucket %+v, ring %d from %d", got[3], s.Len(), s.At(0).T)
	}
	if in := s.AppendBuckets(nil, 15*sec, 25*sec); len(in) != 2 || in[0].First.T != 10*sec {
		t.Errorf("buckets in 15–25 s: %+v", in)
	}
	if in := s.AppendBuckets(nil, 37*sec, 39*sec); len(in) != 0 {
		t.Errorf("buckets after the folded points: %+v", in)
	}
	// Points a second apart are joined up to the chart's least gap (3 s);
	// buckets up to two widths apart.
	if got := s.JoinLimit(); got != 20*sec {
		t.Errorf("join limit %v, want 20s", time.Duration(got))
	}
	if got := NewSeries("x", 4).JoinLimit(); got != minGap {
		t.Errorf("join limit of an empty series %v, want %v", time.Duration(got), time.Duration(minGap))
	}
}
