package dashboard

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/ui"
	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// TestSnapshotter checks the s key's pictures: PNG and SVG named after the
// topic and the time, a second one of the same second beside them, the
// SVG naming the topic, group and series.
func TestSnapshotter(t *testing.T) {
	at := time.Date(2026, 12, 6, 5, 40, 0, 0, time.UTC)
	st := chart.NewStore(64)
	var evs []chart.Event
	for i := range 100 {
		for s, name := range []string{"sensor1", "sensor2"} {
			evs = append(evs, chart.Event{Partition: s, Offset: int64(i), Series: name, Time: at.Add(time.Duration(i-100) * time.Second), Value: float64(i)})
		}
	}
	st.Ingest(evs, nil, at.UnixNano())
	dir := t.TempDir()
	shoot := snapshotter(dir, "tempe/rature", "kafkaplot", time.UTC, func() time.Time { return at })
	snap := ui.Snapshot{Store: st, From: at.Add(-3 * time.Hour), To: at, Window: 3 * time.Hour, Live: true}

	base := filepath.Join(dir, "kafkaplot-tempe_rature-20261206-054000")
	for _, want := range []string{base, base + "-2"} {
		text, err := shoot(snap)()
		if err != nil {
			t.Fatal(err)
		}
		if text != "saved "+want+".png and .svg" {
			t.Errorf("text %q, want saved %s.png and .svg", text, want)
		}
	}
	f, err := os.Open(base + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if cfg, err := png.DecodeConfig(f); err != nil || cfg.Width < 800 {
		t.Errorf("png %d px wide (%v), want at least 800", cfg.Width, err)
	}
	svg, err := os.ReadFile(base + ".svg")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"tempe/rature · group kafkaplot · window 3h · live", ">sensor1<", ">sensor2<", ">partition 1<"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("the svg has no %q", want)
		}
	}

	if _, err := snapshotter(filepath.Join(dir, "missing"), "t", "", time.UTC, time.Now)(snap)(); err == nil || !strings.Contains(err.Error(), "no such file or directory") {
		t.Errorf("a missing directory: %v", err)
	}
}
