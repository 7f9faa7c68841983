// Package simulate generates the tutorial's temperature sensor readings.
//
// A Sensor is the tutorial's time-series model: a baseline, a linear trend, a
// seasonal pattern and Gaussian noise, evaluated at integer time steps. A
// Generator walks the steps from a start step, evaluates every sensor at each
// step and hands the step's events to a Sink, pausing between steps. The
// clock, the pause and the random source are injected, so runs are
// reproducible in tests.
//
// The package knows nothing of Kafka, Avro or the dashboard: the caller's Sink
// decides what an event becomes.
package simulate

import "math"

// Sensor is one emulated sensor of the tutorial.
//
// Its value at step t is
//
//	Baseline + Slope*t + Amplitude*pattern(((t+Phase) mod Period)/Period) + N(0,1)*Noise
//
// where pattern(s) is cos(2πs) for s < 0.4 and exp(-3s) otherwise.
type Sensor struct {
	ID        string  // sensor id, the event key ("sensor0"...)
	Baseline  float64 // value at step 0 before the seasonal term
	Slope     float64 // trend per step
	Period    float64 // season length in steps; <= 0 turns the seasonal term off
	Amplitude float64 // height of the seasonal pattern
	Noise     float64 // standard deviation of the Gaussian noise
	Phase     float64 // shift of the season in steps
}

// TutorialSensors returns a fresh slice of the tutorial's eight sensors.
func TutorialSensors() []Sensor {
	return []Sensor{
		{ID: "sensor0", Baseline: 10, Slope: 0.1, Period: 100, Amplitude: 40, Noise: 5, Phase: 0},
		{ID: "sensor1", Baseline: 10, Slope: 0.2, Period: 50, Amplitude: 30, Noise: 4, Phase: 0},
		{ID: "sensor2", Baseline: 20, Slope: -0.1, Period: 100, Amplitude: 50, Noise: 6, Phase: 20},
		{ID: "sensor3", Baseline: 10, Slope: 0.1, Period: 100, Amplitude: 40, Noise: 0, Phase: 0},
		{ID: "sensor4", Baseline: 30, Slope: -0.1, Period: 100, Amplitude: 40, Noise: 5, Phase: 0},
		{ID: "sensor5", Baseline: 40, Slope: 0, Period: 200, Amplitude: 10, Noise: 4, Phase: 0},
		{ID: "sensor6", Baseline: 0, Slope: 0.3, Period: 100, Amplitude: 20, Noise: 6, Phase: 50},
		{ID: "sensor7", Baseline: -10, Slope: 0.1, Period: 100, Amplitude: 40, Noise: 9, Phase: 0},
	}
}

// Clean returns the sensor's noise-free value at step t.
func (s Sensor) Clean(t float64) float64 {
	v := s.Baseline + s.Slope*t
	if s.Period > 0 {
		v += s.Amplitude * pattern(floorMod(t+s.Phase, s.Period)/s.Period)
	}
	return v
}

// Value returns the sensor's value at step t for a standard normal draw z.
func (s Sensor) Value(t, z float64) float64 {
	return s.Clean(t) + z*s.Noise
}

// pattern is the shape of one season, s in [0, 1).
func pattern(s float64) float64 {
	if s < 0.4 {
		return math.Cos(2 * math.Pi * s)
	}
	return math.Exp(-3 * s)
}

// floorMod is Python's x % m for m > 0: the result lies in [0, m), so steps
// before 0 continue the seasons backwards.
func floorMod(x, m float64) float64 {
	r := math.Mod(x, m)
	if r < 0 {
		r += m
	}
	return r
}
