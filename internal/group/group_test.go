package group

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/internal/stall"
	"github.com/kafkaplot/kafkaplot/stream"
)

// mixed is a group of librdkafka, franz-go and two kafkaplot members.
func mixed() stream.GroupSnapshot {
	return stream.GroupSnapshot{
		State: "Stable", ProtocolType: "consumer", Protocol: "range", Generation: 7,
		Members: []stream.Member{
			{MemberID: "rdkafka-7f3a-0001", ClientID: "rdkafka", Host: "/10.0.0.5", Partitions: []int{0}},
			{MemberID: "franz-go-1b2c-0002", ClientID: "franz-go", Host: "/10.0.0.6", Partitions: []int{1}},
			{MemberID: "kafkaplot-aa-000003", ClientID: "kafkaplot", Host: "/10.0.0.7", Partitions: []int{3, 2}},
			{MemberID: "kafkaplot-bb-000004", ClientID: "kafkaplot", Host: "/10.0.0.8"},
		},
		Offsets: []stream.PartitionOffsets{
			{Partition: 0, Committed: 1234, High: 1240, Behind: 3200 * time.Millisecond, BehindKnown: true},
			{Partition: 1, Committed: 88, High: 88, BehindKnown: true},
			{Partition: 2, Committed: -1, High: 12},
			{Partition: 3, Committed: 5, High: 90005, Behind: 74 * time.Minute, BehindKnown: true},
			{Partition: 4, Committed: 40, High: 52},
		},
	}
}

// TestDescribe keeps the describe output of a mixed group in
// testdata/TestDescribe (refresh with go test -run TestDescribe -update).
func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		name string
		snap stream.GroupSnapshot
	}{
		{"mixed", mixed()},
		{"empty", stream.GroupSnapshot{State: "Empty", Generation: -1, Offsets: []stream.PartitionOffsets{{Partition: 0, Committed: 3, High: 9}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := Describe(&out, "kafkaplot", "temperature", tc.snap); err != nil {
				t.Fatal(err)
			}
			golden.RequireEqual(t, out.Bytes())
		})
	}
}

func TestDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"}, {-time.Second, "0s"}, {850 * time.Millisecond, "850ms"}, {3249 * time.Millisecond, "3.2s"},
		{9990 * time.Millisecond, "9.9s"}, {42 * time.Second, "42s"}, {12*time.Minute + 5*time.Second, "12m05s"},
		{3*time.Hour + 12*time.Minute, "3h12m"},
	} {
		if got := Duration(tc.d); got != tc.want {
			t.Errorf("Duration(%s) = %s, want %s", tc.d, got, tc.want)
		}
	}
}

// TestWatcher follows a group through a rebalance, a stall and a takeover:
// the lines each look prints.
func TestWatcher(t *testing.T) {
	a := stream.Member{MemberID: "rdkafka-1", ClientID: "rdkafka", Host: "/h1"}
	b := stream.Member{MemberID: "kafkaplot-2", ClientID: "kafkaplot", Host: "/h2"}
	owning := func(m stream.Member, ps ...int) stream.Member { m.Partitions = ps; return m }
	offsets := func(c0, h0, c1, h1 int64) []stream.PartitionOffsets {
		return []stream.PartitionOffsets{{Partition: 0, Committed: c0, High: h0, BehindKnown: true},
			{Partition: 1, Committed: c1, High: h1, Behind: 6 * time.Second, BehindKnown: true}}
	}
	snap := func(state string, gen int, off []stream.PartitionOffsets, ms ...stream.Member) stream.GroupSnapshot {
		return stream.GroupSnapshot{State: state, Protocol: "range", Generation: gen, Members: ms, Offsets: off}
	}
	looks := []struct {
		at   time.Duration
		snap stream.GroupSnapshot
		want []string
	}{
		{time.Second, snap("PreparingRebalance", -1, offsets(10, 10, 10, 12), owning(a, 0, 1), b), []string{
			"state Stable → PreparingRebalance",
			"member joined: kafkaplot on h2 (kafkaplot-2)",
		}},
		{2 * time.Second, snap("Stable", 4, offsets(10, 10, 12, 14), owning(a, 0), owning(b, 1)), []string{
			"state PreparingRebalance → Stable",
			"generation 3 → 4",
			"p1 moved: rdkafka → kafkaplot",
		}},
		{4 * time.Second, snap("Stable", 4, offsets(11, 11, 12, 18), owning(a, 0), owning(b, 1)), nil},
		{7 * time.Second, snap("Stable", 4, offsets(12, 12, 12, 30), owning(a, 0), owning(b, 1)), nil},
		{8 * time.Second, snap("Stable", 4, offsets(12, 12, 12, 31), owning(a, 0), owning(b, 1)), []string{
			"p1 stalled: kafkaplot committed nothing for 6.0s while the lag grew 2 → 19 (6.0s behind)",
		}},
		{9 * time.Second, snap("Stable", 5, offsets(13, 13, 12, 34), owning(a, 0, 1)), []string{
			"generation 4 → 5",
			"member left: kafkaplot (kafkaplot-2)",
			"p1 moved: kafkaplot → rdkafka",
			"p1 stall of kafkaplot ended after 7.0s: the partition moved",
		}},
		{10 * time.Second, snap("Empty", -1, offsets(13, 13, 34, 34)), []string{
			"state Stable → Empty",
			"member left: rdkafka (rdkafka-1)",
			"p0 unassigned (was rdkafka)",
			"p1 unassigned (was rdkafka)",
		}},
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w := newWatcher(snap("Stable", 3, offsets(10, 10, 10, 10), owning(a, 0, 1)), stall.New(5*time.Second), t0)
	for _, l := range looks {
		got := w.next(l.snap, t0.Add(l.at))
		if strings.Join(got, "\n") != strings.Join(l.want, "\n") {
			t.Errorf("at %s:\n%s\nwant:\n%s", l.at, strings.Join(got, "\n"), strings.Join(l.want, "\n"))
		}
	}
}

// fakeReader returns its snapshots and errors in turn, then cancels.
type fakeReader struct {
	reads  []func() (stream.GroupSnapshot, error)
	cancel func()
}

func (f *fakeReader) Read(context.Context) (stream.GroupSnapshot, error) {
	if len(f.reads) == 0 {
		f.cancel()
		return stream.GroupSnapshot{}, context.Canceled
	}
	r := f.reads[0]
	f.reads = f.reads[1:]
	return r()
}

// TestWatchReadErrors: a read that fails is said once however often it
// fails the same way, and the first read that succeeds again says so; each
// line has its time; the end of the context is an interruption.
func TestWatchReadErrors(t *testing.T) {
	snap := stream.GroupSnapshot{State: "Stable", Protocol: "range", Generation: 3}
	ok := func() (stream.GroupSnapshot, error) { return snap, nil }
	fail := func(msg string) func() (stream.GroupSnapshot, error) {
		return func() (stream.GroupSnapshot, error) { return stream.GroupSnapshot{}, errors.New(msg) }
	}
	gen4 := func() (stream.GroupSnapshot, error) { s := snap; s.Generation = 4; return s, nil }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &fakeReader{cancel: cancel, reads: []func() (stream.GroupSnapshot, error){
		ok, fail("describe group g: broker gone\ndetails"), fail("describe group g: broker gone\ndetails"), fail("describe group g: timeout"), ok, gen4,
	}}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	var out bytes.Buffer
	err := watch(ctx, Options{Interval: time.Millisecond, Now: func() time.Time { n++; return t0.Add(time.Duration(n) * time.Second) }}, &out, r, snap)
	if !errors.Is(err, connect.ErrInterrupted) {
		t.Errorf("watch = %v, want interrupted", err)
	}
	want := `2026-01-01T00:00:03.000Z cannot read the group: describe group g: broker gone; details
2026-01-01T00:00:05.000Z cannot read the group: describe group g: timeout
2026-01-01T00:00:06.000Z reading the group again
2026-01-01T00:00:07.000Z generation 3 → 4
`
	if out.String() != want {
		t.Errorf("watch printed:\n%s\nwant:\n%s", out.String(), want)
	}
}
