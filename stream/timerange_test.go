package stream

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkaplot/kafkaplot/schema"
)

// rangeRead is what one ReadRange handed on.
type rangeRead struct {
	mu       sync.Mutex
	records  []Record
	progress []int64
	plans    int
	errs     []string
}

func (r *rangeRead) config(t *testing.T, emb *testCluster, from, to time.Time, budget int64) RangeConfig {
	t.Helper()
	reg, err := schema.NewClient(emb.RegistryURL())
	if err != nil {
		t.Fatal(err)
	}
	return RangeConfig{
		Conn: Connection{Brokers: []string{emb.BrokerAddr()}}, Topic: emb.Topic(), Decoder: sensorDecoder(reg),
		From: from, To: to, Budget: budget,
		OnPlan: func(RangePlan) { r.mu.Lock(); r.plans++; r.mu.Unlock() },
		OnRecords: func(_ context.Context, batch []Record) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			if r.plans != 1 || len(batch) > handOnChunk {
				r.errs = append(r.errs, "records before the plan, or a batch over a chunk")
			}
			r.records = append(r.records, kept(batch)...)
			return nil
		},
		OnProgress: func(read, total int64) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.progress = append(r.progress, read, total)
		},
	}
}

// TestReadRange: a time range of every partition is read outside any group
// from the first record at or after its start up to the first at or after
// its end; a range over the budget is read in time slices, each whole.
func TestReadRange(t *testing.T) {
	emb := startCluster(t, 2)
	now := time.Now().Truncate(time.Second)
	base := now.Add(-100 * time.Minute)
	// Steps 2 s apart over 20 minutes, 8 sensors each, valued by step.
	produceSpread(t, emb, 600, base, now.Add(-80*time.Minute))
	// 60 steps a second apart, valued 0..59, half an hour ago.
	produceSpread(t, emb, 60, now.Add(-30*time.Minute), now.Add(-29*time.Minute))

	tests := []struct {
		name     string
		from, to time.Time
		budget   int64
		want     int // records
		steps    [2]float64
		slicing  Slicing
	}{
		{name: "ten minutes", from: now.Add(-95 * time.Minute), to: now.Add(-85 * time.Minute), want: 300 * 8, steps: [2]float64{150, 449}},
		{name: "a range with no records", from: now.Add(-70 * time.Minute), to: now.Add(-40 * time.Minute)},
		{name: "up to the end of the log", from: now.Add(-31 * time.Minute), want: 60 * 8, steps: [2]float64{0, 59}},
		// 4,800 records over the budget of 480: a second in every ten,
		// which holds one step of five.
		{name: "over the budget: slices", from: base, to: now.Add(-80 * time.Minute), budget: 480, want: 120 * 8, steps: [2]float64{0, 595}, slicing: Slicing{Slice: time.Second, Every: 10 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r rangeRead
			plan, err := ReadRange(context.Background(), r.config(t, emb, tt.from, tt.to, tt.budget))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range r.errs {
				t.Error(e)
			}
			if len(r.records) != tt.want || plan.Read != int64(tt.want) || plan.Slicing != tt.slicing || plan.Empty() != (tt.want == 0) || !plan.GoneBefore().IsZero() {
				t.Fatalf("read %d records, planned %d of %d in %v (empty %v, gone before %v); want %d in %v", len(r.records), plan.Read, plan.Records, plan.Slicing, plan.Empty(), plan.GoneBefore(), tt.want, tt.slicing)
			}
			if n := len(r.progress); tt.want > 0 && (r.progress[n-2] != plan.Read || r.progress[n-1] != plan.Read) {
				t.Errorf("progress ended at %d of %d, want %d of %d", r.progress[n-2], r.progress[n-1], plan.Read, plan.Read)
			}
			perStep := map[float64]int{}
			next := map[int]int64{}
			lo, hi := tt.steps[1], tt.steps[0]
			for _, rec := range r.records {
				if rec.Err != nil || !isSensor(&rec) {
					t.Fatalf("record %+v", rec)
				}
				if prev, ok := next[rec.Partition]; ok && rec.Offset < prev {
					t.Fatalf("p%d: offset %d after %d", rec.Partition, rec.Offset, prev)
				}
				next[rec.Partition] = rec.Offset + 1
				perStep[sensorIn(&rec).Value]++
				lo, hi = min(lo, sensorIn(&rec).Value), max(hi, sensorIn(&rec).Value)
				if !tt.slicing.Whole() && rec.Time.Sub(tt.from)%tt.slicing.Every >= tt.slicing.Slice {
					t.Fatalf("record at %v outside the slices", rec.Time)
				}
			}
			for step, n := range perStep {
				if n != 8 {
					t.Errorf("step %v: %d of its 8 records", step, n)
				}
			}
			if tt.want > 0 && (lo != tt.steps[0] || hi != tt.steps[1]) {
				t.Errorf("steps %v..%v read, want %v..%v", lo, hi, tt.steps[0], tt.steps[1])
			}
		})
	}
}

// TestReadRangeGone: a range that starts before records deleted from the
// log (retention, DeleteRecords) says from when on the log holds them.
func TestReadRangeGone(t *testing.T) {
	emb := startCluster(t, 2)
	now := time.Now().Truncate(time.Second)
	produceSpread(t, emb, 20, now.Add(-20*time.Minute), now.Add(-10*time.Minute)) // 30 s apart, offsets 0..79 of each partition
	deleteRecords(t, emb, 40)                                                     // the first 10 steps, older than -15m

	tests := []struct {
		name     string
		from, to time.Time
		gone     bool
		want     int
	}{
		{name: "all of it gone", from: now.Add(-25 * time.Minute), to: now.Add(-16 * time.Minute), gone: true},
		{name: "half of it gone", from: now.Add(-25 * time.Minute), to: now.Add(-5 * time.Minute), gone: true, want: 80},
		{name: "after the deleted records", from: now.Add(-14 * time.Minute), to: now.Add(-5 * time.Minute), want: 64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r rangeRead
			plan, err := ReadRange(context.Background(), r.config(t, emb, tt.from, tt.to, 0))
			if err != nil {
				t.Fatal(err)
			}
			gone := plan.GoneBefore()
			if len(r.records) != tt.want || gone.IsZero() == tt.gone {
				t.Fatalf("read %d records, gone before %v; want %d, gone %v", len(r.records), gone, tt.want, tt.gone)
			}
			if tt.gone && !gone.Equal(now.Add(-15*time.Minute)) {
				t.Errorf("gone before %v, want the oldest record left's time %v", gone, now.Add(-15*time.Minute))
			}
		})
	}
}

func TestReadRangeConfig(t *testing.T) {
	now := time.Now()
	base := RangeConfig{Conn: Connection{Brokers: []string{"127.0.0.1:1"}}, Topic: "t", Decoder: schema.NewDecoder(nil),
		From: now.Add(-time.Hour), OnRecords: func(context.Context, []Record) error { return nil }}
	tests := []struct {
		name    string
		edit    func(*RangeConfig)
		wantErr string
	}{
		{name: "no start", edit: func(c *RangeConfig) { c.From = time.Time{} }, wantErr: "no start time"},
		{name: "end before start", edit: func(c *RangeConfig) { c.To = c.From.Add(-time.Second) }, wantErr: "is not after start"},
		{name: "no topic", edit: func(c *RangeConfig) { c.Topic = "" }, wantErr: "no topic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.edit(&cfg)
			if _, err := ReadRange(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestSlicing(t *testing.T) {
	tests := []struct {
		name            string
		d               time.Duration
		records, budget int64
		want            Slicing
		text            string
	}{
		{name: "within the budget", d: time.Hour, records: 1000, budget: 1000, text: "every record"},
		{name: "no budget", d: time.Hour, records: 1000, text: "every record"},
		{name: "a week of a busy topic", d: 7 * 24 * time.Hour, records: 240_000_000, budget: 20_000_000, want: Slicing{Slice: 5 * time.Minute, Every: 60 * time.Minute}, text: "5 minutes in 60"},
		{name: "twice the budget over a minute", d: time.Minute, records: 2, budget: 1, want: Slicing{Slice: time.Second, Every: 2 * time.Second}, text: "1 second in 2"},
		{name: "the pane's example", d: 24 * time.Hour, records: 12e6, budget: 1e6, want: Slicing{Slice: time.Minute, Every: 12 * time.Minute}, text: "1 minute in 12"},
		{name: "seconds", d: 10 * time.Minute, records: 4e6, budget: 2e6, want: Slicing{Slice: 2 * time.Second, Every: 4 * time.Second}, text: "2 seconds in 4"},
		{name: "a day", d: 24 * time.Hour, records: 3e8, budget: 1e8, want: Slicing{Slice: 5 * time.Minute, Every: 15 * time.Minute}, text: "5 minutes in 15"},
		{name: "a year", d: 365 * 24 * time.Hour, records: 1e10, budget: 1e7, want: Slicing{Slice: 5 * time.Minute, Every: 5000 * time.Minute}, text: "5 minutes in 5000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slicing(tt.d, tt.records, tt.budget)
			if got != tt.want || got.String() != tt.text {
				t.Fatalf("slicing = %+v %q, want %+v %q", got, got, tt.want, tt.text)
			}
			if !got.Whole() && tt.d/got.Slice/time.Duration(got.Every/got.Slice) > maxSlices {
				t.Errorf("%d slices, want at most %d", tt.d/got.Every, maxSlices)
			}
		})
	}
}

// deleteRecords deletes the records below offset of both partitions.
func deleteRecords(t *testing.T, emb *testCluster, offset int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(emb.BrokerAddr()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	req := kmsg.NewPtrDeleteRecordsRequest()
	topic := kmsg.NewDeleteRecordsRequestTopic()
	topic.Topic = emb.Topic()
	for p := range int32(2) {
		part := kmsg.NewDeleteRecordsRequestTopicPartition()
		part.Partition, part.Offset = p, offset
		topic.Partitions = append(topic.Partitions, part)
	}
	req.Topics = append(req.Topics, topic)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range resp.Topics {
		for _, p := range tp.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				t.Fatalf("delete records of p%d: %v", p.Partition, err)
			}
		}
	}
}
