package simulate

import (
	"math"
	"strconv"
	"testing"
)

// referenceSensors returns the parameter table of reference/sensor_vectors.md.
func referenceSensors() []Sensor {
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

// referenceRow is one line of the reference value table.
type referenceRow struct {
	step   int
	values [8]float64 // sensor0 to sensor7
}

// referenceValues returns the noise-free value table of reference/sensor_vectors.md.
func referenceValues() []referenceRow {
	return []referenceRow{
		{0, [8]float64{50.0, 40.0, 35.45084971874737, 50.0, 70.0, 50.0, 4.462603202968597, 30.0}},
		{1, [8]float64{50.021069137130866, 39.963441039434336, 32.33449435824275, 50.021069137130866, 69.82106913713086, 49.995065603657316, 4.630713346320141, 30.021069137130866}},
		{10, [8]float64{43.3606797749979, 21.270509831248425, 3.5491502812526328, 43.3606797749979, 61.3606797749979, 49.510565162951536, 6.305977764431732, 23.360679774997898}},
		{19, [8]float64{26.624982107387126, -8.06905882264234, -20.425662138789455, 26.624982107387126, 42.82498210738713, 48.27080574274562, 8.223715634100776, 6.624982107387124}},
		{20, [8]float64{24.360679774997898, 23.035826357366062, 33.0597105956101, 24.360679774997898, 40.3606797749979, 48.09016994374947, 8.449128565059638, 4.360679774997898}},
		{39, [8]float64{-16.920529711031563, 20.689829146914793, 24.616649441270475, -16.920529711031563, -4.720529711031563, 43.38737920245291, 13.085044506186918, -36.92052971103156}},
		{40, [8]float64{26.04776847648808, 20.721538598682375, 24.264944411079327, 26.04776847648808, 38.04776847648808, 43.09016994374947, 13.344110254794995, 6.047768476488081}},
		{41, [8]float64{25.791703107234376, 20.763048529019642, 23.92067838875864, 25.791703107234376, 37.59170310723437, 42.78991106039229, 13.60438579336255, 5.791703107234377}},
		{50, [8]float64{23.925206405937196, 50.0, 21.1228214126491, 23.925206405937196, 33.925206405937196, 40.0, 35.0, 3.9252064059371943}},
		{79, [8]float64{21.63922905112234, 31.06561201850991, 14.665165516595955, 21.63922905112234, 25.83922905112234, 32.098449876243095, 18.726202256702905, 1.639229051122339}},
		{80, [8]float64{21.6287181315765, 30.958966646647596, 62.0, 21.6287181315765, 25.6287181315765, 43.01194211912202, 17.819660112501055, 1.6287181315764991}},
		{99, [8]float64{21.952132413276765, 31.385971862150512, 28.506227634233902, 21.952132413276765, 22.152132413276767, 42.26502340676469, 34.298509703734474, 1.9521324132767655}},
		{100, [8]float64{60.0, 60.0, 25.45084971874737, 60.0, 60.0, 42.2313016014843, 34.462603202968594, 40.0}},
		{150, [8]float64{33.925206405937196, 70.0, 11.122821412649099, 33.925206405937196, 23.925206405937196, 41.053992245618645, 65.0, 13.925206405937194}},
		{999, [8]float64{111.95213241327677, 211.3859718621505, -61.493772365766105, 111.95213241327677, -67.84786758672324, 40.50539503549135, 304.29850970373445, 91.95213241327677}},
	}
}

func TestTutorialSensorsMatchReference(t *testing.T) {
	got := TutorialSensors()
	if len(got) != len(referenceSensors()) {
		t.Fatalf("%d sensors, want %d", len(got), len(referenceSensors()))
	}
	for i, want := range referenceSensors() {
		t.Run(want.ID, func(t *testing.T) {
			if got[i] != want {
				t.Errorf("got %+v, want %+v", got[i], want)
			}
		})
	}
}

func TestCleanReferenceValues(t *testing.T) {
	sensors := TutorialSensors()
	for _, row := range referenceValues() {
		for i, want := range row.values {
			s := sensors[i]
			t.Run(s.ID+"/"+strconv.Itoa(row.step), func(t *testing.T) {
				got := s.Clean(float64(row.step))
				if math.Abs(got-want) > 1e-9 {
					t.Errorf("Clean(%d) = %.17g, want %.17g", row.step, got, want)
				}
				if v := s.Value(float64(row.step), 0); v != got {
					t.Errorf("Value(%d, 0) = %v, want Clean's %v", row.step, v, got)
				}
			})
		}
	}
}
