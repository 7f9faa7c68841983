package simulate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeClock is a clock that only moves when its sleep is called.
type fakeClock struct {
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2021, 9, 16, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

// recorder is a Sink that copies what it receives and can fail or cancel at a step.
type recorder struct {
	steps    [][]Event
	failAt   int // step whose Emit fails, -1 for none
	cancelAt int // step after whose delivery cancel is called, -1 for none
	cancel   context.CancelFunc
	err      error
}

func (r *recorder) Emit(_ context.Context, events []Event) error {
	step := events[0].Step
	if step == r.failAt {
		return r.err
	}
	r.steps = append(r.steps, slices.Clone(events))
	if step == r.cancelAt {
		r.cancel()
	}
	return nil
}

func (r *recorder) stepNumbers() []int {
	var out []int
	for _, s := range r.steps {
		out = append(out, s[0].Step)
	}
	return out
}

func TestRun(t *testing.T) {
	errSink := errors.New("broker down")
	tests := []struct {
		name      string
		opts      Options
		failAt    int
		cancelAt  int
		wantSteps []int
		wantNext  int
		wantErr   error  // checked with errors.Is
		wantText  string // a part of the error text
		wantSleep []time.Duration
	}{
		{
			name:      "count from zero",
			opts:      Options{Steps: 3},
			failAt:    -1,
			cancelAt:  -1,
			wantSteps: []int{0, 1, 2},
			wantNext:  3,
		},
		{
			name:      "start offset like -t 5 -e 5",
			opts:      Options{Start: 5, Steps: 5},
			failAt:    -1,
			cancelAt:  -1,
			wantSteps: []int{5, 6, 7, 8, 9},
			wantNext:  10,
		},
		{
			name:      "delay passed to sleep between steps",
			opts:      Options{Steps: 3, Delay: 500 * time.Millisecond},
			failAt:    -1,
			cancelAt:  -1,
			wantSteps: []int{0, 1, 2},
			wantNext:  3,
			wantSleep: []time.Duration{500 * time.Millisecond, 500 * time.Millisecond},
		},
		{
			name:      "cancel after a delivered step",
			opts:      Options{Start: 10, Steps: 100},
			failAt:    -1,
			cancelAt:  12,
			wantSteps: []int{10, 11, 12},
			wantNext:  13,
			wantErr:   context.Canceled,
		},
		{
			name:      "no end until cancelled",
			opts:      Options{Steps: 0},
			failAt:    -1,
			cancelAt:  49,
			wantSteps: seq(0, 50),
			wantNext:  50,
			wantErr:   context.Canceled,
		},
		{
			name:      "sink error",
			opts:      Options{Start: 3, Steps: 10},
			failAt:    5,
			cancelAt:  -1,
			wantSteps: []int{3, 4},
			wantNext:  5,
			wantErr:   errSink,
			wantText:  "emit step 5: broker down",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			clock := newFakeClock()
			opts := tt.opts
			opts.Now = clock.Now
			opts.Sleep = clock.Sleep
			rec := &recorder{failAt: tt.failAt, cancelAt: tt.cancelAt, cancel: cancel, err: errSink}

			next, err := New(opts).Run(ctx, rec)

			if next != tt.wantNext {
				t.Errorf("next = %d, want %d", next, tt.wantNext)
			}
			switch {
			case tt.wantErr == nil && err != nil:
				t.Errorf("err = %v, want nil", err)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			case tt.wantText != "" && (err == nil || !strings.Contains(err.Error(), tt.wantText)):
				t.Errorf("err = %v, want it to contain %q", err, tt.wantText)
			}
			if got := rec.stepNumbers(); !slices.Equal(got, tt.wantSteps) {
				t.Errorf("steps %v, want %v", got, tt.wantSteps)
			}
			if !slices.Equal(clock.sleeps, tt.wantSleep) {
				t.Errorf("sleeps %v, want %v", clock.sleeps, tt.wantSleep)
			}
		})
	}
}

func TestRunCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := &recorder{failAt: -1, cancelAt: -1}
	next, err := New(Options{Start: 7, Steps: 3}).Run(ctx, rec)
	if next != 7 || !errors.Is(err, context.Canceled) || len(rec.steps) != 0 {
		t.Errorf("next %d err %v steps %d; want 7, canceled, none", next, err, len(rec.steps))
	}
}

func TestRunCancelDuringPause(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var pauses int
	sleep := func(ctx context.Context, d time.Duration) error {
		pauses++
		if pauses == 2 {
			cancel() // Ctrl-C while waiting for step 2
			return ctx.Err()
		}
		return nil
	}
	rec := &recorder{failAt: -1, cancelAt: -1}
	next, err := New(Options{Steps: 10, Delay: time.Second, Sleep: sleep}).Run(ctx, rec)
	if next != 2 || err != context.Canceled || !slices.Equal(rec.stepNumbers(), []int{0, 1}) {
		t.Errorf("next %d err %v steps %v; want 2, context.Canceled, [0 1]", next, err, rec.stepNumbers())
	}
}

func TestRunSinkFailsBecauseOfCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sink := SinkFunc(func(ctx context.Context, events []Event) error {
		if events[0].Step == 2 {
			cancel()
			return fmt.Errorf("produce: %w", ctx.Err())
		}
		return nil
	})
	next, err := New(Options{Steps: 5}).Run(ctx, sink)
	if next != 2 || err != context.Canceled {
		t.Errorf("next %d err %v; want 2 and exactly context.Canceled", next, err)
	}
}

func TestRunSleepError(t *testing.T) {
	errClock := errors.New("clock broken")
	sleep := func(context.Context, time.Duration) error { return errClock }
	next, err := New(Options{Steps: 3, Delay: time.Second, Sleep: sleep}).Run(context.Background(), SinkFunc(func(context.Context, []Event) error { return nil }))
	if next != 1 || !errors.Is(err, errClock) {
		t.Errorf("next %d err %v; want 1 and the sleep error", next, err)
	}
}

func TestRunEvents(t *testing.T) {
	clock := newFakeClock()
	rec := &recorder{failAt: -1, cancelAt: -1}
	opts := Options{Start: 38, Steps: 4, Delay: 250 * time.Millisecond, Now: clock.Now, Sleep: clock.Sleep}
	if _, err := New(opts).Run(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	sensors := TutorialSensors()
	start := newFakeClock().now
	for i, events := range rec.steps {
		step := 38 + i
		t.Run(fmt.Sprintf("step %d", step), func(t *testing.T) {
			if len(events) != len(sensors) {
				t.Fatalf("%d events, want %d", len(events), len(sensors))
			}
			wantTime := start.Add(time.Duration(i) * 250 * time.Millisecond)
			for j, e := range events {
				want := Event{Step: step, ID: sensors[j].ID, Timestamp: wantTime, Value: sensors[j].Clean(float64(step))}
				if e != want {
					t.Errorf("event %d = %+v, want %+v", j, e, want)
				}
			}
		})
	}
}

func TestCustomSensors(t *testing.T) {
	flat := []Sensor{{ID: "a", Baseline: 1}, {ID: "b", Baseline: 2, Slope: 1}}
	rec := &recorder{failAt: -1, cancelAt: -1}
	if _, err := New(Options{Sensors: flat, Start: 3, Steps: 1}).Run(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	got := []float64{rec.steps[0][0].Value, rec.steps[0][1].Value}
	if want := []float64{1, 5}; !slices.Equal(got, want) {
		t.Errorf("values %v, want %v", got, want)
	}
	flat[0].ID = "changed"
	if rec.steps[0][0].ID != "a" {
		t.Error("generator shares the caller's sensors")
	}
}

func TestSensorEdgeCases(t *testing.T) {
	s := TutorialSensors()[0]
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"negative step continues the season backwards", s.Clean(-1), s.Baseline - s.Slope + s.Amplitude*math.Exp(-3*0.99)},
		{"period 0 has no season", Sensor{Baseline: 1, Slope: 2, Amplitude: 5}.Clean(3), 7},
		{"value adds scaled noise", s.Value(0, 2), s.Clean(0) + 2*s.Noise},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if math.Abs(tt.got-tt.want) > 1e-9 {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestTutorialSensorsIsFresh(t *testing.T) {
	a := TutorialSensors()
	a[0].Baseline = 1e6
	if b := TutorialSensors(); b[0].Baseline == 1e6 {
		t.Error("TutorialSensors returns shared state")
	}
}

// collect runs a seeded generator with noise and returns its values per sensor.
func collect(t *testing.T, seed uint64, steps int) [][]float64 {
	t.Helper()
	values := make([][]float64, len(TutorialSensors()))
	sink := SinkFunc(func(_ context.Context, events []Event) error {
		for i, e := range events {
			values[i] = append(values[i], e.Value)
		}
		return nil
	})
	g := New(Options{Steps: steps, Noise: true, Rand: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), Now: newFakeClock().Now})
	if _, err := g.Run(context.Background(), sink); err != nil {
		t.Fatal(err)
	}
	return values
}

func TestNoiseDeterministic(t *testing.T) {
	a, b, c := collect(t, 1, 100), collect(t, 1, 100), collect(t, 2, 100)
	for i := range a {
		if !slices.Equal(a[i], b[i]) {
			t.Errorf("sensor%d: same seed gave different values", i)
		}
		if i != 3 && slices.Equal(a[i], c[i]) {
			t.Errorf("sensor%d: different seeds gave the same values", i)
		}
	}
}

func TestNoiseStatistics(t *testing.T) {
	const steps = 20000
	values := collect(t, 42, steps)
	for i, s := range TutorialSensors() {
		t.Run(s.ID, func(t *testing.T) {
			var sum, sumSq float64
			for step, v := range values[i] {
				r := v - s.Clean(float64(step))
				sum += r
				sumSq += r * r
			}
			mean := sum / steps
			std := math.Sqrt(sumSq/steps - mean*mean)
			if s.Noise == 0 {
				if sum != 0 || sumSq != 0 {
					t.Errorf("noise-free sensor has residuals: mean %v std %v", mean, std)
				}
				return
			}
			// The mean of n draws has standard error noise/sqrt(n); allow 4 of them.
			if limit := 4 * s.Noise / math.Sqrt(steps); math.Abs(mean) > limit {
				t.Errorf("residual mean %v, want within ±%v", mean, limit)
			}
			if math.Abs(std/s.Noise-1) > 0.05 {
				t.Errorf("residual std %v, want %v ±5%%", std, s.Noise)
			}
		})
	}
}

func TestRunReusesTheEventsSlice(t *testing.T) {
	var first *Event
	same := true
	sink := SinkFunc(func(_ context.Context, events []Event) error {
		if first == nil {
			first = &events[0]
		} else if &events[0] != first {
			same = false
		}
		return nil
	})
	if _, err := New(Options{Steps: 10}).Run(context.Background(), sink); err != nil {
		t.Fatal(err)
	}
	if !same {
		t.Error("Run allocated a new events slice for a step")
	}
}

func TestRunAllocationsDoNotGrowWithSteps(t *testing.T) {
	sink := SinkFunc(func(context.Context, []Event) error { return nil })
	allocs := func(steps int) float64 {
		g := New(Options{Steps: steps, Noise: true, Rand: rand.New(rand.NewPCG(1, 2))})
		return testing.AllocsPerRun(5, func() {
			if _, err := g.Run(context.Background(), sink); err != nil {
				t.Fatal(err)
			}
		})
	}
	if few, many := allocs(10), allocs(10000); many > few {
		t.Errorf("Run allocates %v times for 10 steps and %v for 10000", few, many)
	}
}

func TestDelayForRate(t *testing.T) {
	tests := []struct {
		name string
		rate float64
		want time.Duration
	}{
		{"tutorial's 2 per second", 2, 500 * time.Millisecond},
		{"one per second", 1, time.Second},
		{"fast", 1000, time.Millisecond},
		{"slow", 0.25, 4 * time.Second},
		{"thirds round to the nanosecond", 3, 333333333 * time.Nanosecond},
		{"zero means no pause", 0, 0},
		{"negative", -1, 0},
		{"NaN", math.NaN(), 0},
		{"infinite", math.Inf(1), 0},
		{"tiny rate saturates", 1e-300, time.Duration(math.MaxInt64)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DelayForRate(tt.rate); got != tt.want {
				t.Errorf("DelayForRate(%v) = %v, want %v", tt.rate, got, tt.want)
			}
		})
	}
}

func TestDefaultSleep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		d    time.Duration
		want error
	}{
		{"elapsed", context.Background(), time.Nanosecond, nil},
		{"cancelled", ctx, time.Hour, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := sleep(tt.ctx, tt.d); !errors.Is(err, tt.want) {
				t.Errorf("sleep = %v, want %v", err, tt.want)
			}
		})
	}
}

func seq(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// BenchmarkGenerate measures events per second into a sink that does nothing.
func BenchmarkGenerate(b *testing.B) {
	for _, noise := range []bool{false, true} {
		b.Run(fmt.Sprintf("noise=%t", noise), func(b *testing.B) {
			sink := SinkFunc(func(context.Context, []Event) error { return nil })
			g := New(Options{Steps: b.N, Noise: noise, Rand: rand.New(rand.NewPCG(1, 2))})
			b.ReportAllocs()
			b.ResetTimer()
			next, err := g.Run(context.Background(), sink)
			if err != nil || next != b.N {
				b.Fatalf("next %d err %v", next, err)
			}
			b.ReportMetric(float64(b.N*len(TutorialSensors()))/b.Elapsed().Seconds(), "events/s")
		})
	}
}

func TestDefaultRandomSource(t *testing.T) {
	var residual float64
	sink := SinkFunc(func(_ context.Context, events []Event) error {
		residual = events[0].Value - TutorialSensors()[0].Clean(0)
		return nil
	})
	if _, err := New(Options{Steps: 1, Noise: true}).Run(context.Background(), sink); err != nil {
		t.Fatal(err)
	}
	if residual == 0 || math.IsNaN(residual) || math.IsInf(residual, 0) {
		t.Errorf("noise with the default source gave residual %v", residual)
	}
}
