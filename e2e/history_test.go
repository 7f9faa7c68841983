package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
)

// seedHistory writes steps × 8 sensor events to the cluster's topic with
// timestamps spread evenly over the span before now, and returns the high
// watermarks.
func seedHistory(t *testing.T, c cluster, steps int, span time.Duration) []int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	enc := sensorEncoder(ctx, t, c)
	conn := stream.Connection{Brokers: []string{c.broker}}
	p, err := stream.NewProducer(ctx, stream.ProducerConfig{Conn: conn, Topic: "temperature"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	now := time.Now()
	var msgs []stream.Message
	for step := range steps {
		at := now.Add(-span + time.Duration(step)*span/time.Duration(steps))
		for i := range 8 {
			s := schema.Sensor{Timestamp: at.UnixMilli(), ID: fmt.Sprintf("sensor%d", i), Value: float64(20 + i + step%10)}
			v, err := enc.AppendSensor(nil, s)
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, stream.Message{Key: []byte(s.ID), Value: v, Time: at})
		}
	}
	if _, err := p.Send(ctx, msgs, nil); err != nil {
		t.Fatal(err)
	}
	highs, err := conn.HighWatermarks(ctx, "temperature")
	if err != nil {
		t.Fatal(err)
	}
	return highs
}

func committed(t *testing.T, c cluster, group string) []int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stats, err := stream.Connection{Brokers: []string{c.broker}}.CommittedOffsets(ctx, group, "temperature")
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int64, len(stats))
	for i, s := range stats {
		out[i] = s.Committed
	}
	return out
}

// lineCoverage returns, over the panes of a screen, the smallest share of
// a plot's width that its lines span: from the first column holding a
// braille cell to the last, against the x axis (the └──┬── line below the
// plot). It is 0 for a screen without a plot.
func lineCoverage(screen string) float64 {
	lines := strings.Split(screen, "\n")
	coverage, panes := 1.0, 0
	top := 0 // first row of the current pane's plot
	for y, line := range lines {
		row := []rune(line)
		axis := slices.Index(row, '└')
		if axis < 0 {
			if slices.ContainsFunc(row, func(r rune) bool { return r == '╭' || r == '┏' }) {
				top = y + 1
			}
			continue
		}
		end := axis + 1
		for end < len(row) && (row[end] == '─' || row[end] == '┬') {
			end++
		}
		width := end - axis - 1
		first, last := -1, -1
		for _, above := range lines[top:y] {
			for x, r := range []rune(above) {
				if x > axis && x < end && r >= 0x2800 && r <= 0x28ff && r != 0x2800 {
					if first < 0 || x < first {
						first = x
					}
					last = max(last, x)
				}
			}
		}
		panes++
		if first < 0 || width <= 0 {
			return 0
		}
		coverage = min(coverage, float64(last-first+1)/float64(width))
	}
	if panes == 0 {
		return 0
	}
	return coverage
}

// TestHistoryInTmux: a topic with two minutes of history; a dashboard in a
// group whose committed offsets are at the end, and one in a new group that
// starts at the latest offsets, draw lines across most of the plot at once
// (the time to it is logged; scripts/bench.sh measures it), and the groups'
// committed offsets are untouched by the history.
func TestHistoryInTmux(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	highs := seedHistory(t, c, 240, 2*time.Minute)
	if _, errOut, code := kafkaplot(t, append([]string{"consume", "--until-end", "--quiet", "--group", "at-end"}, c.flags()...)...); code != 0 {
		t.Fatalf("consume exit %d: %s", code, errOut)
	}
	tests := []struct {
		group string
		want  []int64 // committed offsets before and after
	}{
		{group: "at-end", want: highs},
		{group: "new-latest", want: []int64{-1, -1}},
	}
	tm := testsupport.NewTmux(t)
	for _, tt := range tests {
		t.Run(tt.group, func(t *testing.T) {
			if got := committed(t, c, tt.group); !slices.Equal(got, tt.want) {
				t.Fatalf("committed %v before, want %v", got, tt.want)
			}
			dir := t.TempDir()
			started := time.Now()
			dash := tm.Start(tt.group, 120, 40, dir, nil, kafkaplotBin, append([]string{"--group", tt.group, "--from", "latest", "--log", dir + "/kafkaplot.log"}, c.flags()...)...)
			var coverage float64
			tm.WaitScreen(tt.group, "lines across 80% of both plots", 20*time.Second, func(s string) bool {
				coverage = lineCoverage(s)
				return coverage >= 0.8
			})
			t.Logf("lines across %.0f%% of the plot width %s after start", 100*coverage, time.Since(started).Round(time.Millisecond))
			dash.Quit()
			if got := committed(t, c, tt.group); !slices.Equal(got, tt.want) {
				t.Errorf("committed %v after the dashboard, want %v (unchanged)", got, tt.want)
			}
		})
	}
}

func TestLineCoverage(t *testing.T) {
	tests := []struct {
		name   string
		screen string
		want   float64
	}{
		{name: "no plot", screen: "waiting for data…", want: 0},
		{name: "half", screen: "╭─ p0 ─╮\n│ │  ⣿⣿⣿⣿⣿│\n│ └──────────┬─│", want: 5.0 / 12},
		{name: "two panes, the smaller counts", screen: "╭──╮\n│⣿⣿⣿⣿│\n└────\n╭──╮\n│⣿⣿⣿│\n└────", want: 0.75},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lineCoverage(tt.screen); got != tt.want {
				t.Errorf("coverage = %v, want %v", got, tt.want)
			}
		})
	}
}
