package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/kafkaplot/kafkaplot/stream"
)

// sample is one look at a group's progress and a process's memory.
type sample struct {
	at        time.Duration
	committed int64
	high      int64
	rssKB     int64
	peakKB    int64 // VmHWM: the peak RSS so far
}

// runLag samples a consumer group's committed offsets and the topic's high
// watermarks (summed over partitions), and optionally a process's VmRSS
// and its peak,
// every --interval: until the group has caught up with a topic of at least
// --min-high records (--until-end) or for --duration. It reports the group's consumption rate, its lag and the
// process's memory (also once --rss-at records were committed).
func runLag(ctx context.Context, fs *flag.FlagSet, args []string, out io.Writer) error {
	brokers := fs.String("brokers", "", "bootstrap broker")
	topic := fs.String("topic", "temperature", "topic")
	group := fs.String("group", "", "consumer group")
	pid := fs.Int("pid", 0, "process whose VmRSS to sample (0: none)")
	interval := fs.Duration("interval", time.Second, "sampling interval")
	duration := fs.Duration("duration", 10*time.Minute, "stop after this long")
	untilEnd := fs.Bool("until-end", false, "stop once the group has committed everything (and the topic holds --min-high records)")
	minHigh := fs.Int64("min-high", 1, "with --until-end: the records the topic must hold (summed high watermarks) before the group counts as caught up")
	prefix := fs.String("prefix", "lag", "prefix of the result keys")
	rssAt := fs.Int64("rss-at", 0, "also report the RSS of the first sample in which the group has committed this many records (0: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	conn := stream.Connection{Brokers: []string{*brokers}}
	client := conn.Client()
	start := time.Now()
	var samples []sample
	tick := time.NewTicker(*interval)
	defer tick.Stop()
	for time.Since(start) < *duration {
		s, err := look(ctx, client, conn, *topic, *group, *pid)
		if err != nil {
			return err
		}
		s.at = time.Since(start)
		samples = append(samples, s)
		fmt.Fprintf(os.Stderr, "%s t=%5.1fs committed=%d high=%d lag=%d rss_kb=%d peak_kb=%d\n", *prefix, s.at.Seconds(), s.committed, s.high, s.high-s.committed, s.rssKB, s.peakKB)
		if *untilEnd && s.high >= max(*minHigh, 1) && s.committed >= s.high {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	if err := report(out, *prefix, samples); err != nil {
		return err
	}
	if *rssAt > 0 {
		for _, s := range samples {
			if s.committed >= *rssAt {
				fmt.Fprintf(out, "%s_rss_at_kb=%d\n", *prefix, s.rssKB)
				break
			}
		}
	}
	return nil
}

func look(ctx context.Context, client *kafka.Client, conn stream.Connection, topic, group string, pid int) (sample, error) {
	var s sample
	reqCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	highs, err := conn.HighWatermarks(reqCtx, topic)
	if err != nil {
		return s, err
	}
	parts := make([]int, len(highs))
	for i, h := range highs {
		parts[i] = i
		s.high += h
	}
	resp, err := client.OffsetFetch(reqCtx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: parts}})
	if err != nil {
		return s, fmt.Errorf("fetch offsets of group %s: %w", group, err)
	}
	for _, p := range resp.Topics[topic] {
		if p.Error == nil && p.CommittedOffset > 0 {
			s.committed += p.CommittedOffset
		}
	}
	if pid > 0 {
		s.rssKB, s.peakKB, err = vmRSS(pid)
		if err != nil {
			return s, err
		}
	}
	return s, nil
}

// vmRSS reads a process's resident set size and its peak so far (VmHWM:
// the kernel's, not a sample's) in KiB.
func vmRSS(pid int) (rss, peak int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	kb := func(rest string) (int64, error) {
		return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
	}
	rss, peak = -1, -1
	sc := bufio.NewScanner(f)
	for sc.Scan() && (rss < 0 || peak < 0) {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			if rss, err = kb(rest); err != nil {
				return 0, 0, err
			}
		} else if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			if peak, err = kb(rest); err != nil {
				return 0, 0, err
			}
		}
	}
	if rss < 0 || peak < 0 {
		return 0, 0, fmt.Errorf("no VmRSS or VmHWM in /proc/%d/status", pid)
	}
	return rss, peak, nil
}

// report prints the rate between the first and the last sample in which
// the group made progress, lag at the first and last sample and its
// maximum, and memory: halfway through, at the end and at its peak.
func report(out io.Writer, prefix string, samples []sample) error {
	if len(samples) < 2 {
		return fmt.Errorf("%d samples: too few", len(samples))
	}
	// Before its first commit a group has no offsets to compare.
	for len(samples) > 2 && samples[0].committed == 0 {
		samples = samples[1:]
	}
	first, last := samples[0], samples[len(samples)-1]
	// The span in which the group consumed.
	i, j := 0, len(samples)-1
	for i < j && samples[i+1].committed == samples[i].committed {
		i++
	}
	for j > i && samples[j-1].committed == samples[j].committed {
		j--
	}
	rate := 0.0
	if d := samples[j].at - samples[i].at; d > 0 {
		rate = float64(samples[j].committed-samples[i].committed) / d.Seconds()
	}
	var lagMax, rssMax int64
	for _, s := range samples {
		lagMax = max(lagMax, s.high-s.committed)
		rssMax = max(rssMax, s.rssKB, s.peakKB)
	}
	rssHalf := samples[len(samples)/2].rssKB
	fmt.Fprintf(out, "%s_rate=%.0f\n%s_committed=%d\n%s_lag_first=%d\n%s_lag_last=%d\n%s_lag_max=%d\n",
		prefix, rate, prefix, last.committed, prefix, first.high-first.committed, prefix, last.high-last.committed, prefix, lagMax)
	if rssMax > 0 {
		fmt.Fprintf(out, "%s_rss_half_kb=%d\n%s_rss_end_kb=%d\n%s_rss_max_kb=%d\n", prefix, rssHalf, prefix, last.rssKB, prefix, rssMax)
	}
	return nil
}
