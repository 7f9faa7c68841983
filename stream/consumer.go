package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/kafkaplot/kafkaplot/schema"
)

// Record is one consumed Kafka record, decoded.
type Record struct {
	Partition int
	Offset    int64
	Key       []byte
	// Time is the record's Kafka timestamp.
	Time time.Time
	// SchemaID is the writer schema's registry id (0 if the header was bad).
	SchemaID int
	// Sensor holds the decoded sensor event when IsSensor is true.
	Sensor   schema.Sensor
	IsSensor bool
	// Fields holds a generically decoded record that is not a sensor event.
	Fields *schema.Record
	// Err is the decode error; such a record is counted and shown, not plotted.
	Err error
}

// Member is one member of the consumer group.
type Member struct {
	MemberID   string
	ClientID   string
	Host       string
	Partitions []int
}

// GroupEvent reports a new generation of the consumer group, a change in
// this consumer's partitions, or a change in what the other members own.
type GroupEvent struct {
	Generation int
	MemberID   string
	// Protocol is the assignor the group uses (range, roundrobin,
	// cooperative-sticky).
	Protocol string
	// Assigned are the partitions this consumer fetches now. In a
	// cooperative rebalance the partitions it gives up leave the list
	// before the generation that hands them on.
	Assigned []int
	// Members are all members with their partitions, from DescribeGroups;
	// the last known when that request fails, nil until one succeeded.
	Members []Member
}

// PartitionOffsets is a partition's committed offset and high watermark.
type PartitionOffsets struct {
	Partition int
	// Committed is the group's committed offset, -1 if none.
	Committed int64
	// High is the partition's high watermark (the next offset to be written).
	High int64
}

// Status reports a condition worth showing, such as a reconnect or a paused
// partition. An empty Text on a partition means it is healthy again.
type Status struct {
	// Partition is the affected partition, or -1 for the whole consumer.
	Partition int
	Text      string
	// Registry says the condition is the schema registry's (a partition
	// paused on a record it cannot decode yet); otherwise it is the
	// broker's.
	Registry bool
	// Err is the error behind Text, nil when healthy.
	Err error
	// Offset is where the partition stands while the condition lasts: the
	// record it is paused on, or the offset it will read from once
	// reconnected. Meaningless when Text is empty or Partition is -1.
	Offset int64
}

// ErrEmptyValue is the decode error of a record without a value: a
// tombstone (null) or an empty value, which kafka-go does not tell apart.
var ErrEmptyValue = errors.New("empty or null value (tombstone)")

// Offset reset policies.
const (
	ResetEarliest = "earliest"
	ResetLatest   = "latest"
)

// ConsumerConfig configures a Consumer. Durations of zero take the defaults
// stated on each field.
type ConsumerConfig struct {
	Conn  Connection
	Group string
	Topic string
	// Reset is where a partition without a committed offset starts:
	// ResetEarliest (default) or ResetLatest.
	Reset string
	// Decoder decodes record values. Required.
	Decoder *schema.Decoder
	// Assignors are the partition assignment strategies offered to the
	// group, in order of preference (see ParseAssignors). Default:
	// DefaultAssignors.
	Assignors []string
	// AssignorSetting names where the user chooses Assignors, for the
	// error when the group's members offer none of them.
	AssignorSetting string

	// Heartbeat interval. Default: 1s.
	Heartbeat time.Duration
	// Session timeout. Default: 10s.
	Session time.Duration
	// Rebalance timeout. Default: 10s.
	Rebalance time.Duration
	// MaxWait is how long a fetch waits for new records when there are
	// none. Fetches ask for at least one byte, so the broker answers as soon
	// as a record arrives whatever MaxWait is: it bounds only how often an
	// idle partition is polled (and how late an idle consumer commits).
	// Default: 1s.
	MaxWait time.Duration
	// MaxBytes bounds one fetch. Default: 8 MiB.
	MaxBytes int
	// CommitInterval is how often handed-on offsets are committed. Default: 250ms.
	CommitInterval time.Duration
	// StatsInterval is how often OnOffsets is called. Default: 1s.
	StatsInterval time.Duration

	// OnRecords receives the records of one partition in offset order, in
	// batches of at most 1024. It is called concurrently for different
	// partitions and must not retain batch (nor the records' Key). Once
	// it returns nil the records count as handed on and their offsets are
	// committed; an error stops the consumer.
	OnRecords func(ctx context.Context, batch []Record) error
	// OnGroup receives generations and membership changes. Optional.
	OnGroup func(GroupEvent)
	// OnOffsets receives committed offsets and high watermarks of all
	// partitions every StatsInterval. Optional.
	OnOffsets func([]PartitionOffsets)
	// OnPosition receives a partition's next offset to read, once it is
	// known and after every batch. Optional.
	OnPosition func(partition int, next int64)
	// OnStatus receives reconnects and pauses. Optional.
	OnStatus func(Status)

	// History is how far back from now a partition's records are read when
	// it becomes this consumer's (at start, on joining, on taking it back),
	// up to the group's position, outside the group: nothing of it is
	// committed. A partition taken back is read from where this consumer
	// left it. Zero (default): no history.
	History time.Duration
	// HistoryBudget is the most records of history read per partition;
	// past it an even sample is read. Default: DefaultHistoryBudget.
	HistoryBudget int
	// OnHistory receives a partition's history before any of its records
	// is passed to OnRecords in that assignment. History is read only when
	// it is set. An error stops the consumer.
	OnHistory func(ctx context.Context, h History) error
	// OnReset receives a partition whose log was reset under the consumer,
	// before any record of the new log. Optional.
	OnReset func(LogReset)
}

func (c *ConsumerConfig) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.Heartbeat, time.Second)
	def(&c.Session, 10*time.Second)
	def(&c.Rebalance, 10*time.Second)
	def(&c.MaxWait, time.Second)
	def(&c.CommitInterval, 250*time.Millisecond)
	def(&c.StatsInterval, time.Second)
	if c.MaxBytes <= 0 {
		c.MaxBytes = 8 << 20
	}
	if c.Reset == "" {
		c.Reset = ResetEarliest
	}
	if len(c.Assignors) == 0 {
		c.Assignors, _ = ParseAssignors(DefaultAssignors)
	}
	if c.OnGroup == nil {
		c.OnGroup = func(GroupEvent) {}
	}
	if c.OnPosition == nil {
		c.OnPosition = func(int, int64) {}
	}
	if c.OnStatus == nil {
		c.OnStatus = func(Status) {}
	}
}

// Consumer reads a topic as a member of a consumer group.
type Consumer struct {
	cfg      ConsumerConfig
	client   *kafka.Client
	clientID string
	start    int64
	handed   positions
}

// NewConsumer checks cfg; Run does the work.
func NewConsumer(cfg ConsumerConfig) (*Consumer, error) {
	if err := cfg.Conn.Validate(); err != nil {
		return nil, err
	}
	switch {
	case cfg.Group == "":
		return nil, errors.New("consumer: no group id")
	case cfg.Topic == "":
		return nil, errors.New("consumer: no topic")
	case cfg.Decoder == nil:
		return nil, errors.New("consumer: no decoder")
	case cfg.OnRecords == nil:
		return nil, errors.New("consumer: no OnRecords")
	}
	if len(cfg.Assignors) > 0 {
		if _, err := ParseAssignors(strings.Join(cfg.Assignors, ",")); err != nil {
			return nil, fmt.Errorf("consumer: %w", err)
		}
	}
	cfg.defaults()
	start := kafka.FirstOffset
	switch cfg.Reset {
	case ResetEarliest:
	case ResetLatest:
		start = kafka.LastOffset
	default:
		return nil, fmt.Errorf("consumer: offset reset %q: want %s or %s", cfg.Reset, ResetEarliest, ResetLatest)
	}
	return &Consumer{cfg: cfg, client: cfg.Conn.Client(), clientID: cfg.Conn.clientID(), start: start}, nil
}

// Run joins the group and consumes until ctx is done or OnRecords fails. On
// the way out it commits what was handed on and leaves the group, so that the
// other members take over at once.
func (c *Consumer) Run(ctx context.Context) error {
	defer closeClient(c.client)
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	var wg sync.WaitGroup
	if c.cfg.OnOffsets != nil {
		wg.Go(func() { c.pollOffsets(runCtx) })
	}
	member := newGroupMember(c, cancel)
	wg.Go(func() { member.watch(runCtx) })
	err := member.run(runCtx)
	cause := context.Cause(runCtx)
	cancel(nil)
	wg.Wait()
	if err != nil {
		return err
	}
	return cause
}

// pollOffsets reports committed offsets and high watermarks of every partition.
func (c *Consumer) pollOffsets(ctx context.Context) {
	tick := time.NewTicker(c.cfg.StatsInterval)
	defer tick.Stop()
	for {
		if stats, err := c.Offsets(ctx); err == nil {
			c.cfg.OnOffsets(stats)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Offsets returns the group's committed offset and the high watermark of
// every partition of the topic.
func (c *Consumer) Offsets(ctx context.Context) ([]PartitionOffsets, error) {
	return groupOffsets(ctx, c.client, c.cfg.Group, c.cfg.Topic)
}

func groupOffsets(ctx context.Context, client *kafka.Client, group, topic string) ([]PartitionOffsets, error) {
	reqCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	highs, err := highWatermarks(reqCtx, client, topic)
	if err != nil {
		return nil, err
	}
	parts := make([]int, len(highs))
	for i := range highs {
		parts[i] = i
	}
	committed, err := client.OffsetFetch(reqCtx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: parts}})
	if err != nil {
		return nil, fmt.Errorf("fetch committed offsets of group %s: %w", group, err)
	}
	stats := make([]PartitionOffsets, len(highs))
	for i, h := range highs {
		stats[i] = PartitionOffsets{Partition: i, Committed: -1, High: h}
	}
	for _, p := range committed.Topics[topic] {
		if p.Partition >= 0 && p.Partition < len(stats) && p.Error == nil {
			stats[p.Partition].Committed = p.CommittedOffset
		}
	}
	return stats, nil
}

// CommittedOffsets returns group's committed offset and the high watermark
// of every partition of topic.
func (c Connection) CommittedOffsets(ctx context.Context, group, topic string) ([]PartitionOffsets, error) {
	client := c.Client()
	defer closeClient(client)
	return groupOffsets(ctx, client, group, topic)
}

// HighWatermarks returns the high watermark of each partition of topic,
// indexed by partition.
func (c Connection) HighWatermarks(ctx context.Context, topic string) ([]int64, error) {
	client := c.Client()
	defer closeClient(client)
	return highWatermarks(ctx, client, topic)
}

func highWatermarks(ctx context.Context, client *kafka.Client, topic string) ([]int64, error) {
	meta, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return nil, fmt.Errorf("read metadata of topic %s: %w", topic, err)
	}
	switch {
	case len(meta.Topics) != 1:
		return nil, fmt.Errorf("topic %s: not found", topic)
	case meta.Topics[0].Error != nil:
		return nil, fmt.Errorf("topic %s: %w", topic, meta.Topics[0].Error)
	}
	reqs := make([]kafka.OffsetRequest, len(meta.Topics[0].Partitions))
	for i := range reqs {
		reqs[i] = kafka.LastOffsetOf(i)
	}
	resp, err := client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return nil, fmt.Errorf("list offsets of topic %s: %w", topic, err)
	}
	highs := make([]int64, len(reqs))
	for _, p := range resp.Topics[topic] {
		if p.Error != nil {
			return nil, fmt.Errorf("list offsets of %s [%d]: %w", topic, p.Partition, p.Error)
		}
		if p.Partition >= 0 && p.Partition < len(highs) {
			highs[p.Partition] = p.LastOffset
		}
	}
	return highs, nil
}

// consumePartition fetches one partition for the life of a generation,
// reconnecting after errors, and commits what was handed on.
func (c *Consumer) consumePartition(ctx context.Context, commit commitFunc, partition int, offset int64) error {
	cm := committer{commit: commit, partition: partition, committed: offset, interval: c.cfg.CommitInterval}
	defer cm.flush()
	backoff := newBackoff(100*time.Millisecond, 5*time.Second)
	var st partitionStart
	for ctx.Err() == nil {
		next, err := c.fetchLoop(ctx, partition, offset, &cm, &st)
		if next >= 0 {
			offset = next
		}
		if err == nil || ctx.Err() != nil {
			return nil
		}
		var fatal handlerError
		if errors.As(err, &fatal) {
			return fatal.err
		}
		if errors.Is(err, kafka.OffsetOutOfRange) {
			// The log was truncated, deleted or recreated: read it anew
			// from its start (or end) per the reset policy.
			if st.resetCause == "" {
				st.resetCause = fmt.Sprintf("offset %d out of range", offset)
			}
			offset = c.start
			continue
		}
		wait := backoff.next()
		c.cfg.OnStatus(Status{Partition: partition, Err: err, Offset: offset, Text: fmt.Sprintf("reconnecting in %s: %v", wait.Round(10*time.Millisecond), err)})
		if !sleep(ctx, wait) {
			return nil
		}
	}
	return nil
}

// handOnChunk is the most records passed to OnRecords at once: a fetch of
// MaxBytes holds up to a few hundred thousand records, and handing them on
// in chunks keeps the batch small, reused and warm in cache while the
// receiver works on one chunk as the next is decoded.
const handOnChunk = 1024

// handlerError marks an error from OnRecords, which stops the consumer.
type handlerError struct{ err error }

func (e handlerError) Error() string { return e.err.Error() }

// fetchLoop reads from one connection until an error. It returns the next
// offset to read (-1 if unknown).
func (c *Consumer) fetchLoop(ctx context.Context, partition int, offset int64, cm *committer, st *partitionStart) (int64, error) {
	conn, err := c.dialLeader(ctx, partition)
	if err != nil {
		return -1, err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer func() {
		if stop() {
			conn.Close()
		}
	}()
	whence := kafka.SeekAbsolute
	switch offset {
	case kafka.FirstOffset:
		whence = kafka.SeekStart
		offset = 0
	case kafka.LastOffset:
		whence = kafka.SeekEnd
		offset = 0
	}
	next, err := conn.Seek(offset, whence)
	if err != nil {
		return -1, fmt.Errorf("seek %s [%d]: %w", c.cfg.Topic, partition, err)
	}
	if err := c.begin(ctx, conn, partition, next, st); err != nil {
		return next, err
	}
	c.cfg.OnPosition(partition, next)
	c.cfg.OnStatus(Status{Partition: partition})
	batch := make([]Record, 0, handOnChunk)
	// handOn passes the records decoded so far on and moves next past them.
	handOn := func() error {
		if len(batch) == 0 {
			return nil
		}
		handed, err := c.handOn(ctx, batch)
		if handed > 0 {
			next = batch[handed-1].Offset + 1
			cm.handedOn(next)
			c.cfg.OnPosition(partition, next)
		}
		batch = batch[:0]
		return err
	}
	for {
		if err := conn.SetReadDeadline(time.Now().Add(c.cfg.MaxWait + 10*time.Second)); err != nil {
			return next, err
		}
		fetched := conn.ReadBatchWith(kafka.ReadBatchConfig{MinBytes: 1, MaxBytes: c.cfg.MaxBytes, MaxWait: c.cfg.MaxWait})
		for {
			msg, err := fetched.ReadMessage()
			if err != nil {
				break
			}
			batch = append(batch, Record{})
			c.decode(ctx, partition, &msg, &batch[len(batch)-1])
			if len(batch) == cap(batch) {
				if err := handOn(); err != nil {
					fetched.Close()
					return next, err
				}
			}
		}
		closeErr := fetched.Close()
		if err := handOn(); err != nil {
			return next, err
		}
		// An empty fetch (MaxWait passed) commits what the last batch left
		// pending, so that an idle consumer's lag reads zero.
		cm.due()
		if closeErr != nil && !errors.Is(closeErr, io.EOF) {
			if isTimeout(closeErr) {
				continue
			}
			return next, closeErr
		}
		if ctx.Err() != nil {
			return next, nil
		}
	}
}

// dialLeader connects to the leader of partition through the first broker
// that answers.
func (c *Consumer) dialLeader(ctx context.Context, partition int) (*kafka.Conn, error) {
	dialer := c.cfg.Conn.Dialer()
	var errs []error
	for _, b := range c.cfg.Conn.Brokers {
		conn, err := dialer.DialLeader(ctx, "tcp", b, c.cfg.Topic, partition)
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("connect to leader of %s [%d]: %w", c.cfg.Topic, partition, errors.Join(errs...))
}

// decode turns a fetched message into r, a zero Record in place in the
// batch (neither is copied: both are large). A registry outage pauses the
// partition here, retrying with backoff, rather than dropping the record.
func (c *Consumer) decode(ctx context.Context, partition int, msg *kafka.Message, r *Record) {
	r.Partition, r.Offset, r.Key, r.Time = partition, msg.Offset, msg.Key, msg.Time
	if len(msg.Value) == 0 {
		// kafka-go reads a null value and an empty one alike.
		r.Err = ErrEmptyValue
		return
	}
	backoff := newBackoff(200*time.Millisecond, 10*time.Second)
	paused := false
	for {
		id, err := c.cfg.Decoder.DecodeSensor(ctx, msg.Value, &r.Sensor)
		r.SchemaID = id
		if err == nil {
			r.IsSensor = true
			r.Err = nil
			break
		}
		if errors.Is(err, schema.ErrNotSensor) {
			rec, gerr := c.cfg.Decoder.Decode(ctx, msg.Value)
			if gerr == nil {
				r.Fields = &rec
				r.Err = nil
				break
			}
			err = gerr
		}
		r.Err = err
		if !schema.IsRetryable(err) || ctx.Err() != nil {
			break
		}
		paused = true
		wait := backoff.next()
		c.cfg.OnStatus(Status{Partition: partition, Registry: true, Err: err, Offset: msg.Offset, Text: fmt.Sprintf("paused at offset %d, registry unavailable, retrying in %s: %v", msg.Offset, wait.Round(10*time.Millisecond), err)})
		if !sleep(ctx, wait) {
			break
		}
	}
	if paused {
		c.cfg.OnStatus(Status{Partition: partition})
	}
}

// handOn passes batch to OnRecords and returns how many records it passed.
// A record whose decode was cut short by shutdown is not handed on, nor is
// anything after it, so its offset is not committed and the next run reads
// it again; the error is then the context's.
func (c *Consumer) handOn(ctx context.Context, batch []Record) (int, error) {
	var stopped error
	if ctx.Err() != nil {
		for i, r := range batch {
			if r.Err != nil && schema.IsRetryable(r.Err) {
				batch, stopped = batch[:i], ctx.Err()
				break
			}
		}
		if len(batch) == 0 {
			return 0, stopped
		}
	}
	if err := c.cfg.OnRecords(ctx, batch); err != nil {
		return 0, handlerError{fmt.Errorf("handle records of %s [%d]: %w", c.cfg.Topic, batch[0].Partition, err)}
	}
	last := &batch[len(batch)-1]
	c.handed.set(last.Partition, handedOn{next: last.Offset + 1, time: last.Time})
	return len(batch), stopped
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

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
