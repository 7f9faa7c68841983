package ui

import (
	"fmt"
	"math"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// benchModel returns a 200×50 dashboard holding pointsPerSeries points for
// each of sensors series spread over partitions, rendered with colours.
func benchModel(b *testing.B, partitions, sensors, pointsPerSeries int) Model {
	b.Helper()
	c := &clock{now: testStart()}
	opts := testOptions(c)
	opts.Styles = colorStyles()
	m := New(opts)
	m = update(m, PartitionsMsg{Count: partitions}, twoMembersN(1, partitions), tea.WindowSizeMsg{Width: 200, Height: 50})
	step := 50 * time.Millisecond
	batch := make([]Event, 0, sensors*64)
	for i := 0; i < pointsPerSeries; i += 64 {
		batch = batch[:0]
		for j := i; j < min(i+64, pointsPerSeries); j++ {
			ts := testStart().Add(time.Duration(j) * step)
			for s := 0; s < sensors; s++ {
				batch = append(batch, Event{
					Partition: s % partitions,
					Offset:    int64(j),
					Series:    fmt.Sprintf("sensor%d", s),
					Time:      ts,
					Value:     20 + float64(s%10) + 3*math.Sin(float64(j)/40+float64(s)),
				})
			}
		}
		m = update(m, EventsMsg{Events: batch})
	}
	c.Advance(time.Duration(pointsPerSeries) * step)
	return update(m, FrameMsg{})
}

// twoMembersN is a generation in which this instance owns the even
// partitions of n and another member the odd ones.
func twoMembersN(gen, n int) GroupMsg {
	var mine, other []int
	for p := 0; p < n; p++ {
		if p%2 == 0 {
			mine = append(mine, p)
		} else {
			other = append(other, p)
		}
	}
	return GroupMsg{Generation: gen, MemberID: "a", Owned: mine, Members: []Member{
		{ClientID: "kafkaplot-1", MemberID: "a", Partitions: mine},
		{ClientID: "kafkaplot-2", MemberID: "b", Partitions: other},
	}}
}

// benchFrame measures a full re-render: mark dirty, render on a frame.
func benchFrame(b *testing.B, m Model) {
	b.ReportAllocs()
	for b.Loop() {
		m.dirty = true
		m.frame()
	}
	if len(m.View()) == 0 {
		b.Fatal("empty frame")
	}
}

// BenchmarkFrame renders 2 panes × 8 sensors × 2048 points at 200×50.
func BenchmarkFrame(b *testing.B) {
	benchFrame(b, benchModel(b, 2, 16, 2048))
}

// BenchmarkFrameManySeries renders one pane holding 1,000 series.
func BenchmarkFrameManySeries(b *testing.B) {
	benchFrame(b, benchModel(b, 1, 1000, 2048))
}

// BenchmarkFrame64Partitions renders 64 panes holding as many points as
// BenchmarkFrame (one series of 512 points each), so that it measures the cost
// of many small panes.
func BenchmarkFrame64Partitions(b *testing.B) {
	benchFrame(b, benchModel(b, 64, 64, 512))
}

// BenchmarkFrame64PartitionsFull renders 64 panes × 2 series × 2048 points:
// eight times the points of BenchmarkFrame, all of them visible.
func BenchmarkFrame64PartitionsFull(b *testing.B) {
	benchFrame(b, benchModel(b, 64, 128, 2048))
}

// BenchmarkIngest measures events going into the ring buffers (one op is one
// event), in batches of 512 like main sends them.
func BenchmarkIngest(b *testing.B) { benchIngest(b, nil) }

// BenchmarkIngestFields is BenchmarkIngest with two fields per record, so
// that each event's line is named series.field (the click record's case).
func BenchmarkIngestFields(b *testing.B) { benchIngest(b, []string{"cost", "clicks"}) }

// benchIngest ingests the 8 sensors of 2 partitions, each record's events
// named by fields (none: one unnamed event per record), consecutive events
// of a partition sharing a record.
func benchIngest(b *testing.B, fields []string) {
	const batch = 512
	perRecord := max(len(fields), 1)
	s := chart.NewStore(DefaultCapacity)
	events := sensorEvents(8, 2, batch/8, testStart(), 10*time.Millisecond)
	for j := range events {
		if len(fields) > 0 {
			events[j].Field = fields[j%len(fields)]
		}
	}
	now := testStart().UnixNano()
	var next [2]int64 // each partition's next offset
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += batch {
		// Keep times increasing like a live stream (not timed).
		b.StopTimer()
		shift := time.Duration(i/batch) * time.Duration(batch/8) * 10 * time.Millisecond
		for j := range events {
			events[j].Time = testStart().Add(shift + time.Duration(j/8)*10*time.Millisecond)
			// New records, each partition's offsets consecutive as in a log.
			events[j].Offset = next[events[j].Partition]
			if j%perRecord == perRecord-1 {
				next[events[j].Partition]++
			}
		}
		n := min(batch, b.N-i)
		b.StartTimer()
		s.Ingest(events[:n], nil, now)
	}
}
