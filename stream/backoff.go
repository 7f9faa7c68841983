package stream

import (
	"context"
	"time"
)

// backoff is the wait between retries: it starts at start and doubles on
// each further retry up to a ceiling. The consumer's reconnects, its
// registry pauses and the producer's re-sends all wait with it.
type backoff struct{ cur, max time.Duration }

// newBackoff returns a backoff whose first wait is start, doubling up to max.
func newBackoff(start, max time.Duration) *backoff { return &backoff{cur: start / 2, max: max} }

// next returns the next wait.
func (b *backoff) next() time.Duration {
	b.cur = min(b.cur*2, b.max)
	return b.cur
}

// sleep waits d, or until ctx is done; it reports whether the wait ran out.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
