package stream

import "time"

// commitFunc commits a partition's offset for the group.
type commitFunc func(partition int, offset int64) error

// committer commits a partition's handed-on offset at most every interval,
// and on flush.
type committer struct {
	commit     commitFunc
	partition  int
	interval   time.Duration
	committed  int64
	pending    int64
	lastCommit time.Time
}

func (c *committer) handedOn(next int64) {
	c.pending = next
	c.due()
}

// due commits the pending offset if the interval has passed since the last
// commit.
func (c *committer) due() {
	if time.Since(c.lastCommit) >= c.interval {
		c.flush()
	}
}

func (c *committer) flush() {
	if c.pending <= 0 || c.pending == c.committed {
		return
	}
	err := c.commit(c.partition, c.pending)
	c.lastCommit = time.Now()
	if err == nil {
		c.committed = c.pending
	}
}
