package ui

import (
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// headerRefresh is how often the header is re-rendered without new data, so
// that rates decay and ages advance.
const headerRefresh = time.Second

// rateSteps are the generator rates +/- step through (steps per second).
func rateSteps() []float64 { return []float64{0.5, 1, 2, 5, 10, 20, 50, 100} }

// generatorState is the generator as last reported (or requested).
type generatorState struct {
	on       bool
	rate     float64
	step     int
	err      string
	reported bool // a GeneratorMsg arrived
}

// plotState is what PlotMsg last described.
type plotState struct {
	known    bool
	seriesBy string
	timeBy   string
	schemas  []SchemaCount
}

// actuator applies the generator settings asked for by keys through the
// callbacks in Options. It runs them in commands so that Update never blocks;
// calls are serialised and each applies the newest request, so the last call
// made carries the last key's setting whatever order the commands run in.
type actuator struct {
	call sync.Mutex // serialises callback calls; never taken by Update
	mu   sync.Mutex // guards on and rate
	on   bool
	rate float64
}

// switchCmd records a request to switch the generator and returns the command
// that applies it.
func (a *actuator) switchCmd(on bool, set func(bool)) tea.Cmd { return request(a, &a.on, on, set) }

// rateCmd records a request to change the generator's rate and returns the
// command that applies it.
func (a *actuator) rateCmd(rate float64, set func(float64)) tea.Cmd {
	return request(a, &a.rate, rate, set)
}

// request stores v in slot and returns a command that calls set with the
// slot's newest value, one call at a time.
func request[T any](a *actuator, slot *T, v T, set func(T)) tea.Cmd {
	a.mu.Lock()
	*slot = v
	a.mu.Unlock()
	return func() tea.Msg {
		a.call.Lock()
		defer a.call.Unlock()
		a.mu.Lock()
		latest := *slot
		a.mu.Unlock()
		set(latest)
		return nil
	}
}

// Model is the dashboard's bubbletea model. It is a value, but it shares its
// data store and render buffers with its copies: use only the latest Model
// returned by Update.
type Model struct {
	opts   Options
	styles Styles
	inks   []chart.Ink
	keys   KeyMap
	help   help.Model

	st  *chart.Store
	rc  *renderCache
	act *actuator

	width, height int
	focus         int
	focusMoved    bool // the user moved the focus; a group's reports leave it
	focusPlaced   bool // the focus went to the first pane this instance owned
	zoom          bool
	showHelp      bool
	showTimeline  bool // the group timeline (G) instead of the panes
	paused        bool
	frozenEnd     int64 // window end while paused
	window        time.Duration
	past          *pastView  // the view of the past shown, nil when live
	prompt        *prompt    // the @ key's question, nil when not asked
	asking        bool       // g's question (Options.ConfirmGenerator) awaits y
	suspendAsk    bool       // ctrl+z's warning (Options.HostsCluster) awaits ctrl+z again
	rangeSeq      int        // the id of the newest range request
	heldFrom      time.Time  // the live panes hold (or are being filled with) the records from here on
	older         *olderRead // the reading of older records for the live window, nil if none
	grown         bool       // ] made the window longer in a view of the past: read back live
	start         tea.Cmd    // Init's request for the window ending at Options.At

	gen        generatorState
	status     StatusMsg      // the last StatusMsg, Panes excluded
	paneStatus map[int]string // per-partition conditions from StatusMsg
	fatal      string
	plot       plotState
	field      string        // the one field shown (f key), "" for all
	shot       snapshotState // the last picture saved (s key)

	dirty      bool      // data changed since the last frame
	lastFrame  time.Time // when the last frame was rendered
	tickSeq    int       // sequence number of the newest tick armed
	tickFast   bool      // the armed tick is a frame tick, not the idle one
	ingested   int       // live events ingested since the last frame
	catchingUp bool      // live events came faster than catchUpRate at the last frame
	view       string    // the cached frame
}

// New returns a dashboard configured by opts.
func New(opts Options) Model {
	opts = opts.withDefaults()
	styles := DefaultStyles()
	if opts.Styles != nil {
		styles = *opts.Styles
	}
	keys := DefaultKeyMap()
	if opts.KeyMap != nil {
		keys = *opts.KeyMap
	}
	if opts.SetGenerator == nil {
		keys.Generator.SetEnabled(false)
	}
	if opts.SetRate == nil {
		keys.RateUp.SetEnabled(false)
		keys.RateDown.SetEnabled(false)
	}
	if opts.Snapshot == nil {
		keys.Snapshot.SetEnabled(false)
	}
	if opts.ReadRange == nil {
		for _, b := range []*key.Binding{&keys.PanBack, &keys.PanForward, &keys.PanBackFar, &keys.PanForwardFar, &keys.GoTo, &keys.Live} {
			b.SetEnabled(false)
		}
	}
	if opts.ParseTime == nil {
		keys.GoTo.SetEnabled(false)
	}
	keys.Field.SetEnabled(false) // until events carry several fields
	h := help.New()
	h.Styles = styles.helpStyles()
	m := Model{
		opts:   opts,
		styles: styles,
		inks:   styles.compile(),
		keys:   keys,
		help:   h,
		st:     chart.NewStore(opts.Capacity),
		rc:     &renderCache{},
		act:    &actuator{on: opts.Generator, rate: opts.Rate},
		window: opts.Window,
		gen:    generatorState{on: opts.Generator, rate: opts.Rate},
	}
	m.refold()
	m.heldFrom = m.opts.Now().Add(-opts.History)
	if !opts.At.IsZero() {
		m.start = m.goTo(opts.At)
	}
	return m
}

// foldColumns returns the pixel columns of the widest pane: the terminal's
// width (foldWidth until it is known) in braille dots.
func (m *Model) foldColumns() int {
	w := m.width
	if w <= 0 {
		w = foldWidth
	}
	return 2 * w
}

// foldWidth is the terminal width assumed for the fold until the real one
// is known.
const foldWidth = 200

// refold sets how the store folds older points for the window and the
// terminal's width: buckets fine enough for a pane as wide as the terminal.
func (m *Model) refold() {
	m.st.SetFold(chart.FoldFor(int64(m.window), m.foldColumns()))
}

// Init starts the frame ticker, and reads the window ending at
// Options.At when it is set.
func (m Model) Init() tea.Cmd {
	if m.start != nil {
		return tea.Batch(m.tick(true), m.start)
	}
	return m.tick(true)
}

// catchUpRate is the rate of live events past which the dashboard counts
// as catching up (reading a backlog, not following the topic): it then
// draws a frame every catchUpFrame only, so that its core goes to reading.
const (
	catchUpRate  = 500_000
	catchUpFrame = 250 * time.Millisecond
)

// tick arms the next tick, unless frames are driven by the caller: a frame
// tick (Options.FPS, or catchUpFrame while catching up) while data arrives,
// else the idle tick that refreshes rates and ages once per headerRefresh,
// so an idle dashboard sleeps.
func (m *Model) tick(fast bool) tea.Cmd {
	if m.opts.FPS < 0 {
		return nil
	}
	m.tickSeq++
	m.tickFast = fast
	delay := headerRefresh
	if fast {
		delay = time.Second / time.Duration(m.opts.FPS)
		if m.catchingUp {
			delay = max(delay, catchUpFrame)
		}
	}
	seq := m.tickSeq
	return tea.Tick(delay, func(time.Time) tea.Msg { return tickMsg{seq: seq} })
}

// wake arms a frame tick for new data if only the idle tick is armed.
func (m *Model) wake() tea.Cmd {
	if m.tickFast {
		return nil
	}
	return m.tick(true)
}

// Update handles a message. Data messages only change state and mark the
// model dirty; frames are rendered on ticks, resizes and keys.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tickMsg:
		if msg.seq != m.tickSeq {
			return m, nil // superseded by a tick armed since
		}
		busy := m.dirty
		since := m.opts.Now().Sub(m.lastFrame).Seconds()
		m.catchingUp = m.ingested > 0 && float64(m.ingested) > catchUpRate*since
		m.frame()
		m.ingested = 0
		return m, m.tick(busy)
	case FrameMsg:
		m.frame()
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.refold()
		if m.opts.Screen != nil {
			m.opts.Screen.redraw()
		}
		m.render(true)
	case tea.ResumeMsg:
		if m.opts.Screen != nil {
			if err := m.opts.Screen.enter(); err != nil {
				m.fatal = err.Error()
			}
		}
		m.render(true)
	case tea.KeyMsg:
		if m.asking {
			return m.handleConfirm(msg)
		}
		if m.suspendAsk {
			return m.handleSuspendAsk(msg)
		}
		if m.prompt != nil {
			return m.handlePrompt(msg)
		}
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			return m.handleKeys(msg.Runes)
		}
		return m.handleKey(msg)
	case EventsMsg:
		m.ingested += len(msg.Events)
		m.st.Ingest(msg.Events, msg.Errors, m.opts.Now().UnixNano())
		if msg.Done != nil {
			msg.Done(msg.Events)
		}
		if len(m.st.Fields) > 1 && !m.keys.Field.Enabled() {
			m.keys.Field.SetEnabled(true)
		}
		m.dirty = true
	case HistoryMsg:
		part := chart.HistoryPart{Read: msg.Read, Total: msg.Total, Done: msg.Done, Slices: msg.Slices}
		m.st.IngestHistory(msg.Partition, msg.Events, part, m.opts.Now().UnixNano())
		if msg.Recycle != nil {
			msg.Recycle(msg.Events)
		}
		if len(m.st.Fields) > 1 && !m.keys.Field.Enabled() {
			m.keys.Field.SetEnabled(true)
		}
		m.dirty = true
	case RangeMsg:
		m.ingestRange(msg)
		m.dirty = true
	case snapshotDone:
		if msg.seq == m.shot.seq {
			m.shot.text, m.shot.err = msg.text, ""
			if msg.err != nil {
				m.shot.err = msg.err.Error()
			}
			m.dirty = true
		}
	case LogResetMsg:
		m.st.LogReset(msg.Partition, msg.From)
		m.dirty = true
	case PlotMsg:
		m.plot = plotState{known: true, seriesBy: msg.SeriesBy, timeBy: msg.TimeBy, schemas: slices.Clone(msg.Schemas)}
		m.dirty = true
	case GroupMsg:
		m.st.SetGroup(msg, m.opts.Now())
		if !m.focusPlaced && !m.focusMoved && len(msg.Owned) > 0 {
			// Start on a pane this instance reads, not one it does not own:
			// at the first generation that gives it one (a cooperative
			// group's first answer to a joining member gives it none).
			m.focus, m.focusPlaced = msg.Owned[0], true
		}
		m.dirty = true
	case OffsetsMsg:
		m.st.NoteLag(msg.Stats, m.opts.Now())
		if m.st.SetOffsets(msg.Stats) {
			m.dirty = true
		}
	case PartitionsMsg:
		m.st.SetPartitions(msg.Count)
		m.dirty = true
	case GeneratorMsg:
		m.gen = generatorState{on: msg.On, rate: msg.Rate, step: msg.Step, err: msg.Err, reported: true}
		m.dirty = true
	case StatusMsg:
		m.paneStatus = maps.Clone(msg.Panes)
		msg.Panes = nil
		m.status = msg
		m.dirty = true
	case ErrorMsg:
		if msg.Err != nil {
			m.fatal = msg.Err.Error()
		} else {
			m.fatal = ""
		}
		m.dirty = true
	}
	if m.dirty {
		return m, m.wake()
	}
	return m, nil
}

// View returns the last rendered frame.
func (m Model) View() string {
	return m.view
}

// frame renders a frame if anything changed or the header is due a refresh.
// While paused only the header and group bar are refreshed.
func (m *Model) frame() {
	now := m.opts.Now()
	if !m.dirty && now.Sub(m.lastFrame) < headerRefresh {
		return
	}
	m.render(!m.paused)
}
