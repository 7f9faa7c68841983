package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/stream"
)

// TestTimeTravelInTmux: a block of 1,000 written 90 minutes ago by another
// client is drawn by --at -85m --window 30m; → pans half a window and the
// header says the new range; shift+← twice reaches a range with no
// records, which says so; end is live; @ -85m Enter goes back there; ]
// widens the window around the same end; live consumption goes on
// underneath.
func TestTimeTravelInTmux(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	now := time.Now()
	writeBlock(t, c, now.Add(-90*time.Minute), 300, 1000)
	writeBlock(t, c, now.Add(-30*time.Second), 30, 20) // live-ish records

	tm := testsupport.NewTmux(t)
	dir := t.TempDir()
	dash := tm.Start("tt", 160, 40, dir, nil, kafkaplotBin, append([]string{"--group", "tt", "--at", "-85m", "--window", "30m", "--log", dir + "/kafkaplot.log"}, c.flags()...)...)
	header := func(s string) string { return strings.SplitN(s, "\n", 2)[0] }
	tm.WaitScreen("tt", "the block at 1000 in the past view", 30*time.Second, func(s string) bool {
		return strings.Contains(s, "1000") && strings.Contains(header(s), "1h 25m ago") && strings.Contains(header(s), "end: live")
	})

	tm.Keys("tt", "Right")
	tm.WaitScreen("tt", "half a window later", 20*time.Second, func(s string) bool {
		return strings.Contains(header(s), "1h 10m ago") && strings.Contains(s, "1000")
	})
	tm.Keys("tt", "S-Left", "S-Left")
	tm.WaitScreen("tt", "an empty range", 20*time.Second, func(s string) bool {
		return strings.Contains(header(s), "2h 10m ago") && strings.Contains(s, "no records in this range")
	})

	tm.Keys("tt", "End")
	tm.WaitScreen("tt", "live", 20*time.Second, func(s string) bool {
		return strings.Contains(header(s), "window 30m") && !strings.Contains(header(s), "ago")
	})

	tm.Keys("tt", "@")
	tm.WaitScreen("tt", "the @ question", 10*time.Second, func(s string) bool { return strings.Contains(s, "go to time:") })
	tm.Keys("tt", "--", "-85m") // -- : the time is not a flag of send-keys
	tm.Keys("tt", "Enter")
	tm.WaitScreen("tt", "the block again", 20*time.Second, func(s string) bool {
		return strings.Contains(header(s), "1h 25m ago") && strings.Contains(s, "1000")
	})

	tm.Keys("tt", "]")
	tm.WaitScreen("tt", "an hour's window around the same end", 20*time.Second, func(s string) bool {
		return strings.Contains(header(s), "1h 25m ago") && strings.Contains(s, "1000") && !strings.Contains(header(s), "reading")
	})
	dash.Quit()
	// Live consumption went on underneath: the new group read the whole
	// topic from the earliest offsets and committed it, up to the end.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		stats, err := stream.Connection{Brokers: []string{c.broker}}.CommittedOffsets(ctx, "tt", "temperature")
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		behind := false
		for _, st := range stats {
			behind = behind || st.Committed != st.High && st.High > 0
		}
		if !behind {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("committed offsets %+v, want each partition's end: live consumption went on", stats)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
