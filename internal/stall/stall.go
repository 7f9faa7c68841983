// Package stall tells which partitions of a consumer group are stalled: an
// owner, any member of any client, has committed nothing for a while as the
// partition's lag grew. It is fed the partitions' owners and offsets at
// each look and the moment of the look (the caller's clock); it reads
// nothing from Kafka and keeps no history beyond each partition's last
// commit seen.
package stall

import (
	"maps"
	"slices"
	"time"
)

// DefaultAfter is how long an owner may commit nothing while the lag grows
// before its partition counts as stalled.
const DefaultAfter = 5 * time.Second

// Slack is added to the time without a commit before a stall is told,
// unless the owner was seen committing more often than every after/2:
// Java, librdkafka and franz-go commit every 5 s by default, and a commit
// a moment late must not read as a stall.
const Slack = time.Second

// Partition is one partition at a look.
type Partition struct {
	Partition int
	// Owner identifies the member that owns it (its member id), "" if none.
	Owner string
	// Committed is the group's committed offset, -1 if none; End the
	// partition's high watermark.
	Committed, End int64
}

func (p Partition) lag() int64 { return p.End - max(p.Committed, 0) }

// Ended says why a stall ended.
type Ended string

// Why a stall ends.
const (
	Committed Ended = "committed" // the owner committed again
	Moved     Ended = "moved"     // the partition has another owner, or none
	Gone      Ended = "gone"      // the partition was not in the look
)

// Change is a stall that started or ended at a look.
type Change struct {
	Partition int
	Owner     string // the owner that stalled
	// Since is the last commit seen (or when the owner took the partition).
	Since time.Time
	// At is the look that saw the change.
	At time.Time
	// LagThen and Lag are the lag at Since and at the look (Lag is
	// LagThen for a partition gone).
	LagThen, Lag int64
	// Started is true for a stall that began, false for one that ended;
	// Why says why it ended.
	Started bool
	Why     Ended
}

// track is what is known of one partition.
type track struct {
	owner     string
	committed int64
	since     time.Time
	lagThen   int64
	stalled   bool
	gap       time.Duration // between the owner's last two commits seen; 0 if not seen
}

// Detector tells stalls from successive looks at a group's partitions.
// It is not safe for concurrent use.
type Detector struct {
	after time.Duration
	parts map[int]*track
}

// New returns a Detector for which after (and Slack) without a commit, as
// the lag grew, is a stall (DefaultAfter if after is not positive).
func New(after time.Duration) *Detector {
	if after <= 0 {
		after = DefaultAfter
	}
	return &Detector{after: after, parts: map[int]*track{}}
}

// Look takes in the partitions as they are at now and returns the stalls
// that started or ended, in the order of ps (ended ones of partitions gone
// from ps last, by partition). A partition's first look starts its count;
// its count starts again whenever it is committed or moves.
func (d *Detector) Look(now time.Time, ps []Partition) []Change {
	var changes []Change
	seen := make(map[int]bool, len(ps))
	for _, p := range ps {
		seen[p.Partition] = true
		t, known := d.parts[p.Partition]
		if !known {
			d.parts[p.Partition] = &track{owner: p.Owner, committed: p.Committed, since: now, lagThen: p.lag()}
			continue
		}
		var why Ended
		switch {
		case p.Owner != t.owner:
			why = Moved
		case p.Committed != t.committed:
			why = Committed
		}
		if why != "" {
			if t.stalled {
				changes = append(changes, Change{Partition: p.Partition, Owner: t.owner, Since: t.since, At: now, LagThen: t.lagThen, Lag: p.lag(), Why: why})
			}
			gap := time.Duration(0)
			if why == Committed {
				gap = now.Sub(t.since)
			}
			*t = track{owner: p.Owner, committed: p.Committed, since: now, lagThen: p.lag(), gap: gap}
			continue
		}
		slack := Slack
		if t.gap > 0 && t.gap <= d.after/2 {
			slack = 0
		}
		if !t.stalled && t.owner != "" && now.Sub(t.since) >= d.after+slack && p.lag() > t.lagThen {
			t.stalled = true
			changes = append(changes, Change{Partition: p.Partition, Owner: t.owner, Since: t.since, At: now, LagThen: t.lagThen, Lag: p.lag(), Started: true})
		}
	}
	for _, part := range slices.Sorted(maps.Keys(d.parts)) {
		if seen[part] {
			continue
		}
		if t := d.parts[part]; t.stalled {
			changes = append(changes, Change{Partition: part, Owner: t.owner, Since: t.since, At: now, LagThen: t.lagThen, Lag: t.lagThen, Why: Gone})
		}
		delete(d.parts, part)
	}
	return changes
}

// Stalled returns since when partition's owner has committed nothing, if
// the partition is stalled.
func (d *Detector) Stalled(partition int) (since time.Time, ok bool) {
	t := d.parts[partition]
	if t == nil || !t.stalled {
		return time.Time{}, false
	}
	return t.since, true
}
