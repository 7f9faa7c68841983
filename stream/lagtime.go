package stream

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// This file measures how far behind in time a group is on each partition:
// the newest record's timestamp minus that of the next record the group
// reads (the one at its committed offset). The timestamps come from the
// records this consumer read when it has them, else from a fetch at one
// offset, at most one fetch per partition every LagFetchEvery.

// LagFetchEvery is the shortest time between two fetches of one
// partition's timestamps.
const LagFetchEvery = 2 * time.Second

// lagStarts is how many batches read per partition are remembered by the
// offset and time of their first record: a member commits the offset after
// a batch, which is the first offset of the next one.
const lagStarts = 64

// lagFetchBytes bounds one fetch of timestamps: a fetch at the committed
// offset of a partition a little behind reads its newest record too.
const lagFetchBytes = 64 << 10

// stamp is a record's offset and timestamp.
type stamp struct {
	offset int64
	time   time.Time
}

// lagPart is what is known of one partition's timestamps.
type lagPart struct {
	starts  [lagStarts]stamp // first records of the batches read, a ring
	n       int              // batches remembered (up to lagStarts)
	head    int              // where the next one goes
	newest  stamp            // the newest record read or fetched; offset -1 if none
	next    stamp            // the record at the committed offset last looked up; offset -1 if none
	fetched time.Time        // when this partition was last fetched
	behind  time.Duration    // the last Behind computed
	known   bool             // behind holds one
}

// lagClock keeps record timestamps per partition and fills
// PartitionOffsets.Behind from them.
type lagClock struct {
	every time.Duration
	now   func() time.Time
	// fetch reads the records of partition from offset on, at most
	// lagFetchBytes, calling each with every record at or after offset.
	fetch func(ctx context.Context, partition int, offset int64, each func(stamp)) error

	mu    sync.Mutex
	parts map[int]*lagPart
}

func newLagClock(client *kafka.Client, topic string) *lagClock {
	return &lagClock{every: LagFetchEvery, now: time.Now, parts: map[int]*lagPart{},
		fetch: func(ctx context.Context, partition int, offset int64, each func(stamp)) error {
			return fetchStamps(ctx, client, topic, partition, offset, each)
		}}
}

// part returns partition's state; l.mu is held.
func (l *lagClock) part(partition int) *lagPart {
	p := l.parts[partition]
	if p == nil {
		p = &lagPart{newest: stamp{offset: -1}, next: stamp{offset: -1}}
		l.parts[partition] = p
	}
	return p
}

// read notes a batch this consumer read: its first and last records.
func (l *lagClock) read(partition int, first, last stamp) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.part(partition)
	p.starts[p.head] = first
	p.head = (p.head + 1) % lagStarts
	p.n = min(p.n+1, lagStarts)
	if last.offset > p.newest.offset {
		p.newest = last
	}
}

// startAt returns the remembered batch start at offset.
func (p *lagPart) startAt(offset int64) (stamp, bool) {
	for i := range p.n {
		if s := p.starts[i]; s.offset == offset {
			return s, true
		}
	}
	return stamp{}, false
}

// fill sets Behind and BehindKnown of every partition in stats, fetching
// the timestamps it lacks where a partition's fetch is due; until then a
// partition behind keeps the value it had while behind. Partitions without a committed offset
// stay unknown; those without lag are 0 behind.
func (l *lagClock) fill(ctx context.Context, stats []PartitionOffsets) {
	type job struct {
		i      int
		offset int64
	}
	var jobs []job
	l.mu.Lock()
	now := l.now()
	for i := range stats {
		s := &stats[i]
		s.Behind, s.BehindKnown = 0, false
		if s.Committed < 0 || s.Committed >= s.High {
			continue
		}
		p := l.part(s.Partition)
		if p.next.offset != s.Committed {
			if st, ok := p.startAt(s.Committed); ok {
				p.next = st
			}
		}
		knowNext := p.next.offset == s.Committed
		if now.Sub(p.fetched) >= l.every {
			switch {
			case !knowNext:
				jobs = append(jobs, job{i, s.Committed})
				p.fetched = now
			case p.newest.offset < s.High-1:
				jobs = append(jobs, job{i, s.High - 1})
				p.fetched = now
			}
		}
	}
	l.mu.Unlock()

	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for _, j := range jobs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			s := stats[j.i]
			var first, last stamp
			first.offset, last.offset = -1, -1
			err := l.fetch(ctx, s.Partition, j.offset, func(st stamp) {
				if first.offset < 0 {
					first = st
				}
				last = st
			})
			if err != nil || first.offset < 0 {
				return
			}
			l.mu.Lock()
			defer l.mu.Unlock()
			p := l.part(s.Partition)
			if j.offset == s.Committed {
				// The first record at or after the committed offset is
				// the next one read (offsets of a compacted log skip).
				p.next = stamp{offset: s.Committed, time: first.time}
			}
			if last.offset > p.newest.offset {
				p.newest = last
			}
		})
	}
	wg.Wait()

	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range stats {
		s := &stats[i]
		if s.Committed < 0 {
			continue
		}
		p := l.part(s.Partition)
		switch {
		case s.Committed >= s.High:
			// No lag: 0 behind, which does not stand for a lag to come.
			s.Behind, s.BehindKnown = 0, true
			p.known = false
			continue
		case p.next.offset == s.Committed && p.newest.offset >= s.Committed:
			p.behind, p.known = max(p.newest.time.Sub(p.next.time), 0), true
		}
		// Until a due fetch tells the new value, the last one stands.
		if p.known {
			s.Behind, s.BehindKnown = p.behind, true
		}
	}
}

// fetchStamps reads the timestamps of partition's records from offset on,
// one fetch of at most lagFetchBytes (the broker sends at least the batch
// holding offset, which may begin before it).
func fetchStamps(ctx context.Context, client *kafka.Client, topic string, partition int, offset int64, each func(stamp)) error {
	reqCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	resp, err := client.Fetch(reqCtx, &kafka.FetchRequest{Topic: topic, Partition: partition, Offset: offset,
		MinBytes: 1, MaxBytes: lagFetchBytes, MaxWait: 100 * time.Millisecond})
	if err != nil {
		return err
	}
	if resp.Error != nil {
		return resp.Error
	}
	if resp.Records == nil {
		return nil
	}
	for {
		r, err := resp.Records.ReadRecord()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if r.Offset >= offset {
			each(stamp{offset: r.Offset, time: r.Time})
		}
	}
}
