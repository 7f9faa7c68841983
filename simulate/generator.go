package simulate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Event is one sensor reading.
type Event struct {
	Step      int       // time step of the model
	ID        string    // sensor id
	Timestamp time.Time // wall-clock time of the step, shared by the step's events
	Value     float64   // the reading
}

// Sink receives the events of one step, one per sensor, all with the same Timestamp.
//
// The slice is reused for the next step: a Sink must copy what it keeps and
// must not hold on to the slice after Emit returns.
type Sink interface {
	Emit(ctx context.Context, events []Event) error
}

// SinkFunc adapts a function to the Sink interface.
type SinkFunc func(ctx context.Context, events []Event) error

// Emit calls f.
func (f SinkFunc) Emit(ctx context.Context, events []Event) error {
	return f(ctx, events)
}

// Options configure a Generator; the zero value of each field picks its default.
type Options struct {
	// Sensors to evaluate at each step, in event order. Empty means TutorialSensors().
	Sensors []Sensor
	// Start is the first step (the tutorial's -t). Default 0.
	Start int
	// Steps is the number of steps (the tutorial's -e); <= 0 means no end.
	Steps int
	// Delay is the pause between steps (the tutorial's -d); 0 means as fast as possible.
	Delay time.Duration
	// Noise adds N(0,1)*Sensor.Noise to each value, one draw per sensor and
	// step. The zero value is off; the tutorial's producer has it on.
	Noise bool
	// Now is the clock that stamps each step. Default time.Now.
	Now func() time.Time
	// Rand draws the noise. Default a randomly seeded PCG.
	Rand *rand.Rand
	// Sleep pauses between steps and returns ctx.Err() if ctx ends first.
	// Default a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Generator emits the sensors' readings step by step; it is not safe for concurrent Runs.
type Generator struct {
	sensors []Sensor
	start   int
	steps   int
	delay   time.Duration
	noise   bool
	now     func() time.Time
	rand    *rand.Rand
	sleep   func(ctx context.Context, d time.Duration) error
	events  []Event // one step's events, reused
}

// New returns a Generator for opts, filling in the defaults.
func New(opts Options) *Generator {
	g := &Generator{
		sensors: append([]Sensor(nil), opts.Sensors...),
		start:   opts.Start,
		steps:   opts.Steps,
		delay:   opts.Delay,
		noise:   opts.Noise,
		now:     opts.Now,
		rand:    opts.Rand,
		sleep:   opts.Sleep,
	}
	if len(opts.Sensors) == 0 {
		g.sensors = TutorialSensors()
	}
	if g.now == nil {
		g.now = time.Now
	}
	if g.rand == nil {
		g.rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	if g.sleep == nil {
		g.sleep = sleep
	}
	g.events = make([]Event, len(g.sensors))
	for i, s := range g.sensors {
		g.events[i].ID = s.ID
	}
	return g
}

// Run emits steps Start, Start+1, ... to sink until Steps are done, ctx ends or sink fails.
//
// It returns the first step not delivered, the step to start from to
// continue ("To continue execution start from event N"), and nil when all
// steps were emitted, ctx.Err() when ctx ended, or the sink's error wrapped
// with the step.
func (g *Generator) Run(ctx context.Context, sink Sink) (next int, err error) {
	next = g.start
	for i := 0; g.steps <= 0 || i < g.steps; i++ {
		if err := ctx.Err(); err != nil {
			return next, err
		}
		if i > 0 && g.delay > 0 {
			if err := g.sleep(ctx, g.delay); err != nil {
				if ctxErr := ctx.Err(); ctxErr != nil {
					return next, ctxErr
				}
				return next, fmt.Errorf("sleep before step %d: %w", next, err)
			}
		}
		g.fill(next, g.now())
		if err := sink.Emit(ctx, g.events); err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return next, ctxErr
			}
			return next, fmt.Errorf("emit step %d: %w", next, err)
		}
		next++
	}
	return next, nil
}

// fill computes the events of one step into g.events.
func (g *Generator) fill(step int, ts time.Time) {
	t := float64(step)
	for i := range g.sensors {
		s := &g.sensors[i]
		v := s.Clean(t)
		if g.noise {
			v += g.rand.NormFloat64() * s.Noise
		}
		e := &g.events[i]
		e.Step = step
		e.Timestamp = ts
		e.Value = v
	}
}

// DelayForRate returns the pause between steps for a rate in steps per
// second; a rate that is not a positive finite number gives 0 (no pause).
func DelayForRate(stepsPerSecond float64) time.Duration {
	if !(stepsPerSecond > 0) || math.IsInf(stepsPerSecond, 1) {
		return 0
	}
	d := float64(time.Second) / stepsPerSecond
	if d >= math.MaxInt64 {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(math.Round(d))
}

// sleep waits for d or until ctx ends, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
