package consume

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
)

// registryCheckTimeout bounds consume's look at the registry at start.
const registryCheckTimeout = 10 * time.Second

// checkRegistry asks the registry for its subjects, so that a registry that
// cannot be reached is one error at start rather than a pause at the first
// record.
func checkRegistry(ctx context.Context, reg *schema.Client) error {
	ctx, cancel := context.WithTimeout(ctx, registryCheckTimeout)
	defer cancel()
	if _, err := reg.Subjects(ctx); err != nil {
		return err
	}
	return nil
}

// outage is a partition that cannot go on: paused on the registry or
// reconnecting to the broker.
type outage struct {
	since time.Time
	last  stream.Status
}

// outageWatch prints the consumer's conditions, each partition's once per
// change and named, and ends the run when one lasts longer than limit.
type outageWatch struct {
	out   io.Writer
	topic string
	limit time.Duration
	now   func() time.Time

	mu   sync.Mutex
	open map[int]*outage // by partition; -1 is the consumer's own
}

func newOutageWatch(out io.Writer, topic string, limit time.Duration, now func() time.Time) *outageWatch {
	return &outageWatch{out: out, topic: topic, limit: limit, now: now, open: map[int]*outage{}}
}

// status records and prints a condition; an empty Text ends it.
func (w *outageWatch) status(st stream.Status) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if st.Text == "" {
		delete(w.open, st.Partition)
		return
	}
	o := w.open[st.Partition]
	if o == nil {
		o = &outage{since: w.now()}
		w.open[st.Partition] = o
	}
	o.last = st
	fmt.Fprintf(w.out, "status: %s: %s\n", w.where(st.Partition), st.Text)
}

// where names a partition, or the consumer for -1.
func (w *outageWatch) where(partition int) string {
	if partition < 0 {
		return "consumer"
	}
	return fmt.Sprintf("%s [%d]", w.topic, partition)
}

// expired returns the error of the oldest condition that has lasted longer
// than the limit, nil if none has.
func (w *outageWatch) expired() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var oldest *outage
	part := 0
	for p, o := range w.open {
		if oldest == nil || o.since.Before(oldest.since) {
			oldest, part = o, p
		}
	}
	if oldest == nil || w.now().Sub(oldest.since) <= w.limit {
		return nil
	}
	what := "the broker could not be reached"
	if oldest.last.Registry {
		what = "the schema registry could not be reached"
	}
	cause := oldest.last.Text
	if oldest.last.Err != nil {
		cause = oldest.last.Err.Error()
	}
	if part < 0 {
		return fmt.Errorf("consume stopped: %s for more than %s (--outage-limit): %s", what, w.limit, cause)
	}
	at := "before its first record"
	if oldest.last.Offset >= 0 {
		at = fmt.Sprintf("at offset %d", oldest.last.Offset)
	}
	return fmt.Errorf("consume stopped %s in %s: %s for more than %s (--outage-limit): %s", at, w.where(part), what, w.limit, cause)
}

// watch ends the run with the expired condition's error, checking every
// second until ctx is done.
func (w *outageWatch) watch(ctx context.Context, stop context.CancelCauseFunc) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := w.expired(); err != nil {
			stop(err)
			return
		}
	}
}
