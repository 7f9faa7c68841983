package chart

import "time"

// Event is one decoded reading: a point of one line.
type Event struct {
	Partition int       // partition the record was read from
	Offset    int64     // offset of the record
	Series    string    // series (sensor) name; one line per series, field and partition
	Time      time.Time // event time, drawn with millisecond precision
	Value     float64   // reading; NaN and ±Inf are counted, not drawn
	// Field names the plotted field ("value", "humidity", "cost"); "" for
	// a record's only value. When events carry more than one field, lines
	// are named series.field and the f key shows one field at a time.
	Field string
	// Gap marks a record without a value for Field (null or missing): the
	// line is broken at Time. Gaps are counted; a gap of a line that has
	// no point yet draws nothing.
	Gap bool
}

// DecodeError is a record that could not be decoded.
type DecodeError struct {
	Partition int    // partition of the record
	Offset    int64  // offset of the record
	Err       string // what went wrong
}

// Member is one member of the consumer group.
type Member struct {
	ClientID   string // client id, shown to name the member
	MemberID   string // member id assigned by the coordinator
	Host       string // client host
	Partitions []int  // partitions of the topic assigned to the member
}

// Group is a generation of the consumer group as reported.
type Group struct {
	Generation int      // generation id
	MemberID   string   // this instance's member id
	Assignor   string   // the group's assignor (range, roundrobin, cooperative-sticky); "" if unknown
	Owned      []int    // partitions assigned to this instance
	Members    []Member // every member, this instance included
}

// PartitionStat is the committed offset and high watermark of a partition.
type PartitionStat struct {
	Partition int
	Committed int64 // next offset to consume as committed by the group; -1 = none yet
	High      int64 // high watermark
	// Behind is how far behind in time the group is (the newest record's
	// timestamp minus that of the record at Committed), if BehindKnown.
	Behind      time.Duration
	BehindKnown bool
	// NoCommitSince is set while the partition is stalled: its owner has
	// committed nothing since then as its lag grew.
	NoCommitSince time.Time
}
