package stream

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestHistoryBesideLive: a partition's live records are handed on while
// its history is still being read (the history's first part is held back
// until live records of the same partition arrived), and the history still
// hands on each record of its span once, the read progress reaching the
// total.
func TestHistoryBesideLive(t *testing.T) {
	emb := startCluster(t, 2)
	now := time.Now()
	old := produceSpread(t, emb, 100, now.Add(-2*time.Minute), now.Add(-time.Minute))

	// A first run commits the history's records; what follows is live.
	var first collector
	stop := runConsumer(t, first.config(emb, "beside"))
	waitFor(t, "the history's records read", 20*time.Second, func() bool {
		first.mu.Lock()
		defer first.mu.Unlock()
		return first.pos[0] == old[0] && first.pos[1] == old[1]
	})
	stop()
	highs := produceSpread(t, emb, 10, now.Add(-time.Minute), now)

	var c collector
	var h histories
	cfg := c.config(emb, "beside")
	h.attach(&cfg, 3*time.Minute, 0)
	record := cfg.OnRecords
	var mu sync.Mutex
	liveSeen := map[int]chan struct{}{0: make(chan struct{}), 1: make(chan struct{})}
	cfg.OnRecords = func(ctx context.Context, batch []Record) error {
		mu.Lock()
		if ch := liveSeen[batch[0].Partition]; ch != nil {
			close(ch)
			delete(liveSeen, batch[0].Partition)
		}
		mu.Unlock()
		return record(ctx, batch)
	}
	attached := cfg.OnHistory
	held := map[int]bool{}
	cfg.OnHistory = func(ctx context.Context, part History) error {
		mu.Lock()
		ch, first := liveSeen[part.Partition], !held[part.Partition]
		held[part.Partition] = true
		mu.Unlock()
		if first && ch != nil {
			select {
			case <-ch:
			case <-time.After(10 * time.Second):
				t.Errorf("p%d: no live record handed on within 10 s while its history waited", part.Partition)
			}
		}
		return attached(ctx, part)
	}
	consumer, err := NewConsumer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- consumer.Run(ctx) }()
	waitFor(t, "both histories", 20*time.Second, func() bool { return len(h.of(0)) == 1 && len(h.of(1)) == 1 })
	waitFor(t, "the live records", 20*time.Second, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return len(c.records) == int(highs[0]-old[0]+highs[1]-old[1])
	})
	cancel()
	if err := <-done; err != nil && ctx.Err() == nil {
		t.Fatal(err)
	}
	h.check(t)
	for p := range 2 {
		got := h.of(p)[0]
		if got.From != 0 || got.To != old[p] || got.Err != nil || got.Read != got.Total || got.Total != old[p] {
			t.Errorf("p%d history [%d, %d) read %d of %d, err %v; want [0, %d) all read", p, got.From, got.To, got.Read, got.Total, got.Err, old[p])
		}
		offsets := make([]int64, len(got.Records))
		for i, r := range got.Records {
			offsets[i] = r.Offset
		}
		slices.Sort(offsets)
		for i, o := range offsets {
			if o != int64(i) {
				t.Fatalf("p%d: history's records at offsets %v…, want each of [0, %d) once", p, offsets[:min(i+1, len(offsets))], old[p])
			}
		}
		if len(offsets) != int(old[p]) {
			t.Errorf("p%d: %d records of history, want %d", p, len(offsets), old[p])
		}
	}
}
