package stream

import (
	"context"
	"errors"
	"fmt"
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
	// SchemaID is the writer schema's registry id (0 if the header was bad
	// or the value has none).
	SchemaID int
	// Plotted holds the fields the Decoder's selection names
	// (schema.WithSelection), read by the compiled reader of the record's
	// writer schema; unless ConsumerConfig.Full.
	Plotted schema.Plotted
	// Fields holds every field of the record when ConsumerConfig.Full.
	Fields *schema.Record
	// Err is the decode error; such a record is counted and shown, not plotted.
	Err error
}

// grow extends records by one and returns it, zero but for the buffers of
// the Plotted it reuses.
func grow(records []Record) ([]Record, *Record) {
	if len(records) < cap(records) {
		records = records[:len(records)+1]
	} else {
		records = append(records, Record{})
	}
	r := &records[len(records)-1]
	// Field by field: a whole Record written back with its Plotted copies
	// both twice, under the collector's write barriers.
	r.Partition, r.Offset, r.Key, r.Time = 0, 0, nil, time.Time{}
	r.SchemaID, r.Fields, r.Err = 0, nil, nil
	return records, r
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
	// Behind is how far behind in time the group is: the newest record's
	// timestamp minus that of the record at Committed (0 without lag).
	// BehindKnown says whether it was measured: not without a committed
	// offset, nor before the records' timestamps were read.
	Behind      time.Duration
	BehindKnown bool
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
	// Full decodes every field of each record (Decoder.Decode into
	// Record.Fields), for printing them; default: only the selected ones
	// (Decoder.DecodePlotted into Record.Plotted), for plotting.
	Full bool
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
	// MaxBytes bounds one fetch. Default: 8 MiB. The group's fetch loop
	// asks for at most pipelinedFetchBytes.
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
	// OnOffsets receives committed offsets, high watermarks and how far
	// behind in time the group is on every partition, every
	// StatsInterval. Optional.
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
	// HistoryBudget is the most records of a partition's history read
	// whole; past it, evenly spaced time slices of the window are read,
	// each whole. Default: DefaultHistoryBudget.
	HistoryBudget int
	// OnHistory receives a partition's history, in parts with progress,
	// before any of its records is passed to OnRecords in that assignment.
	// History is read only when it is set. An error stops the consumer.
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
	lag      *lagClock
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
	client := cfg.Conn.Client()
	return &Consumer{cfg: cfg, client: client, clientID: cfg.Conn.clientID(), start: start, lag: newLagClock(client, cfg.Topic)}, nil
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
