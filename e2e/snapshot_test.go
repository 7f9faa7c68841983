package e2e

import (
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// TestSnapshotKeyInTmux presses s in a dashboard with a 3 h window: a PNG
// at least 800 px wide and an SVG naming the topic, the window and every
// sensor appear in the working directory, and the header says so.
func TestSnapshotKeyInTmux(t *testing.T) {
	endToEnd(t)
	needBinary(t)
	tm := testsupport.NewTmux(t)
	dir := t.TempDir()
	dash := tm.Start("dash", 160, 48, dir, nil, kafkaplotBin, "--window", "3h", "--log", filepath.Join(dir, "kafkaplot.log"),
		"--embedded-broker", freeAddr(t), "--embedded-registry", freeAddr(t))
	tm.WaitScreen("dash", "all eight sensors charted", 30*time.Second, func(s string) bool {
		for i := range 8 {
			if !strings.Contains(s, fmt.Sprintf("sensor%d", i)) {
				return false
			}
		}
		return hasBraille(s)
	})
	tm.WaitScreen("dash", "ten generator steps", 20*time.Second, func(s string) bool { return headerStep(s) >= 10 })
	tm.Keys("dash", "s")
	tm.WaitScreen("dash", "the header to say where the picture went", 20*time.Second, func(s string) bool {
		return strings.Contains(s, "saved kafkaplot-temperature-")
	})
	pngs, _ := filepath.Glob(filepath.Join(dir, "kafkaplot-temperature-*.png"))
	svgs, _ := filepath.Glob(filepath.Join(dir, "kafkaplot-temperature-*.svg"))
	if len(pngs) != 1 || len(svgs) != 1 {
		t.Fatalf("pictures %v %v, want one PNG and one SVG", pngs, svgs)
	}
	f, err := os.Open(pngs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if cfg, err := png.DecodeConfig(f); err != nil || cfg.Width < 800 {
		t.Errorf("png %d px wide (%v), want at least 800", cfg.Width, err)
	}
	svg, err := os.ReadFile(svgs[0])
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"temperature · group kafkaplot · window 3h · live"}
	for i := range 8 {
		want = append(want, fmt.Sprintf(">sensor%d<", i))
	}
	for _, w := range want {
		if !strings.Contains(string(svg), w) {
			t.Errorf("the svg has no %q", w)
		}
	}
	dash.Quit()
}
