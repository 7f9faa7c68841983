package stream

import (
	"context"
	"testing"
	"time"
)

// TestIdleConsumerCommitsEverything checks that records handed on shortly
// after a commit are committed once the partition goes quiet, while the
// consumer keeps running, so that an idle group's lag reads zero.
func TestIdleConsumerCommitsEverything(t *testing.T) {
	emb := startCluster(t, 2)
	var c collector
	cfg := c.config(emb, "idle")
	cfg.CommitInterval = 300 * time.Millisecond
	cfg.MaxWait = 50 * time.Millisecond
	consumer, err := NewConsumer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	runConsumer(t, cfg)

	count := func(n int) func() bool {
		return func() bool {
			c.mu.Lock()
			defer c.mu.Unlock()
			return len(c.records) >= n
		}
	}
	p, err := NewProducer(context.Background(), ProducerConfig{Conn: cfg.Conn, Topic: emb.Topic()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	step := func() {
		t.Helper()
		var msgs []Message
		for _, key := range []string{"sensor0", "sensor4"} { // one on each partition
			msgs = append(msgs, Message{Key: []byte(key), Value: []byte{0}, Time: time.Now()})
		}
		if _, err := p.Send(context.Background(), msgs, nil); err != nil {
			t.Fatal(err)
		}
	}
	step()
	waitFor(t, "the first records", 20*time.Second, count(2))
	// Within the commit interval of the first batch's commit.
	step()
	waitFor(t, "the second records", 20*time.Second, count(4))
	waitFor(t, "committed offsets at the high watermarks", 20*time.Second, func() bool {
		stats, err := consumer.Offsets(context.Background())
		if err != nil {
			return false
		}
		for _, s := range stats {
			if s.Committed != s.High {
				return false
			}
		}
		return true
	})
}
