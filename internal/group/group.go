// Package group is kafkaplot group's engine: it reads a consumer group from
// outside, without joining it, and prints it as kafka-consumer-groups
// --describe does (state, assignor, generation, members and their
// partitions, each partition's committed offset, end, lag in records and in
// time); with Watch it then prints a timestamped line per change: state,
// generation, a member joined or left, a partition moved, a stall started
// or ended. It does not parse flags or decide exit codes, and it never
// commits or joins.
package group

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/internal/stall"
	"github.com/kafkaplot/kafkaplot/stream"
)

// Summary is the command's description for its help.
const Summary = `kafkaplot group: describe the consumer group from outside, without joining it,
as kafka-consumer-groups --describe does: state, assignor, generation, each member
(client id, host, partitions) and each partition of the topic (committed offset,
end offset, lag in records and in time: the newest record's timestamp minus that
of the next record the group reads). The generation is the one the members'
subscriptions tell ("-" when they do not: librdkafka's range and roundrobin).

With --watch it goes on and prints a line per change, with its time: the state,
the generation, a member joined or left, a partition moved, and a stall started or
ended (an owner that committed nothing for over 5s while its lag grew).`

// Options say which group to read and how.
type Options struct {
	Conn  connect.Options // the connection flags
	Group string          // overrides kafka.consumer.group_id when set
	Watch bool            // go on and print the changes
	// Interval is the time between two reads when watching. Default:
	// DefaultInterval.
	Interval time.Duration
	// Now is the clock of the watch lines; default time.Now.
	Now func() time.Time
}

// DefaultInterval is the time between two reads of the group when watching.
const DefaultInterval = time.Second

// Run describes the group, and with Watch goes on printing its changes
// until ctx ends (connect.ErrInterrupted).
func Run(ctx context.Context, o Options, stdout io.Writer) error {
	settings, err := connect.Resolve(o.Conn, os.LookupEnv)
	if err != nil {
		return err
	}
	cfg := settings.Cfg
	if o.Group != "" {
		cfg.Kafka.Consumer.GroupID = o.Group
	}
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	group, topic := cfg.Kafka.Consumer.GroupID, cfg.Kafka.Topic
	conn, err := settings.Connection(ctx)
	if err != nil {
		return err
	}
	if _, err := conn.Partitions(ctx, topic); err != nil {
		return fmt.Errorf("read topic %s: %w (check -t or kafka.topic)", topic, err)
	}
	reader := conn.NewGroupReader(group, topic)
	defer reader.Close()
	snap, err := reader.Read(ctx)
	if ctx.Err() != nil {
		return connect.ErrInterrupted
	}
	if err != nil {
		return err
	}
	if !o.Watch && snap.State == "Dead" && !anyCommitted(snap.Offsets) {
		return fmt.Errorf("group %s: no such group on the cluster (no members, no committed offsets of topic %s); check -g or kafka.consumer.group_id", group, topic)
	}
	if err := Describe(stdout, group, topic, snap); err != nil || !o.Watch {
		return err
	}
	return watch(ctx, o, stdout, reader, snap)
}

// watch reads the group every Interval and prints its changes.
func watch(ctx context.Context, o Options, stdout io.Writer, reader snapshotReader, first stream.GroupSnapshot) error {
	w := newWatcher(first, stall.New(stall.DefaultAfter), o.Now())
	tick := time.NewTicker(o.Interval)
	defer tick.Stop()
	failing := ""
	for {
		select {
		case <-ctx.Done():
			return connect.ErrInterrupted
		case <-tick.C:
		}
		snap, err := reader.Read(ctx)
		now := o.Now()
		if ctx.Err() != nil {
			return connect.ErrInterrupted
		}
		var lines []string
		switch {
		case err != nil && err.Error() != failing:
			failing = err.Error()
			lines = []string{"cannot read the group: " + connect.OneLine(failing)}
		case err != nil:
		default:
			if failing != "" {
				failing, lines = "", []string{"reading the group again"}
			}
			lines = append(lines, w.next(snap, now)...)
		}
		for _, l := range lines {
			if _, err := fmt.Fprintf(stdout, "%s %s\n", now.Format(stamp), l); err != nil {
				return err
			}
		}
	}
}

// snapshotReader reads the group (stream.GroupReader).
type snapshotReader interface {
	Read(ctx context.Context) (stream.GroupSnapshot, error)
}

// stamp is the time format of the watch lines.
const stamp = "2006-01-02T15:04:05.000Z07:00"

func anyCommitted(offsets []stream.PartitionOffsets) bool {
	for _, o := range offsets {
		if o.Committed >= 0 {
			return true
		}
	}
	return false
}
