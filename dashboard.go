package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui"
)

// dashboardFlags are the dashboard's flags.
type dashboardFlags struct {
	conn       connFlags
	group      groupFlags
	plot       plotFlags
	generate   bool
	window     time.Duration
	history    string
	log        string
	schemaFile schemaFileFlag
}

// newDashboardCmd is "kafkaplot", the default command: the dashboard.
func newDashboardCmd() *cobra.Command {
	var f dashboardFlags
	cmd := &cobra.Command{
		Use:   "kafkaplot [flags]",
		Short: "the live dashboard",
		Long: `kafkaplot: live terminal charts of a Kafka topic of Avro sensor events, one pane per
partition. With no configuration (no -c, ./config.toml, environment or flags naming a cluster)
the first instance starts an embedded broker and schema registry and switches the sensor
generator on; later instances join it.`,
		RunE: func(c *cobra.Command, _ []string) error {
			return runDashboard(c.Context(), c.Flags(), &f, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	f.conn.register(cmd.Flags(), "t")
	f.group.register(cmd.Flags())
	inGroup(cmd.Flags(), groupPlot, func(fs *pflag.FlagSet) {
		fs.BoolVar(&f.generate, "generate", false, "switch the sensor generator on at start (default on when this instance starts the embedded cluster)")
		fs.DurationVar(&f.window, "window", 0, "chart time window (default plot.window, else 2m)")
		fs.StringVar(&f.history, "history", "", "what a partition's chart is filled with when it becomes ours: window (the records of the window), none, or a duration such as 5m (default plot.history, else window)")
		f.plot.register(fs)
		f.schemaFile.register(fs)
	})
	inGroup(cmd.Flags(), groupOther, func(fs *pflag.FlagSet) {
		fs.StringVar(&f.log, "log", "", "log `file` (the dashboard owns the terminal; default kafkaplot/kafkaplot.log in the user cache directory, such as ~/.cache)")
	})
	f.conn.completions(cmd)
	f.group.completions(cmd)
	cmd.RegisterFlagCompletionFunc("schema-file", completeFiles("avsc", "proto"))
	cmd.RegisterFlagCompletionFunc("log", completeFiles("log"))
	for _, name := range []string{"window", "history", "series", "value", "time"} {
		cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
	}
	return cmd
}

// runDashboard is the default command: the live terminal dashboard.
func runDashboard(ctx context.Context, fs *pflag.FlagSet, f *dashboardFlags, stdout, stderr io.Writer) error {
	cf := &f.conn
	s, err := cf.resolve(fs, os.LookupEnv)
	if err != nil {
		return err
	}
	f.group.apply(&s.cfg)
	if f.window > 0 {
		s.cfg.Plot.Window.Duration = f.window
	}
	if fs.Changed("history") {
		s.cfg.Plot.History = strings.ToLower(strings.TrimSpace(f.history))
	}
	f.plot.apply(fs, &s.cfg)
	f.schemaFile.apply(fs, &s.cfg)
	if err := s.cfg.Validate(); err != nil {
		return usageError{err}
	}
	ex := extractorFor(s.cfg)
	decoderOpts, err := decoderOptions(s.cfg, schema.WithSensorFilter(ex.SensorOK))
	if err != nil {
		return err
	}
	tuneMemory(os.Getenv)
	logPath := f.log
	if logPath == "" {
		logPath = defaultLogPath()
	}
	logger, closeLog, err := openLog(logPath)
	if err != nil {
		return err
	}
	defer closeLog()
	logger.Info("start", "source", s.source, "brokers", s.cfg.BrokerList(), "registry", s.cfg.Redacted().RegistryURL(), "topic", s.cfg.Kafka.Topic)

	generatorOn := f.generate
	fast := false   // group timings for the embedded broker
	joined := false // the embedded cluster was started by another process
	if s.embedded {
		fast = true
		join := embeddedJoin{
			cfg: embedded.Config{
				BrokerAddr:   cf.embeddedBroker,
				RegistryAddr: cf.embeddedRegistry,
				Topic:        s.cfg.Kafka.Topic,
				Subject:      s.cfg.Subject(),
			},
			registryURL: s.cfg.RegistryURL(),
			detect:      embeddedDetect,
			recheck:     embeddedRecheck,
		}
		var emb *embedded.Cluster
		emb, joined, err = join.startOrJoin(ctx)
		if err != nil {
			return err
		}
		if joined {
			logger.Info("joining running embedded cluster", "broker", cf.embeddedBroker)
		} else {
			defer emb.Close()
			logger.Info("started embedded cluster", "broker", emb.BrokerAddr(), "registry", emb.RegistryURL())
			generatorOn = true
		}
	}

	conn, reg, err := s.clients()
	if err != nil {
		return err
	}
	partitions, err := conn.Partitions(ctx, s.cfg.Kafka.Topic)
	if err != nil {
		return err
	}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	gen := &generatorControl{
		conn: conn, registry: reg, subject: s.cfg.Subject(), topic: s.cfg.Kafka.Topic,
		rate: s.cfg.Plot.Rate, logger: logger,
	}
	// The Screen draws instead of bubbletea's renderer, which would wake 30
	// times a second when nothing changes.
	// Keys come from the same terminal the Screen puts in raw mode: /dev/tty
	// when stdin is redirected, else they would need Enter.
	keyboard, closeKeyboard := ui.OpenInput(os.Stdin)
	defer closeKeyboard()
	screen, err := ui.NewScreen(keyboard, os.Stdout)
	if err != nil {
		return err
	}
	defer screen.Close()
	model := ui.New(ui.Options{
		Cluster:      conn.Brokers[0],
		Topic:        s.cfg.Kafka.Topic,
		Group:        s.cfg.Kafka.Consumer.GroupID,
		Window:       s.cfg.Plot.Window.Duration,
		Capacity:     s.cfg.Plot.Points,
		Rate:         s.cfg.Plot.Rate,
		Generator:    generatorOn,
		SetGenerator: func(on bool) { gen.set(runCtx, on) },
		SetRate:      func(r float64) { gen.setRate(runCtx, r) },
		// The header says "joined embedded cluster on …".
		JoinedEmbedded: joined,
		Screen:         screen,
	})
	program := tea.NewProgram(model, tea.WithoutRenderer(), tea.WithContext(runCtx), tea.WithInput(keyboard))
	screen.WatchSize(runCtx, os.Stdout, program.Send)
	gen.send = program.Send
	go program.Send(ui.PartitionsMsg{Count: partitions}) // Send blocks until Run takes it

	decoder := schema.NewDecoder(reg, decoderOpts...)
	br := newBridge(program.Send, ex, decoder.Writer)
	consumerCfg := stream.ConsumerConfig{
		Conn:            conn,
		Group:           s.cfg.Kafka.Consumer.GroupID,
		Topic:           s.cfg.Kafka.Topic,
		Reset:           s.cfg.Kafka.Consumer.AutoOffsetReset,
		Decoder:         decoder,
		Assignors:       s.cfg.Kafka.Consumer.AssignmentStrategies(),
		AssignorSetting: assignorSetting,
		OnRecords: func(ctx context.Context, batch []stream.Record) error {
			return br.records(ctx, batch)
		},
		OnGroup:   func(ev stream.GroupEvent) { program.Send(groupMsg(ev)) },
		OnOffsets: func(stats []stream.PartitionOffsets) { program.Send(offsetsMsg(stats)) },
		OnStatus: func(st stream.Status) {
			logger.Info("status", "partition", st.Partition, "text", st.Text)
			br.status(st)
		},
		HistoryBudget: s.cfg.Plot.Points,
		OnHistory: func(ctx context.Context, h stream.History) error {
			logger.Info("history", "partition", h.Partition, "from", h.From, "to", h.To, "records", len(h.Records), "sampled", h.Sampled, "err", h.Err)
			return br.history(ctx, h)
		},
		OnReset: func(r stream.LogReset) {
			logger.Warn("log reset", "partition", r.Partition, "from", r.From, "cause", r.Cause)
			br.logReset(r)
		},
	}
	_, consumerCfg.History = s.cfg.Plot.HistoryMode()
	if fast {
		consumerCfg.Heartbeat, consumerCfg.Session, consumerCfg.Rebalance = embedded.Heartbeat, embedded.Session, embedded.Rebalance
	}
	consumer, err := stream.NewConsumer(consumerCfg)
	if err != nil {
		return err
	}

	var wg sync.WaitGroup
	guard := &panicGuard{stop: program.Kill}
	consumerCtx, stopConsumer := context.WithCancel(runCtx)
	var consumerErr error
	wg.Go(guard.wrap(func() {
		consumerErr = consumer.Run(consumerCtx)
		if consumerErr != nil && !errors.Is(consumerErr, context.Canceled) {
			logger.Error("consumer stopped", "err", consumerErr)
			program.Send(ui.ErrorMsg{Err: consumerErr})
		}
	}))
	wg.Go(guard.wrap(func() { br.run(consumerCtx, time.Second/30) }))
	if generatorOn {
		gen.set(runCtx, true)
	}

	_, runErr := program.Run()
	gen.stop()
	stopConsumer() // commits what was handed on and leaves the group
	wg.Wait()
	logger.Info("stop", "err", runErr)
	if err := guard.Err(); err != nil {
		logger.Error("panic", "err", err)
		return err
	}
	switch {
	case errors.Is(runErr, tea.ErrInterrupted), errors.Is(runErr, tea.ErrProgramKilled) && ctx.Err() != nil:
		return errInterrupted
	case runErr != nil:
		return fmt.Errorf("dashboard: %w", runErr)
	case consumerErr != nil && !errors.Is(consumerErr, context.Canceled):
		return consumerErr
	}
	return nil
}

func defaultLogPath() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "kafkaplot", "kafkaplot.log")
}

// openLog opens the dashboard's log file for appending.
func openLog(path string) (*slog.Logger, func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, fmt.Errorf("log file %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("log file: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(f, nil)).With("pid", os.Getpid())
	return logger, func() { f.Close() }, nil
}

// panicGuard turns a panic in one of the dashboard's goroutines into an
// error and kills the program, so that the terminal is restored before the
// error is printed. (bubbletea guards its own Update and View.)
type panicGuard struct {
	stop func()
	mu   sync.Mutex
	err  error
}

// wrap returns fn guarded.
func (g *panicGuard) wrap(fn func()) func() {
	return func() {
		defer func() {
			if r := recover(); r != nil {
				g.mu.Lock()
				if g.err == nil {
					g.err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
				}
				g.mu.Unlock()
				g.stop()
			}
		}()
		fn()
	}
}

// Err returns the first panic, as an error.
func (g *panicGuard) Err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}

// tuneMemory keeps the dashboard's heap small: the ring buffers are most of
// it and live long, so the collector's default (run at 2× the live heap)
// wastes memory. GOGC and GOMEMLIMIT, when set, win. 10M events over 1,000
// sensors: 88 MiB RSS with the defaults, 57 MiB with these.
func tuneMemory(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	if getenv("GOMEMLIMIT") == "" {
		// A soft limit: past it the collector runs more often (at most half
		// a core), it never fails an allocation.
		debug.SetMemoryLimit(dashboardMemoryLimit)
	}
}

// dashboardMemoryLimit is the heap the dashboard aims to stay under.
const dashboardMemoryLimit = 48 << 20
