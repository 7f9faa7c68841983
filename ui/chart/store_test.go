package chart

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

func TestStoreIngest(t *testing.T) {
	now := testStart().UnixNano()
	tests := []struct {
		name          string
		events        []Event
		errs          []DecodeError
		wantEvents    int64
		wantNonFinite int64
		wantErrors    int64
		wantLastError string
		wantPanes     int
		wantSeries    map[int][]string // partition → series names in legend order
	}{
		{
			name: "series sorted naturally per partition",
			events: []Event{
				{Partition: 1, Offset: 0, Series: "sensor10", Time: testStart(), Value: 1},
				{Partition: 1, Offset: 1, Series: "sensor2", Time: testStart(), Value: 2},
				{Partition: 0, Offset: 0, Series: "sensor0", Time: testStart(), Value: 3},
			},
			wantEvents: 3, wantPanes: 2,
			wantSeries: map[int][]string{0: {"sensor0"}, 1: {"sensor2", "sensor10"}},
		},
		{
			name: "non-finite values are counted, not stored",
			events: []Event{
				{Partition: 0, Offset: 0, Series: "s", Time: testStart(), Value: math.NaN()},
				{Partition: 0, Offset: 1, Series: "s", Time: testStart(), Value: math.Inf(1)},
				{Partition: 0, Offset: 2, Series: "s", Time: testStart(), Value: math.Inf(-1)},
			},
			wantEvents: 3, wantNonFinite: 3, wantPanes: 1,
			wantSeries: map[int][]string{0: nil},
		},
		{
			name: "events count records, not the values plotted of each",
			events: []Event{
				{Partition: 0, Offset: 7, Series: "d1", Field: "temp_c", Time: testStart(), Value: 21},
				{Partition: 0, Offset: 7, Series: "d1", Field: "rpm", Time: testStart(), Value: 900},
				{Partition: 0, Offset: 7, Series: "d1", Field: "meta.load", Time: testStart(), Value: 0.5},
				{Partition: 0, Offset: 8, Series: "d1", Field: "temp_c", Time: testStart(), Value: 22},
				{Partition: 0, Offset: 8, Series: "d1", Field: "rpm", Time: testStart(), Value: math.NaN()},
				{Partition: 0, Offset: 8, Series: "d1", Field: "meta.load", Time: testStart(), Gap: true},
				{Partition: 1, Offset: 8, Series: "d2", Field: "temp_c", Time: testStart(), Value: 19},
			},
			wantEvents: 3, wantNonFinite: 1, wantPanes: 2,
			wantSeries: map[int][]string{0: {"d1.meta.load", "d1.rpm", "d1.temp_c"}, 1: {"d2.temp_c"}},
		},
		{
			name: "a record of nulls only is counted",
			events: []Event{
				{Partition: 0, Offset: 0, Series: "s", Field: "a", Time: testStart(), Gap: true},
				{Partition: 0, Offset: 0, Series: "s", Field: "b", Time: testStart(), Gap: true},
			},
			wantEvents: 1, wantPanes: 1,
			wantSeries: map[int][]string{0: nil},
		},
		{
			name:   "decode errors keep the last one",
			events: nil,
			errs: []DecodeError{
				{Partition: 0, Offset: 5, Err: "bad magic byte"},
				{Partition: 3, Offset: 17, Err: "unknown schema id 9"},
			},
			wantErrors: 2, wantLastError: "p3@17: unknown schema id 9", wantPanes: 4,
		},
		{
			name: "bad partitions and times are decode errors",
			events: []Event{
				{Partition: -1, Offset: 1, Series: "s", Time: testStart(), Value: 1},
				{Partition: maxPartitions, Offset: 2, Series: "s", Time: testStart(), Value: 1},
				{Partition: 0, Offset: 3, Series: "s", Value: 1},
			},
			wantEvents: 1, wantErrors: 3, wantPanes: 1,
			wantLastError: "p0@3: event time out of range: 0001-01-01T00:00:00Z",
			wantSeries:    map[int][]string{0: nil},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStore(16)
			s.Ingest(tt.events, tt.errs, now)
			if s.Events != tt.wantEvents || s.NonFinite != tt.wantNonFinite || s.Errors != tt.wantErrors {
				t.Errorf("events/nonFinite/errors = %d/%d/%d, want %d/%d/%d",
					s.Events, s.NonFinite, s.Errors, tt.wantEvents, tt.wantNonFinite, tt.wantErrors)
			}
			if s.LastError != tt.wantLastError {
				t.Errorf("last error = %q, want %q", s.LastError, tt.wantLastError)
			}
			if got := s.Partitions(); got != tt.wantPanes {
				t.Errorf("partitions = %d, want %d", got, tt.wantPanes)
			}
			for p, want := range tt.wantSeries {
				var got []string
				for _, sr := range s.PaneIfAny(p).Order {
					got = append(got, sr.Name)
				}
				if !slices.Equal(got, want) {
					t.Errorf("p%d series = %v, want %v", p, got, want)
				}
			}
		})
	}
}

func TestStoreNewestAndOutOfOrder(t *testing.T) {
	s := NewStore(16)
	ms := func(n int) time.Time { return testStart().Add(time.Duration(n) * time.Millisecond) }
	s.Ingest([]Event{
		{Partition: 0, Offset: 0, Series: "a", Time: ms(30), Value: 3},
		{Partition: 0, Offset: 1, Series: "a", Time: ms(10), Value: 1},
		{Partition: 1, Offset: 0, Series: "b", Time: ms(50), Value: 5},
		{Partition: 0, Offset: 2, Series: "a", Time: ms(20), Value: 2},
	}, nil, testStart().UnixNano())
	if s.Newest != ms(50).UnixNano() {
		t.Errorf("newest = %v, want %v", time.Unix(0, s.Newest).UTC(), ms(50))
	}
	a := s.PaneIfAny(0).Series["a"]
	var got []float64
	for i := 0; i < a.Len(); i++ {
		got = append(got, a.At(i).V)
	}
	if !slices.Equal(got, []float64{1, 2, 3}) {
		t.Errorf("values by time = %v, want [1 2 3]", got)
	}
}

func TestStoreGroup(t *testing.T) {
	s := NewStore(16)
	t0 := testStart()
	if owned, _, _ := s.OwnerOf(0); !owned {
		t.Error("before any generation every partition should count as owned (not dimmed)")
	}
	s.SetGroup(twoMembers(1, 0, 1), t0)
	if got := s.Group.Last; got.Generation != 1 || !slices.Equal(got.Gained, []int{0, 1}) || len(got.Lost) != 0 {
		t.Errorf("first rebalance = %+v, want gen 1 gaining p0 p1", got)
	}
	s.SetGroup(twoMembers(2, 1), t0.Add(time.Second))
	g := s.Group
	if !slices.Equal(g.Owned, []int{1}) {
		t.Errorf("owned = %v, want [1]", g.Owned)
	}
	if got := g.Last.Moved[0].ClientID; len(g.Last.Moved) != 1 || got != "kafkaplot-2" {
		t.Errorf("moved = %v, want p0 to kafkaplot-2", g.Last.Moved)
	}
	if owned, owner, held := s.OwnerOf(0); owned || !held || owner.ClientID != "kafkaplot-2" {
		t.Errorf("ownerOf(0) = %v %q %v, want owned by kafkaplot-2", owned, owner.ClientID, held)
	}
	// The same generation again (e.g. refreshed members) is not a rebalance.
	s.SetGroup(twoMembers(2, 1), t0.Add(5*time.Second))
	if !s.Group.Last.At.Equal(t0.Add(time.Second)) {
		t.Errorf("rebalance time moved to %v on a repeated generation", s.Group.Last.At)
	}
	// Nobody owns a partition: unassigned.
	s.SetGroup(Group{Generation: 3, MemberID: "a", Owned: []int{1}, Members: []Member{{MemberID: "a", Partitions: []int{1}}}}, t0)
	if owned, _, held := s.OwnerOf(0); owned || held {
		t.Errorf("ownerOf(0) = %v held %v, want not owned and unassigned", owned, held)
	}
}

func TestStoreOffsetsLag(t *testing.T) {
	tests := []struct {
		name      string
		stat      PartitionStat
		wantLag   int64
		wantKnown bool
	}{
		{name: "committed", stat: PartitionStat{Partition: 0, Committed: 90, High: 100}, wantLag: 10, wantKnown: true},
		{name: "nothing committed", stat: PartitionStat{Partition: 0, Committed: -1, High: 100}, wantLag: 100, wantKnown: true},
		{name: "committed ahead of a stale high watermark", stat: PartitionStat{Partition: 0, Committed: 110, High: 100}, wantLag: 0, wantKnown: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStore(16)
			s.SetOffsets([]PartitionStat{tt.stat})
			lag, known := s.PaneIfAny(0).Lag()
			if lag != tt.wantLag || known != tt.wantKnown {
				t.Errorf("lag = %d %v, want %d %v", lag, known, tt.wantLag, tt.wantKnown)
			}
		})
	}
}

func TestChooseGrid(t *testing.T) {
	tests := []struct {
		name    string
		n, w, h int
		want    Grid
	}{
		{name: "one pane", n: 1, w: 200, h: 46, want: Grid{1, 1}},
		{name: "two panes stack on a wide terminal", n: 2, w: 200, h: 46, want: Grid{1, 2}},
		{name: "two panes side by side when low", n: 2, w: 40, h: 8, want: Grid{2, 1}},
		{name: "four panes in a square", n: 4, w: 200, h: 46, want: Grid{2, 2}},
		{name: "sixty-four panes fit", n: 64, w: 200, h: 46, want: Grid{8, 8}},
		{name: "too many pages", n: 64, w: 100, h: 20, want: Grid{5, 4}},
		{name: "tall terminal", n: 3, w: 80, h: 60, want: Grid{1, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ChooseGrid(tt.n, tt.w, tt.h); got != tt.want {
				t.Errorf("chooseGrid(%d, %d, %d) = %+v, want %+v", tt.n, tt.w, tt.h, got, tt.want)
			}
		})
	}
}

func TestSpan(t *testing.T) {
	for _, tc := range []struct{ total, k int }{{200, 3}, {46, 8}, {7, 7}, {5, 10}} {
		sum := 0
		for i := 0; i < tc.k; i++ {
			sum += Span(tc.total, tc.k, i)
		}
		if sum != tc.total {
			t.Errorf("parts of %d in %d sum to %d", tc.total, tc.k, sum)
		}
	}
}

// TestStoreFutureDatedEventsKeepTheWindow checks that one record stamped far
// ahead of the clock is counted, not drawn, and does not move the window
// away from the others; a far-past one is kept in order, out of view.
func TestStoreFutureDatedEventsKeepTheWindow(t *testing.T) {
	tests := []struct {
		name       string
		at         time.Time
		wantFuture int64
		wantNewest time.Time
	}{
		{name: "year 2200", at: time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC), wantFuture: 1, wantNewest: testStart()},
		{name: "an hour ahead", at: testStart().Add(time.Hour), wantFuture: 1, wantNewest: testStart()},
		{name: "within the slack", at: testStart().Add(time.Minute), wantNewest: testStart().Add(time.Minute)},
		{name: "year 1", at: time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC), wantNewest: testStart()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStore(16)
			s.Ingest([]Event{
				{Partition: 0, Offset: 0, Series: "a", Time: testStart().Add(-time.Second), Value: 1},
				{Partition: 0, Offset: 1, Series: "a", Time: tt.at, Value: 99},
				{Partition: 0, Offset: 2, Series: "a", Time: testStart(), Value: 2},
			}, nil, testStart().UnixNano())
			if s.Future != tt.wantFuture || s.Panes[0].Future != tt.wantFuture {
				t.Errorf("future = %d (pane %d), want %d", s.Future, s.Panes[0].Future, tt.wantFuture)
			}
			if s.Newest != tt.wantNewest.UnixNano() {
				t.Errorf("newest = %v, want %v", time.Unix(0, s.Newest).UTC(), tt.wantNewest)
			}
			if s.Events != 3 {
				t.Errorf("events = %d, want 3 (every one counted)", s.Events)
			}
		})
	}
}

// TestStoreCountsRedelivered checks that records delivered again (offsets
// below one already seen, as after a rebalance or an outage) are counted as
// re-delivered and not drawn twice, while the several events of one record
// (one per plotted field) are all drawn and the record counted once, as
// read and as re-delivered.
func TestStoreCountsRedelivered(t *testing.T) {
	s := NewStore(16)
	at := testStart()
	s.Ingest([]Event{
		{Partition: 0, Offset: 10, Series: "a", Field: "x", Time: at, Value: 1},
		{Partition: 0, Offset: 10, Series: "a", Field: "y", Time: at, Value: 2},
		{Partition: 0, Offset: 11, Series: "a", Field: "x", Time: at.Add(time.Second), Value: 3},
		{Partition: 1, Offset: 3, Series: "b", Time: at, Value: 4},
	}, nil, at.UnixNano())
	s.Ingest([]Event{
		{Partition: 0, Offset: 10, Series: "a", Field: "x", Time: at, Value: 1},                  // again
		{Partition: 0, Offset: 10, Series: "a", Field: "y", Time: at, Value: 2},                  // again, the same record
		{Partition: 0, Offset: 11, Series: "a", Field: "x", Time: at.Add(time.Second), Value: 3}, // again
		{Partition: 0, Offset: 12, Series: "a", Field: "x", Time: at.Add(2 * time.Second), Value: 5},
		{Partition: 1, Offset: 2, Series: "b", Time: at, Value: 4}, // again
	}, nil, at.UnixNano())
	if s.Dups != 3 || s.Panes[0].Dups != 2 || s.Panes[1].Dups != 1 {
		t.Errorf("re-delivered = %d (p0 %d, p1 %d), want 3 (2, 1)", s.Dups, s.Panes[0].Dups, s.Panes[1].Dups)
	}
	if s.Events != 4 || s.Panes[0].Events != 3 {
		t.Errorf("events = %d (p0 %d), want 4 (3): records, offset 10's two fields once", s.Events, s.Panes[0].Events)
	}
	if r := s.Meter.Rate(at.UnixNano()); r != 4 {
		t.Errorf("rate = %v, want 4 records/s (re-delivered ones and a record's second field not counted)", r)
	}
	if n := s.Panes[0].Series["a.x"].Len(); n != 3 {
		t.Errorf("a.x holds %d points, want 3 (no point twice)", n)
	}
}

// history and logReset are the steps of TestStoreHistoryAndResets besides
// live batches: a partition's history, and a reset of its log.
type (
	history struct {
		Partition int
		Events    []Event
		Part      HistoryPart
	}
	logReset struct {
		Partition int
		From      int64
	}
)

// TestStoreHistoryAndResets feeds live batches, histories and log resets in
// order and checks what is drawn and what is counted as re-delivered.
func TestStoreHistoryAndResets(t *testing.T) {
	at := testStart()
	ev := func(off int64, sec int) Event {
		return Event{Partition: 0, Offset: off, Series: "s", Time: at.Add(time.Duration(sec) * time.Second), Value: float64(off)}
	}
	evs := func(lo, hi int64) []Event {
		var out []Event
		for o := lo; o < hi; o++ {
			out = append(out, ev(o, int(o)))
		}
		return out
	}
	tests := []struct {
		name        string
		msgs        []any // []Event (live batch), history or logReset
		wantPoints  int
		wantDups    int64
		wantHistory int64
		wantReading bool
		wantReset   int64 // offset reading went on from after a reset, -1 for none
	}{
		{
			name:        "history at start, then live",
			wantReset:   -1,
			msgs:        []any{history{Partition: 0, Events: evs(0, 5)}, evs(5, 8)},
			wantPoints:  8,
			wantHistory: 5,
		},
		{
			name:      "takeback: history of what another member read fills the hole, what was read here is not counted",
			wantReset: -1,
			msgs: []any{
				evs(0, 4),
				history{Partition: 0, Events: evs(2, 9)}, // 2, 3 were read here already
				evs(9, 10),
			},
			wantPoints:  10,
			wantHistory: 5,
		},
		{
			name:        "live records while the history before them is read",
			wantReset:   -1,
			msgs:        []any{evs(5, 7), history{Partition: 0, Events: evs(0, 3)}, evs(7, 8), history{Partition: 0, Events: evs(3, 5)}},
			wantPoints:  8,
			wantHistory: 5,
		},
		{
			name:        "a history read in pieces out of order",
			wantReset:   -1,
			msgs:        []any{history{Partition: 0, Events: evs(4, 8)}, history{Partition: 0, Events: evs(0, 2)}, history{Partition: 0, Events: evs(2, 4)}, evs(8, 9)},
			wantPoints:  9,
			wantHistory: 8,
		},
		{
			name:        "a history cut short and read again draws each record once",
			wantReset:   -1,
			msgs:        []any{history{Partition: 0, Events: evs(0, 3)}, history{Partition: 0, Events: evs(0, 6)}},
			wantPoints:  6,
			wantHistory: 6,
		},
		{
			name:        "a history in parts says how far it is read",
			wantReset:   -1,
			msgs:        []any{history{Partition: 0, Events: evs(0, 3), Part: HistoryPart{Read: 3, Total: 6}}},
			wantPoints:  3,
			wantHistory: 3,
			wantReading: true,
		},
		{
			name:      "a history's last part ends the reading",
			wantReset: -1,
			msgs: []any{
				history{Partition: 0, Events: evs(0, 3), Part: HistoryPart{Read: 3, Total: 6}},
				history{Partition: 0, Events: evs(3, 6), Part: HistoryPart{Read: 6, Total: 6}},
				history{Partition: 0, Part: HistoryPart{Read: 6, Total: 6, Done: true}},
			},
			wantPoints:  6,
			wantHistory: 6,
		},
		{
			name:       "live records below the offsets seen are re-delivered",
			wantReset:  -1,
			msgs:       []any{evs(0, 5), evs(3, 6)},
			wantPoints: 6,
			wantDups:   2,
		},
		{
			name: "a log reset makes lower offsets new records",
			msgs: []any{
				evs(0, 40),
				logReset{Partition: 0, From: 0},
				[]Event{ev(0, 100), ev(1, 101), ev(2, 102)},
			},
			wantPoints: 43,
			wantReset:  0,
		},
		{
			name: "a log reset then a history of the new log",
			msgs: []any{
				evs(0, 40),
				logReset{Partition: 0, From: 3},
				history{Partition: 0, Events: []Event{ev(0, 100), ev(1, 101), ev(2, 102)}},
				[]Event{ev(3, 103)},
			},
			wantPoints:  44,
			wantHistory: 3,
			wantReset:   3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStore(1024)
			now := at.Add(200 * time.Second).UnixNano()
			for _, m := range tt.msgs {
				switch m := m.(type) {
				case []Event:
					s.Ingest(m, nil, now)
				case history:
					s.IngestHistory(m.Partition, m.Events, m.Part, now)
				case logReset:
					s.LogReset(m.Partition, m.From)
				}
			}
			d := s.Panes[0]
			if n := d.Series["s"].Len(); n != tt.wantPoints {
				t.Errorf("points = %d, want %d", n, tt.wantPoints)
			}
			if d.Dups != tt.wantDups || s.Dups != tt.wantDups {
				t.Errorf("re-delivered = %d (store %d), want %d", d.Dups, s.Dups, tt.wantDups)
			}
			if d.history != tt.wantHistory {
				t.Errorf("history events = %d, want %d", d.history, tt.wantHistory)
			}
			if got := d.History.Reading(); got != tt.wantReading {
				t.Errorf("reading = %v, want %v", got, tt.wantReading)
			}
			if d.ResetFrom != tt.wantReset {
				t.Errorf("reset from = %d, want %d", d.ResetFrom, tt.wantReset)
			}
			if r := d.Meter.Rate(now); tt.wantHistory > 0 && len(tt.msgs) == 1 && r != 0 {
				t.Errorf("rate = %v after a history alone, want 0 (history is not live)", r)
			}
		})
	}
}

// TestStoreLinesAreBounded: a series key unique per record (a click id)
// makes a line per record; past MaxLines over all panes further lines are
// counted, not kept, while the lines kept go on taking points.
func TestStoreLinesAreBounded(t *testing.T) {
	s := NewStore(16)
	const extra = 10
	now := testStart()
	var evs []Event
	for i := range MaxLines + extra {
		evs = append(evs, Event{Partition: i % 2, Offset: int64(i / 2), Series: fmt.Sprintf("click%d", i), Time: now, Value: float64(i)})
	}
	s.Ingest(evs, nil, now.UnixNano())
	s.Ingest([]Event{{Partition: 0, Offset: MaxLines, Series: "click0", Time: now.Add(time.Millisecond), Value: -1}}, nil, now.UnixNano())
	lines := len(s.Panes[0].Series) + len(s.Panes[1].Series)
	if lines != MaxLines {
		t.Errorf("lines = %d, want %d", lines, MaxLines)
	}
	if s.OverLines != extra || s.Panes[0].OverLines+s.Panes[1].OverLines != extra {
		t.Errorf("over lines = %d (panes %d + %d), want %d", s.OverLines, s.Panes[0].OverLines, s.Panes[1].OverLines, extra)
	}
	if got := s.Panes[0].Series["click0"].Len(); got != 2 {
		t.Errorf("click0 holds %d points, want 2 (a kept line takes points past the bound)", got)
	}
	if s.Events != MaxLines+extra+1 {
		t.Errorf("events = %d, want %d (every one counted)", s.Events, MaxLines+extra+1)
	}
}

// TestStoreRingsShareABudget: each line keeps the store's capacity of
// points as they came while the lines' rings fit in storePoints, else the
// largest power of two that fits; a store whose capacity for one line is
// more keeps it for that line.
func TestStoreRingsShareABudget(t *testing.T) {
	tests := []struct {
		capacity, lines, want int
	}{
		{capacity: 1024, lines: 1, want: 1024},
		{capacity: 1024, lines: 256, want: 1024},
		{capacity: 1024, lines: 257, want: 512},
		{capacity: 1024, lines: 512, want: 512},
		{capacity: 1024, lines: 513, want: 256},
		{capacity: 1024, lines: MaxLines, want: 256},
		{capacity: 16, lines: MaxLines, want: 16},
		{capacity: 1 << 20, lines: 1, want: 1 << 20},
		{capacity: 1 << 20, lines: 3, want: 1 << 18},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d per line, %d lines", tt.capacity, tt.lines), func(t *testing.T) {
			s := NewStore(tt.capacity)
			now := testStart()
			evs := make([]Event, tt.lines)
			for i := range evs {
				evs[i] = Event{Partition: i % 2, Offset: int64(i / 2), Series: fmt.Sprintf("sensor%d", i), Time: now, Value: 1}
			}
			s.Ingest(evs, nil, now.UnixNano())
			total := 0
			s.eachSeries(func(sr *Series) {
				if sr.cap != tt.want {
					t.Errorf("%s keeps %d points as they came, want %d", sr.Name, sr.cap, tt.want)
				}
				total += sr.cap
			})
			if limit := max(storePoints, tt.capacity); total > limit {
				t.Errorf("the rings hold up to %d points, want at most %d", total, limit)
			}
		})
	}
}

// TestStoreRingsShrinkLosingNothing: when new lines shrink the rings, the
// points that leave them are folded: a needle among them is still drawn
// and the window's statistics are those of every point, as before.
func TestStoreRingsShrinkLosingNothing(t *testing.T) {
	const window = int64(2 * time.Minute)
	s := NewStore(1024)
	s.SetFold(FoldFor(window, 400))
	now := testStart()
	evs := make([]Event, 1024)
	for i := range evs {
		v := 10 + float64(i%21)
		if i == 100 {
			v = 5000
		}
		evs[i] = Event{Partition: 0, Offset: int64(i), Series: "needle", Time: now.Add(time.Duration(i) * 10 * time.Millisecond), Value: v}
	}
	s.Ingest(evs, nil, now.Add(time.Minute).UnixNano())
	sr := s.Panes[0].Series["needle"]
	end := s.Newest
	_, before := decimate(nil, sr, end-window, end, 400, sr.gapLimit())
	more := make([]Event, MaxLines-1)
	for i := range more {
		more[i] = Event{Partition: 1, Offset: int64(i), Series: fmt.Sprintf("sensor%d", i), Time: now, Value: 1}
	}
	s.Ingest(more, nil, now.Add(time.Minute).UnixNano())
	if sr.Len() != 256 || sr.Folded() != 1024-256 {
		t.Fatalf("needle holds %d points and folded %d, want 256 and %d", sr.Len(), sr.Folded(), 1024-256)
	}
	for _, cols := range []int{400, 190, 97} {
		pts, after := decimate(nil, sr, end-window, end, cols, sr.gapLimit())
		if after != before {
			t.Errorf("%d columns: window stats %+v after the rings shrank, want %+v", cols, after, before)
		}
		if !slices.ContainsFunc(pts, func(p Point) bool { return p.V == 5000 }) {
			t.Errorf("%d columns: the needle is not drawn", cols)
		}
	}
}
