package e2e

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/schema"
)

// writeSensors writes n records of the tutorial's 8 sensors with franz-go
// (another client than kafkaplot): record i is sensor i%8's, stamped at
// at(i) with value(i).
func writeSensors(t *testing.T, c cluster, n int, at func(i int) time.Time, value func(i int) float64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	enc := sensorEncoder(ctx, t, c)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.broker), kgo.DefaultProduceTopic("temperature"), kgo.ProducerLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	const batch = 20_000
	recs := make([]*kgo.Record, 0, batch)
	for i := 0; i < n; {
		recs = recs[:0]
		for ; i < n && len(recs) < batch; i++ {
			ts := at(i)
			s := schema.Sensor{Timestamp: ts.UnixMilli(), ID: fmt.Sprintf("sensor%d", i%8), Value: value(i)}
			v, err := enc.AppendSensor(nil, s)
			if err != nil {
				t.Fatal(err)
			}
			recs = append(recs, &kgo.Record{Key: []byte(s.ID), Value: v, Timestamp: ts})
		}
		if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
}

// legendStats returns the last, min and max the legend shows for series on
// a screen, ok false when it is not in the legend with all three.
func legendStats(screen, series string) (last, lo, hi float64, ok bool) {
	re := regexp.MustCompile(regexp.QuoteMeta(series) + `\s+(-?[0-9.e+]+)\s+(-?[0-9.e+]+)\s+(-?[0-9.e+]+)`)
	m := re.FindStringSubmatch(screen)
	if m == nil {
		return 0, 0, 0, false
	}
	var v [3]float64
	for i := range v {
		var err error
		if v[i], err = strconv.ParseFloat(m[i+1], 64); err != nil {
			return 0, 0, 0, false
		}
	}
	return v[0], v[1], v[2], true
}

// TestRampWindowWhole: 40 s of a ramp of the tutorial's 8 sensors at 200
// steps/s (64,000 records, value = step, 0..7,999), written by franz-go,
// is drawn whole in a 1 m window: the legend's min is 0 and max 7999 for
// every sensor, whether it comes as the history of a group at the end of
// the log or live to a group reading from the start.
func TestRampWindowWhole(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	const steps = 40 * 200
	start := time.Now().Add(-41 * time.Second)
	writeSensors(t, c, 8*steps, func(i int) time.Time { return start.Add(time.Duration(i/8) * 5 * time.Millisecond) },
		func(i int) float64 { return float64(i / 8) })

	tm := testsupport.NewTmux(t)
	dir := t.TempDir()
	var dashboards []*testsupport.Program
	for _, from := range []string{"latest", "earliest"} {
		args := append([]string{"--group", "ramp-" + from, "--from", from, "--window", "1m", "--log", dir + "/" + from + ".log"}, c.flags()...)
		dashboards = append(dashboards, tm.Start(from, 200, 50, dir, nil, kafkaplotBin, args...))
	}
	for _, from := range []string{"latest", "earliest"} {
		tm.WaitScreen(from, "every sensor's legend with min 0 and max 7999", 40*time.Second, func(s string) bool {
			for i := range 8 {
				if _, lo, hi, ok := legendStats(s, fmt.Sprintf("sensor%d", i)); !ok || lo != 0 || hi != 7999 {
					return false
				}
			}
			return true
		})
	}
	for _, d := range dashboards {
		d.Quit()
	}
}

// needleRecords is how many records TestNeedleInHistory writes:
// KAFKAPLOT_E2E_NEEDLE_RECORDS (scripts/bench.sh: 1,000,000), else 50,000.
func needleRecords(t *testing.T) int {
	n := 50_000
	if s := os.Getenv("KAFKAPLOT_E2E_NEEDLE_RECORDS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1000 {
			t.Fatalf("KAFKAPLOT_E2E_NEEDLE_RECORDS=%q: want at least 1000 records", s)
		}
	}
	return n
}

// TestNeedleInHistory: one value of 5,000 among records of 10–30 (50,000
// of them, or KAFKAPLOT_E2E_NEEDLE_RECORDS), written by franz-go over the
// last 4 minutes, is in the legend of a dashboard whose 5 m window is
// filled from the history: its sensor's max is 5000, the others' at most
// 30; and the pane says it read the history, not sampled it.
func TestNeedleInHistory(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	n := needleRecords(t)
	needle := n/2/8*8 + 3 // a record of sensor3, in the middle
	span := 4 * time.Minute
	start := time.Now().Add(-span - 5*time.Second)
	writeSensors(t, c, n, func(i int) time.Time { return start.Add(time.Duration(i) * span / time.Duration(n)) },
		func(i int) float64 {
			if i == needle {
				return 5000
			}
			return float64(10 + i%21)
		})

	tm := testsupport.NewTmux(t)
	dir := t.TempDir()
	started := time.Now()
	dash := tm.Start("needle", 200, 50, dir, nil, kafkaplotBin, append([]string{"--group", "needle", "--from", "latest", "--window", "5m", "--log", dir + "/kafkaplot.log"}, c.flags()...)...)
	within := 30*time.Second + time.Duration(n/20_000)*time.Second // the binary is built with -race
	screen := tm.WaitScreen("needle", "sensor3's max 5000 in the legend", within, func(s string) bool {
		_, _, hi, ok := legendStats(s, "sensor3")
		return ok && hi == 5000 && !strings.Contains(s, "reading history")
	})
	t.Logf("%d records: needle drawn %v after the start", n, time.Since(started).Round(time.Millisecond))
	for i := range 8 {
		if i == 3 {
			continue
		}
		_, lo, hi, ok := legendStats(screen, fmt.Sprintf("sensor%d", i))
		if !ok {
			t.Errorf("sensor%d not in the legend:\n%s", i, screen)
			continue
		}
		if lo < 10 || hi > 30 {
			t.Errorf("sensor%d min %v, max %v; want within 10–30", i, lo, hi)
		}
	}
	if strings.Contains(screen, "sampled") || strings.Contains(screen, "too long to read whole") {
		t.Errorf("the history was not read whole:\n%s", screen)
	}
	dash.Quit()
}

// TestZoomOutReadsOlder: live, ] to a window longer than the history
// read at start draws the older records of the longer window (read
// outside the group) in the live panes: a block at 1,000 written by
// franz-go 3 minutes ago is not in a 1 m window, and is in the 5 m one
// two ] later, the live records still there.
func TestZoomOutReadsOlder(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	now := time.Now()
	writeBlock(t, c, now.Add(-3*time.Minute), 30, 1000)
	writeBlock(t, c, now.Add(-40*time.Second), 30, 20)

	tm := testsupport.NewTmux(t)
	dir := t.TempDir()
	dash := tm.Start("zoom", 200, 50, dir, nil, kafkaplotBin, append([]string{"--group", "zoom", "--from", "latest", "--window", "1m", "--log", dir + "/kafkaplot.log"}, c.flags()...)...)
	maxOf := func(s string) float64 {
		m := -1.0
		for i := range 8 {
			if _, _, hi, ok := legendStats(s, fmt.Sprintf("sensor%d", i)); ok {
				m = max(m, hi)
			}
		}
		return m
	}
	tm.WaitScreen("zoom", "the last minute's records at 20", 30*time.Second, func(s string) bool { return maxOf(s) == 20 })
	tm.Keys("zoom", "]", "]")
	tm.WaitScreen("zoom", "the block at 1000 in the 5 m window", 30*time.Second, func(s string) bool {
		return strings.Contains(strings.SplitN(s, "\n", 2)[0], "window 5m") && maxOf(s) == 1000 && !strings.Contains(s, "reading history")
	})
	dash.Quit()
}
