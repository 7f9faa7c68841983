// Command uidemo runs the kafkaplot dashboard on synthetic sine data, without
// Kafka, for looking at the layout by eye (for instance in tmux). It plays
// the part internal/dashboard plays in kafkaplot: it converts its data into
// ui messages, sends them in batches at most 20 times a second, simulates a
// consumer group that rebalances, and runs a generator the g, + and - keys
// control.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/kafkaplot/kafkaplot/ui"
)

// config is the demo's command line.
type config struct {
	partitions int
	sensors    int
	rate       float64
	rebalance  time.Duration
	backfill   time.Duration
	nan        bool
	noise      float64
}

// generator produces synthetic readings at a rate the keys change.
type generator struct {
	mu   sync.Mutex
	on   bool
	rate float64
	step int
}

// state returns the generator's state as a message.
func (g *generator) state() ui.GeneratorMsg {
	g.mu.Lock()
	defer g.mu.Unlock()
	return ui.GeneratorMsg{On: g.on, Rate: g.rate, Step: g.step}
}

// sensorModel is one row of the tutorial's sensor table.
type sensorModel struct {
	baseline, slope, period, amplitude, noise, phase float64
}

// models are the tutorial's eight sensors; sensors beyond eight reuse them.
func models() []sensorModel {
	return []sensorModel{
		{10, 0.1, 100, 40, 5, 0}, {10, 0.2, 50, 30, 4, 0}, {20, -0.1, 100, 50, 6, 20}, {10, 0.1, 100, 40, 0, 0},
		{30, -0.1, 100, 40, 5, 0}, {40, 0, 200, 10, 4, 0}, {0, 0.3, 100, 20, 6, 50}, {-10, 0.1, 100, 40, 9, 0},
	}
}

// value is sensor s's reading at step t: the tutorial's trend, seasonality
// (a cosine that collapses into an exponential tail) and noise scaled by
// noiseScale.
func value(s int, t float64, noiseScale float64, rng *rand.Rand) float64 {
	ms := models()
	m := ms[s%len(ms)]
	x := math.Mod(t+m.phase, m.period) / m.period
	pattern := math.Exp(-3 * x)
	if x < 0.4 {
		pattern = math.Cos(2 * math.Pi * x)
	}
	return m.baseline + float64(s/len(ms))*10 + m.slope*t + m.amplitude*pattern + rng.NormFloat64()*m.noise*noiseScale
}

func main() {
	var cfg config
	flag.IntVar(&cfg.partitions, "partitions", 2, "partitions")
	flag.IntVar(&cfg.sensors, "sensors", 8, "sensors, spread over the partitions")
	flag.Float64Var(&cfg.rate, "rate", 10, "generator steps per second")
	flag.DurationVar(&cfg.rebalance, "rebalance", 6*time.Second, "when partition 0 moves to another member (0: never)")
	flag.DurationVar(&cfg.backfill, "backfill", 90*time.Second, "history to fill in at start")
	flag.BoolVar(&cfg.nan, "nan", true, "send an occasional NaN and decode error")
	flag.Float64Var(&cfg.noise, "noise", 0.3, "scale of the tutorial's noise levels")
	flag.Parse()
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "uidemo:", err)
		os.Exit(1)
	}
}

// run runs the dashboard until it quits.
func run(cfg config) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	gen := &generator{on: true, rate: cfg.rate}
	var p *tea.Program
	opts := ui.Options{
		Cluster:   "demo (no broker)",
		Topic:     "temperature",
		Group:     "kafkaplot",
		Rate:      cfg.rate,
		Generator: true,
		SetGenerator: func(on bool) {
			gen.mu.Lock()
			gen.on = on
			gen.mu.Unlock()
			p.Send(gen.state())
		},
		SetRate: func(r float64) {
			gen.mu.Lock()
			gen.rate = r
			gen.mu.Unlock()
			p.Send(gen.state())
		},
	}
	p = tea.NewProgram(ui.New(opts), tea.WithAltScreen(), tea.WithContext(ctx))
	go feed(ctx, p, cfg, gen)
	if _, err := p.Run(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("run dashboard: %w", err)
	}
	return nil
}

// feed plays main.go: batches of events, offsets and group generations.
func feed(ctx context.Context, p *tea.Program, cfg config, gen *generator) {
	rng := rand.New(rand.NewPCG(1, 2))
	partOf := func(s int) int { return s * cfg.partitions / cfg.sensors }
	all := make([]int, cfg.partitions)
	for i := range all {
		all[i] = i
	}
	p.Send(ui.PartitionsMsg{Count: cfg.partitions})
	p.Send(ui.StatusMsg{Text: "connecting…"})
	p.Send(gen.state())

	offsets := make([]int64, cfg.partitions)
	var batch []ui.Event
	step := 0
	emit := func(t time.Time) {
		step++
		for s := 0; s < cfg.sensors; s++ {
			part := partOf(s)
			v := value(s, float64(step), cfg.noise, rng)
			if cfg.nan && rng.IntN(500) == 0 {
				v = math.NaN()
			}
			batch = append(batch, ui.Event{Partition: part, Offset: offsets[part], Series: fmt.Sprintf("sensor%d", s), Time: t, Value: v})
			offsets[part]++
		}
	}
	start := time.Now()
	for t := start.Add(-cfg.backfill); t.Before(start); t = t.Add(time.Duration(float64(time.Second) / cfg.rate)) {
		emit(t)
	}
	p.Send(ui.EventsMsg{Events: batch})
	batch = nil
	p.Send(ui.StatusMsg{})
	p.Send(ui.GroupMsg{Generation: 1, MemberID: "m1", Owned: all, Members: []ui.Member{
		{ClientID: "kafkaplot-1", MemberID: "m1", Host: "/127.0.0.1", Partitions: all},
	}})

	frame := time.NewTicker(50 * time.Millisecond)
	defer frame.Stop()
	next := time.Now()
	rebalanced := cfg.rebalance <= 0
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-frame.C:
			gen.mu.Lock()
			on, rate := gen.on, gen.rate
			for on && !next.After(now) {
				emit(next)
				gen.step = step
				next = next.Add(time.Duration(float64(time.Second) / rate))
			}
			if !on {
				next = now
			}
			reported := gen.step
			gen.mu.Unlock()
			msg := ui.EventsMsg{Events: batch}
			if cfg.nan && rng.IntN(200) == 0 {
				msg.Errors = []ui.DecodeError{{Partition: rng.IntN(cfg.partitions), Offset: offsets[0], Err: "unknown magic byte 0x7b"}}
			}
			p.Send(msg)
			batch = batch[:0:0]
			stats := make([]ui.PartitionStat, cfg.partitions)
			for i := range stats {
				stats[i] = ui.PartitionStat{Partition: i, Committed: max(offsets[i]-int64(rng.IntN(20)), 0), High: offsets[i]}
			}
			p.Send(ui.OffsetsMsg{Stats: stats})
			if reported%50 == 0 {
				p.Send(gen.state())
			}
			if !rebalanced && now.Sub(start) >= cfg.rebalance {
				rebalanced = true
				mine, theirs := all[1:], all[:1]
				p.Send(ui.GroupMsg{Generation: 2, MemberID: "m1", Owned: mine, Members: []ui.Member{
					{ClientID: "kafkaplot-1", MemberID: "m1", Host: "/127.0.0.1", Partitions: mine},
					{ClientID: "kafkaplot-2", MemberID: "m2", Host: "/127.0.0.2", Partitions: theirs},
				}})
			}
		}
	}
}
