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
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/internal/connect"
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
}

// Run is the default command: the live terminal dashboard.
func Run(ctx context.Context, o Options) error {
	s := o.Settings
	ex := ExtractorFor(s.Cfg)
	decoderOpts := append(o.DecoderOptions, schema.WithSensorFilter(ex.SensorOK))
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

	generatorOn := o.Generate
	fast := false   // group timings for the embedded broker
	joined := false // the embedded cluster was started by another process
	if s.Embedded {
		fast = true
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
		var emb *embedded.Cluster
		emb, joined, err = join.startOrJoin(ctx)
		if err != nil {
			return err
		}
		if joined {
			logger.Info("joining running embedded cluster", "broker", o.EmbeddedBroker)
		} else {
			defer emb.Close()
			logger.Info("started embedded cluster", "broker", emb.BrokerAddr(), "registry", emb.RegistryURL())
			generatorOn = true
		}
	}

	conn, reg, err := s.Clients()
	if err != nil {
		return err
	}
	partitions, err := conn.Partitions(ctx, s.Cfg.Kafka.Topic)
	if err != nil {
		return err
	}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	gen := &generatorControl{
		conn: conn, registry: reg, subject: s.Cfg.Subject(), topic: s.Cfg.Kafka.Topic,
		rate: s.Cfg.Plot.Rate, logger: logger,
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
		Topic:        s.Cfg.Kafka.Topic,
		Group:        s.Cfg.Kafka.Consumer.GroupID,
		Window:       s.Cfg.Plot.Window.Duration,
		Capacity:     s.Cfg.Plot.Points,
		Rate:         s.Cfg.Plot.Rate,
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
	br := NewBridge(program.Send, ex, decoder.Writer)
	consumerCfg := stream.ConsumerConfig{
		Conn:            conn,
		Group:           s.Cfg.Kafka.Consumer.GroupID,
		Topic:           s.Cfg.Kafka.Topic,
		Reset:           s.Cfg.Kafka.Consumer.AutoOffsetReset,
		Decoder:         decoder,
		Assignors:       s.Cfg.Kafka.Consumer.AssignmentStrategies(),
		AssignorSetting: o.AssignorSetting,
		OnRecords: func(ctx context.Context, batch []stream.Record) error {
			return br.Records(ctx, batch)
		},
		OnGroup:   func(ev stream.GroupEvent) { program.Send(groupMsg(ev)) },
		OnOffsets: func(stats []stream.PartitionOffsets) { program.Send(offsetsMsg(stats)) },
		OnStatus: func(st stream.Status) {
			logger.Info("status", "partition", st.Partition, "text", st.Text)
			br.Status(st)
		},
		HistoryBudget: s.Cfg.Plot.Points,
		OnHistory: func(ctx context.Context, h stream.History) error {
			logger.Info("history", "partition", h.Partition, "from", h.From, "to", h.To, "records", len(h.Records), "sampled", h.Sampled, "err", h.Err)
			return br.History(ctx, h)
		},
		OnReset: func(r stream.LogReset) {
			logger.Warn("log reset", "partition", r.Partition, "from", r.From, "cause", r.Cause)
			br.LogReset(r)
		},
	}
	_, consumerCfg.History = s.Cfg.Plot.HistoryMode()
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
	wg.Go(guard.wrap(func() { br.Run(consumerCtx, time.Second/30) }))
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
		return connect.ErrInterrupted
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
