package stall

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// look is one look at the group: the partitions as "partition owner
// committed end", and the changes it should report, as "+p1 a" (started)
// or "-p1 a committed" (ended).
type look struct {
	at    time.Duration // since the first look
	parts []string
	want  []string
}

func parse(t *testing.T, specs []string) []Partition {
	t.Helper()
	var ps []Partition
	for _, s := range specs {
		var p Partition
		if _, err := fmt.Sscanf(s, "%d %s %d %d", &p.Partition, &p.Owner, &p.Committed, &p.End); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if p.Owner == "-" {
			p.Owner = ""
		}
		ps = append(ps, p)
	}
	return ps
}

func describe(cs []Change) []string {
	var out []string
	for _, c := range cs {
		if c.Started {
			out = append(out, fmt.Sprintf("+p%d %s", c.Partition, c.Owner))
		} else {
			out = append(out, fmt.Sprintf("-p%d %s %s", c.Partition, c.Owner, c.Why))
		}
	}
	return out
}

func TestDetector(t *testing.T) {
	s := time.Second
	tests := []struct {
		name  string
		looks []look
	}{
		{name: "an owner that commits is never stalled", looks: []look{
			{0, []string{"0 a 10 12"}, nil},
			{3 * s, []string{"0 a 20 25"}, nil},
			{6 * s, []string{"0 a 30 40"}, nil},
			{9 * s, []string{"0 a 40 50"}, nil},
		}},
		{name: "no commit for 5s (and the slack) as the lag grew: stalled, until it commits", looks: []look{
			{0, []string{"0 a 10 12", "1 b 5 5"}, nil},
			{5 * s, []string{"0 a 10 20", "1 b 6 6"}, nil},
			{6 * s, []string{"0 a 10 21", "1 b 7 7"}, []string{"+p0 a"}},
			{7 * s, []string{"0 a 10 22", "1 b 8 8"}, nil},
			{8 * s, []string{"0 a 22 22", "1 b 9 9"}, []string{"-p0 a committed"}},
		}},
		{name: "an owner seen committing every second stalls after 5s, without the slack", looks: []look{
			{0, []string{"0 a 10 12"}, nil},
			{1 * s, []string{"0 a 12 14"}, nil},
			{2 * s, []string{"0 a 14 16"}, nil},
			{6 * s, []string{"0 a 14 24"}, nil},
			{7 * s, []string{"0 a 14 26"}, []string{"+p0 a"}},
		}},
		{name: "a client committing every 5s, a moment late, is not stalled", looks: []look{
			{0, []string{"0 a 10 12"}, nil},
			{5*s + 50*time.Millisecond, []string{"0 a 10 20"}, nil},
			{5*s + 100*time.Millisecond, []string{"0 a 20 21"}, nil},
			{10*s + 150*time.Millisecond, []string{"0 a 20 30"}, nil},
		}},
		{name: "idle: no commit and no new records is not a stall", looks: []look{
			{0, []string{"0 a 10 10"}, nil},
			{10 * s, []string{"0 a 10 10"}, nil},
		}},
		{name: "behind but the lag does not grow is not a stall", looks: []look{
			{0, []string{"0 a 10 30"}, nil},
			{10 * s, []string{"0 a 10 30"}, nil},
		}},
		{name: "the partition moves: the stall ends and the new owner's count starts", looks: []look{
			{0, []string{"0 a 10 12"}, nil},
			{6 * s, []string{"0 a 10 20"}, []string{"+p0 a"}},
			{7 * s, []string{"0 b 10 21"}, []string{"-p0 a moved"}},
			{12 * s, []string{"0 b 10 25"}, nil},
			{13 * s, []string{"0 b 10 26"}, []string{"+p0 b"}},
		}},
		{name: "unowned partitions do not stall; unassigning ends a stall", looks: []look{
			{0, []string{"0 - 10 12", "1 a 0 1"}, nil},
			{6 * s, []string{"0 - 10 20", "1 a 0 9"}, []string{"+p1 a"}},
			{7 * s, []string{"0 - 10 20", "1 - 0 9"}, []string{"-p1 a moved"}},
		}},
		{name: "nothing committed yet counts as offset 0", looks: []look{
			{0, []string{"0 a -1 2"}, nil},
			{6 * s, []string{"0 a -1 3"}, []string{"+p0 a"}},
			{7 * s, []string{"0 a 3 3"}, []string{"-p0 a committed"}},
		}},
		{name: "a partition gone ends its stall", looks: []look{
			{0, []string{"0 a 0 1", "1 a 0 1"}, nil},
			{6 * s, []string{"0 a 0 2", "1 a 0 2"}, []string{"+p0 a", "+p1 a"}},
			{7 * s, []string{"1 a 0 3"}, []string{"-p0 a gone"}},
		}},
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := New(0)
			for _, l := range tt.looks {
				got := describe(d.Look(t0.Add(l.at), parse(t, l.parts)))
				if strings.Join(got, ", ") != strings.Join(l.want, ", ") {
					t.Errorf("at %s: changes %v, want %v", l.at, got, l.want)
				}
			}
		})
	}
}

// TestStalledSince: a stalled partition tells since when its owner has
// committed nothing, and the change says so too.
func TestStalledSince(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := New(5 * time.Second)
	d.Look(t0, []Partition{{Partition: 2, Owner: "a", Committed: 4, End: 4}})
	d.Look(t0.Add(time.Second), []Partition{{Partition: 2, Owner: "a", Committed: 8, End: 9}})
	if _, ok := d.Stalled(2); ok {
		t.Fatal("stalled after 1s")
	}
	cs := d.Look(t0.Add(7*time.Second), []Partition{{Partition: 2, Owner: "a", Committed: 8, End: 30}})
	since, ok := d.Stalled(2)
	if !ok || !since.Equal(t0.Add(time.Second)) {
		t.Fatalf("Stalled = %s, %v; want since the commit at 1s", since, ok)
	}
	if len(cs) != 1 || !cs[0].Since.Equal(since) || cs[0].LagThen != 1 || cs[0].Lag != 22 || !cs[0].At.Equal(t0.Add(7*time.Second)) {
		t.Errorf("change %+v", cs)
	}
	if _, ok := d.Stalled(3); ok {
		t.Error("a partition never seen is stalled")
	}
}
