// Package dashboard is kafkaplot's default command's engine: it starts or
// joins the embedded cluster when nothing names one, consumes the topic as
// a group member, turns records into batched ui messages (the bridge),
// switches the sensor generator, and runs the ui's model on a Screen until
// the user quits. It does not parse flags or decide exit codes.
package dashboard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/internal/timespec"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui"
)

// Options are what the dashboard shows and how it connects.
type Options struct {
	// Settings are resolved and checked, the command's flags applied.
	Settings connect.Settings
	// DecoderOptions are the decoder's (connect.DecoderOptions); the
	// dashboard adds the extractor's sensor filter.
	DecoderOptions []schema.DecoderOption
	// AssignorSetting names where the user chooses the assignors, for errors.
	AssignorSetting string
	// Generate switches the sensor generator on at start (it is on anyway
	// when this instance starts the embedded cluster).
	Generate bool
	// LogFile is the log's path; "": kafkaplot/kafkaplot.log in the user
	// cache directory.
	LogFile string
	// EmbeddedBroker and EmbeddedRegistry are where the embedded cluster
	// is started or joined when Settings.Embedded.
	EmbeddedBroker, EmbeddedRegistry string
	// SnapshotDir is where the s key saves pictures; "": the working
	// directory.
	SnapshotDir string
	// At, when set, opens the dashboard on the window ending at At, read
	// outside the group; live consumption goes on underneath.
	At time.Time
}

// Run is the default command: the live terminal dashboard. It opens the
// log, starts or joins the embedded cluster when nothing names one,
// connects, builds the screen and the model, and runs them with the
// consumer until the user quits.
func Run(ctx context.Context, o Options) error {
	s := o.Settings
	tuneMemory(os.Getenv)
	logPath := o.LogFile
	if logPath == "" {
		logPath = defaultLogPath()
	}
	logger, closeLog, err := openLog(logPath)
	if err != nil {
		return err
	}
	defer closeLog()
	logger.Info("start", "source", s.Source, "brokers", s.Cfg.BrokerList(), "registry", s.Cfg.Redacted().RegistryURL(), "topic", s.Cfg.Kafka.Topic)

	cluster := embeddedCluster{generate: o.Generate}
	if s.Embedded {
		if cluster, err = startOrJoin(ctx, o, logger); err != nil {
			return err
		}
		defer cluster.close()
	}
	conn, reg, err := s.Clients(ctx)
	if err != nil {
		return err
	}
	partitions, err := conn.Partitions(ctx, s.Cfg.Kafka.Topic)
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	d, err := newSession(runCtx, o, conn, reg, cluster, logger)
	if err != nil {
		return err
	}
	defer d.close()
	go d.program.Send(ui.PartitionsMsg{Count: partitions}) // Send blocks until Run takes it
	consumer, err := stream.NewConsumer(d.consumerConfig(o, conn, cluster.embedded))
	if err != nil {
		return err
	}
	return d.run(ctx, runCtx, consumer, cluster.generate)
}

// embeddedCluster is the embedded cluster this dashboard started or joined.
type embeddedCluster struct {
	emb      *embedded.Cluster // started here; nil when joined or none
	embedded bool              // the cluster is embedded: its group timings apply
	joined   bool              // another process started it
	generate bool              // the generator starts on
}

// startOrJoin starts the embedded cluster, or joins the one another
// kafkaplot started on the same addresses; the instance that starts it
// switches the generator on.
func startOrJoin(ctx context.Context, o Options, logger *slog.Logger) (embeddedCluster, error) {
	s := o.Settings
	join := embeddedJoin{
		cfg: embedded.Config{
			BrokerAddr:   o.EmbeddedBroker,
			RegistryAddr: o.EmbeddedRegistry,
			Topic:        s.Cfg.Kafka.Topic,
			Subject:      s.Cfg.Subject(),
		},
		registryURL: s.Cfg.RegistryURL(),
		detect:      embeddedDetect,
		recheck:     embeddedRecheck,
	}
	emb, joined, err := join.startOrJoin(ctx)
	if err != nil {
		return embeddedCluster{}, err
	}
	c := embeddedCluster{emb: emb, embedded: true, joined: joined, generate: o.Generate}
	if joined {
		logger.Info("joining running embedded cluster", "broker", o.EmbeddedBroker)
	} else {
		logger.Info("started embedded cluster", "broker", emb.BrokerAddr(), "registry", emb.RegistryURL())
		c.generate = true
	}
	return c, nil
}

// close stops the cluster if this dashboard started it.
func (c embeddedCluster) close() {
	if c.emb != nil {
		c.emb.Close()
	}
}

// session is a running dashboard's parts: the terminal, the model's
// program, the bridge that feeds it and the generator it switches.
type session struct {
	logger        *slog.Logger
	gen           *generatorControl
	program       *tea.Program
	bridge        *Bridge
	registry      *schema.Client
	past          *pastReader
	decoder       *schema.Decoder
	screen        *ui.Screen
	closeKeyboard func() error
}

// newSession opens the terminal and builds the model, its program, the
// generator control and the bridge.
func newSession(runCtx context.Context, o Options, conn stream.Connection, reg *schema.Client, cluster embeddedCluster, logger *slog.Logger) (*session, error) {
	cfg := o.Settings.Cfg
	gen := &generatorControl{
		conn: conn, registry: reg, subject: cfg.Subject(), topic: cfg.Kafka.Topic,
		rate: cfg.Plot.Rate, logger: logger,
	}
	// The Screen draws instead of bubbletea's renderer, which would wake 30
	// times a second when nothing changes.
	// Keys come from the same terminal the Screen puts in raw mode: /dev/tty
	// when stdin is redirected, else they would need Enter.
	keyboard, closeKeyboard := ui.OpenInput(os.Stdin)
	screen, err := ui.NewScreen(keyboard, os.Stdout)
	if err != nil {
		closeKeyboard()
		return nil, err
	}
	ex := connect.Extractor(cfg)
	decoder := schema.NewDecoder(reg, append(slices.Clip(o.DecoderOptions), schema.WithSelection(ex.Selection))...)
	// The past has an extractor of its own: it runs beside the bridge's.
	past := &pastReader{ctx: runCtx, conn: conn, topic: cfg.Kafka.Topic, decoder: decoder, ex: connect.Extractor(cfg), logger: logger}
	_, history := cfg.Plot.HistoryMode()
	model := ui.New(ui.Options{
		At:        o.At,
		History:   history,
		ReadRange: past.read,
		ParseTime: timespec.Parse,
		Cluster:   conn.Brokers[0],
		Topic:     cfg.Kafka.Topic,
		Group:     cfg.Kafka.Consumer.GroupID,
		Window:    cfg.Plot.Window.Duration,
		Capacity:  cfg.Plot.Points,
		Rate:      cfg.Plot.Rate,
		Generator: cluster.generate,
		// On a cluster that is not the embedded one (started here or
		// joined), g asks before writing sensor events, unless --generate
		// said so at start.
		ConfirmGenerator: !cluster.embedded && !o.Generate,
		// The other instances use the cluster this one runs: ctrl+z warns.
		HostsCluster: cluster.emb != nil,
		SetGenerator: func(on bool) { gen.set(runCtx, on) },
		SetRate:      func(r float64) { gen.setRate(runCtx, r) },
		// The header says "joined embedded cluster on …".
		JoinedEmbedded: cluster.joined,
		Screen:         screen,
		Snapshot:       snapshotter(o.SnapshotDir, cfg.Kafka.Topic, cfg.Kafka.Consumer.GroupID, time.Local, time.Now),
	})
	// SIGINT and SIGTERM end runCtx (main's signal context): bubbletea's own
	// handler would race it and could block its shutdown for seconds.
	program := tea.NewProgram(model, tea.WithoutRenderer(), tea.WithContext(runCtx), tea.WithInput(keyboard), tea.WithoutSignalHandler())
	screen.WatchSize(runCtx, os.Stdout, program.Send)
	gen.send, past.send = program.Send, program.Send
	return &session{
		logger: logger, gen: gen, program: program, bridge: NewBridge(program.Send, ex, decoder.Writer), registry: reg, past: past,
		decoder: decoder, screen: screen, closeKeyboard: closeKeyboard,
	}, nil
}

// close gives the terminal back.
func (d *session) close() {
	d.screen.Close()
	d.closeKeyboard()
}

// consumerConfig is the group member that feeds the bridge and the model;
// fast applies the embedded cluster's group timings.
func (d *session) consumerConfig(o Options, conn stream.Connection, fast bool) stream.ConsumerConfig {
	cfg := o.Settings.Cfg
	br, logger, program := d.bridge, d.logger, d.program
	watch := newGroupWatch(time.Now)
	c := stream.ConsumerConfig{
		Conn:            conn,
		Group:           cfg.Kafka.Consumer.GroupID,
		Topic:           cfg.Kafka.Topic,
		Reset:           cfg.Kafka.Consumer.AutoOffsetReset,
		Decoder:         d.decoder,
		Assignors:       cfg.Kafka.Consumer.AssignmentStrategies(),
		AssignorSetting: o.AssignorSetting,
		OnRecords:       br.Records,
		OnGroup:         func(ev stream.GroupEvent) { program.Send(watch.group(ev)) },
		OnOffsets:       func(stats []stream.PartitionOffsets) { program.Send(watch.offsets(stats)) },
		OnStatus: func(st stream.Status) {
			logger.Info("status", "partition", st.Partition, "text", st.Text)
			br.Status(st)
		},
		OnHistory: func(ctx context.Context, h stream.History) error {
			if h.Done {
				logger.Info("history", "partition", h.Partition, "from", h.From, "to", h.To, "read", h.Read, "of", h.Total, "slices", h.Slicing.String(), "err", h.Err)
			}
			return br.History(ctx, h)
		},
		OnReset: func(r stream.LogReset) {
			logger.Warn("log reset", "partition", r.Partition, "from", r.From, "cause", r.Cause)
			br.LogReset(r)
		},
	}
	_, c.History = cfg.Plot.HistoryMode()
	if fast {
		c.Heartbeat, c.Session, c.Rebalance = embedded.Heartbeat, embedded.Session, embedded.Rebalance
	}
	return c
}

// run runs the consumer and the bridge beside the program until the user
// quits or ctx ends, then stops the generator, leaves the group, and
// returns what ended the run: a panic, an interrupt, the program's error
// or the consumer's.
func (d *session) run(ctx, runCtx context.Context, consumer *stream.Consumer, generate bool) error {
	var wg sync.WaitGroup
	guard := &panicGuard{stop: d.program.Kill}
	consumerCtx, stopConsumer := context.WithCancel(runCtx)
	var consumerErr error
	wg.Go(guard.wrap(func() {
		consumerErr = consumer.Run(consumerCtx)
		if consumerErr != nil && !errors.Is(consumerErr, context.Canceled) {
			d.logger.Error("consumer stopped", "err", consumerErr)
			d.program.Send(ui.ErrorMsg{Err: consumerErr})
		}
	}))
	wg.Go(guard.wrap(func() { d.bridge.Run(consumerCtx, time.Second/30) }))
	wg.Go(guard.wrap(func() {
		check := func(ctx context.Context) string { return registryProblem(ctx, d.registry) }
		watchRegistry(consumerCtx, check, d.bridge.RegistryState, registryCheckEvery)
	}))
	if generate {
		d.gen.set(runCtx, true)
	}

	_, runErr := d.program.Run()
	d.past.wait()
	d.gen.stop()
	stopConsumer() // commits what was handed on and leaves the group
	wg.Wait()
	d.logger.Info("stop", "err", runErr)
	if err := guard.Err(); err != nil {
		d.logger.Error("panic", "err", err)
		return err
	}
	switch {
	case errors.Is(runErr, tea.ErrInterrupted), errors.Is(runErr, tea.ErrProgramKilled) && ctx.Err() != nil:
		return connect.ErrInterrupted
	case runErr != nil:
		return fmt.Errorf("dashboard: %w", runErr)
	case consumerErr != nil && !errors.Is(consumerErr, context.Canceled):
		return consumerErr
	}
	return nil
}
