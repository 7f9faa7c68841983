package ui

import (
	"time"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// The data the model keeps, defined with the store (package chart).
type (
	// Event is one decoded reading: a point of one line.
	Event = chart.Event
	// DecodeError is a record that could not be decoded.
	DecodeError = chart.DecodeError
	// Member is one member of the consumer group.
	Member = chart.Member
	// GroupMsg reports a generation of the consumer group.
	GroupMsg = chart.Group
	// PartitionStat is the committed offset and high watermark of a partition.
	PartitionStat = chart.PartitionStat
)

// EventsMsg is a batch of events and decode errors. The model copies what it
// keeps.
type EventsMsg struct {
	Events []Event
	Errors []DecodeError
	// Done, when set, is called with Events once the model has stored
	// them, so that the sender can reuse the slice.
	Done func([]Event)
}

// HistoryMsg is a part of a partition's recent past, read from the broker
// when the partition became this instance's (at start, on joining the
// group, on taking it back), while its live events go on arriving. Its
// events are drawn like live ones but not counted in the rates; those at
// offsets this instance received before are skipped, not counted as
// re-delivered. While it is read the pane says how far
// ("reading history 3.1M of 10M").
type HistoryMsg struct {
	Partition int
	// Events are more events of the partition's history: each part's in
	// offset order, the parts in any order.
	Events []Event
	// Read is how many records of the history are read, these included,
	// of Total.
	Read, Total int64
	// Done marks the history's last part.
	Done bool
	// Slices says which part of a history too long to read whole was
	// read, each slice whole ("1 minute in 12"); "" when read whole.
	Slices string
	// Recycle, when set, is called with Events once the model has stored
	// them, so that the sender can reuse the slice.
	Recycle func([]Event)
}

// RangeMsg reports the reading of a time range asked for by
// Options.ReadRange, for a view of the past: its plan first, then its
// events in parts, the last one Done. Reports of a request other than the
// newest are ignored.
type RangeMsg struct {
	ID         int     // the request's id, as passed to ReadRange
	Partitions int     // the topic's partitions, all read; 0 if not known yet
	Events     []Event // the next events read
	// Read is how many records are read so far, of Total in the range (or
	// in its slices).
	Read, Total int64
	// Slices says which part of a range too long to read whole is read
	// ("1 minute in 12"); "" when it is read whole.
	Slices string
	// GoneBefore is set when records of the range were deleted from the
	// log (retention): the time of the oldest one left.
	GoneBefore time.Time
	Done       bool   // the range is read
	Err        string // why the read failed, "" if it did not
	// Undecoded counts the records read that could not be decoded.
	Undecoded int64
}

// LogResetMsg says a partition's log was truncated, deleted or recreated:
// its offsets start again at From, so the records below the offsets seen
// before are new, not re-delivered. The pane says "log reset: reading from
// offset N".
type LogResetMsg struct {
	Partition int
	From      int64 // the offset reading goes on from
}

// OffsetsMsg reports committed offsets and high watermarks; lag is
// High-Committed, or High when nothing was committed yet.
type OffsetsMsg struct {
	Stats []PartitionStat
}

// PartitionsMsg reports the topic's partition count. Panes are shown for
// partitions 0..N-1 where N is the larger of Count and the highest partition
// seen in any message plus one.
type PartitionsMsg struct {
	Count int
}

// GeneratorMsg reports the generator's real state.
type GeneratorMsg struct {
	On   bool    // generator running
	Rate float64 // steps per second
	Step int     // steps produced so far
	Err  string  // last generator error, "" if none
}

// StatusMsg reports the connection state. Each message replaces the
// previous one. The header shows "● connected" while Broker, Registry and
// Text are all empty, else the broker and the registry separately, e.g.
// "● broker · ✗ registry: connection refused".
type StatusMsg struct {
	Broker   string         // what is wrong with the broker connection (e.g. "reconnecting…"); "" = healthy
	Registry string         // what is wrong with the schema registry (e.g. "connection refused"); "" = healthy or not used
	Text     string         // any other condition, shown as a warning after the connection state
	Panes    map[int]string // conditions of single partitions (e.g. paused on a registry outage), shown in their pane
}

// SchemaCount is how many records of one writer schema were plotted.
type SchemaCount struct {
	Label   string // the schema for people, e.g. "sensor v2" or "plain JSON"
	Records int64  // records read with it
}

// PlotMsg describes what is plotted: it adds a header line "plotting value,
// humidity by key over timestamp · schemas sensor v1 ×480, …". Each message
// replaces the previous description.
type PlotMsg struct {
	SeriesBy string        // what names the lines: "key", a field, "record"
	TimeBy   string        // what the time axis shows: a field or "record time"
	Schemas  []SchemaCount // writer schemas seen, in the order to show
}

// ErrorMsg is an error to show in the header; the dashboard keeps running. A
// nil Err clears it.
type ErrorMsg struct {
	Err error
}

// FrameMsg asks the model to render a frame now if anything changed. The model
// schedules its own frames at Options.FPS; FrameMsg is for callers that drive
// frames themselves (Options.FPS < 0).
type FrameMsg struct{}

// tickMsg is the model's own frame tick; only the newest one armed (seq)
// counts, so waking up early for new data leaves no second ticker running.
type tickMsg struct{ seq int }

// Options configures the dashboard. Zero values select the defaults.
type Options struct {
	Cluster string // cluster address shown in the header
	// JoinedEmbedded tells that Cluster is an embedded cluster another
	// process started: the header says "joined embedded cluster on Cluster".
	JoinedEmbedded bool
	Topic          string // topic name, shown in pane titles
	Group          string // consumer group; "" means no group (no group bar state, no dimming)

	Window   time.Duration // visible time window; default 2m
	Capacity int           // points kept per series as they came while series are few (older ones are folded into time buckets); default 1024
	Rate     float64       // generator steps/s shown and the start of +/-; default 2
	// ConfirmGenerator makes g ask "write synthetic sensor events into
	// topic T on B? y/N" before it switches the generator on: for a
	// cluster that is not this instance's embedded one.
	ConfirmGenerator bool
	// HostsCluster tells that this process runs the embedded cluster the
	// other instances use: ctrl+z asks first, as it would freeze them.
	HostsCluster bool

	// Generator tells whether the generator is on at start (display only;
	// the caller reports the real state with GeneratorMsg).
	Generator bool
	// SetGenerator and SetRate are called by the g, + and - keys, never from
	// Update: they run in commands (their own goroutines), one at a time, each
	// with the newest setting asked for. They may block and may call
	// tea.Program.Send. nil disables the keys.
	SetGenerator func(on bool)
	SetRate      func(stepsPerSecond float64)

	// At, when set, opens the dashboard on the window ending at At (a view
	// of the past; end goes back to live).
	At time.Time
	// History is how far back the consumer fills a partition's pane when
	// it becomes this instance's (0: not at all). ] past it reads the
	// older records of the longer window through ReadRange into the live
	// panes.
	History time.Duration
	// ReadRange asks for the records of every partition whose timestamps
	// lie in [from, to), read outside the group, reported with RangeMsgs
	// carrying id; a new request ends the one before. It is called from
	// commands, never from Update. nil disables the views of the past.
	ReadRange func(id int, from, to time.Time)
	// ParseTime reads the time typed after @ (RFC 3339, a clock time, a
	// time ago). nil disables @.
	ParseTime func(s string, now time.Time) (time.Time, error)

	// Snapshot is called from Update when s is pressed, with what the
	// panes show; it reads the store then and returns the slow part
	// (drawing, writing files), run in a command, whose text ("saved
	// x.png and x.svg") or error the header shows. nil disables s.
	Snapshot func(Snapshot) func() (string, error)

	Now      func() time.Time // clock; default time.Now
	FPS      int              // frames per second, default 30 (at most 60); negative: no own ticker, send FrameMsg
	Location *time.Location   // time zone of axis labels; default time.Local
	Styles   *Styles          // styles; default DefaultStyles()
	KeyMap   *KeyMap          // key bindings; default DefaultKeyMap()
	// Screen, if set, draws the frames instead of bubbletea's renderer:
	// run the program with tea.WithoutRenderer and close the Screen after
	// it. View then still returns the frame.
	Screen *Screen
}

// Defaults applied by New.
const (
	DefaultWindow   = 2 * time.Minute
	DefaultCapacity = 1024
	DefaultRate     = 2.0
	DefaultFPS      = 30
	maxFPS          = 60
)

// withDefaults returns o with zero values replaced by defaults.
func (o Options) withDefaults() Options {
	if o.Window <= 0 {
		o.Window = DefaultWindow
	}
	if o.Capacity <= 0 {
		o.Capacity = DefaultCapacity
	}
	if !(o.Rate > 0) {
		o.Rate = DefaultRate
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.FPS == 0 {
		o.FPS = DefaultFPS
	}
	if o.FPS > maxFPS {
		o.FPS = maxFPS
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	return o
}
