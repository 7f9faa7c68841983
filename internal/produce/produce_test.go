package produce

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// produceLine matches a delivery report, good or bad.
var produceLine = regexp.MustCompile(`^(?:Sensor Event (sensor\d) successfully produced to temperature \[(\d)\] at offset (\d+)|Delivery failed for Sensor Event (sensor\d): .+)$`)

// topicRecord is a record's place and key.
type topicRecord struct {
	partition int
	offset    int64
	key       string
}

// readTopic returns every record of the topic's partitions.
func readTopic(t *testing.T, broker, topic string, partitions int) []topicRecord {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out []topicRecord
	for p := range partitions {
		conn, err := kafka.DialLeader(ctx, "tcp", broker, topic, p)
		if err != nil {
			t.Fatal(err)
		}
		high, err := conn.ReadLastOffset()
		if err != nil {
			t.Fatal(err)
		}
		for next := int64(0); next < high; {
			if _, err := conn.Seek(next, kafka.SeekAbsolute); err != nil {
				t.Fatal(err)
			}
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			batch := conn.ReadBatch(1, 16<<20)
			for {
				msg, err := batch.ReadMessage()
				if err != nil {
					break
				}
				out = append(out, topicRecord{partition: p, offset: msg.Offset, key: string(msg.Key)})
				next = msg.Offset + 1
			}
			if err := batch.Close(); err != nil {
				t.Fatal(err)
			}
		}
		conn.Close()
	}
	return out
}

// failProduceAfter makes the broker answer every produce request to
// partition 0 after the first n with a non-retriable error.
func failProduceAfter(emb *embedded.Cluster, n int32) {
	var seen atomic.Int32
	c := emb.Broker()
	c.ControlKey(int16(kmsg.Produce), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		pr := req.(*kmsg.ProduceRequest)
		if len(pr.Topics) != 1 || len(pr.Topics[0].Partitions) != 1 || pr.Topics[0].Partitions[0].Partition != 0 {
			return nil, nil, false
		}
		if seen.Add(1) <= n {
			return nil, nil, false
		}
		resp := pr.ResponseKind().(*kmsg.ProduceResponse)
		rt := kmsg.NewProduceResponseTopic()
		rt.Topic = pr.Topics[0].Topic
		rp := kmsg.NewProduceResponseTopicPartition()
		rp.Partition = 0
		rp.ErrorCode = 10 // MESSAGE_TOO_LARGE: not retriable
		rt.Partitions = append(rt.Partitions, rp)
		resp.Topics = append(resp.Topics, rt)
		return resp, nil, true
	})
}

// TestProduceReportsOnlyAcknowledged runs produce in-process against an
// embedded broker and checks, whether steps are pipelined (-d 0) or sent
// one by one, failing or interrupted: the delivery lines are exactly the
// records in the topic; the resume line names the first step not fully
// acknowledged, with every earlier step delivered in full.
func TestProduceReportsOnlyAcknowledged(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		events    int
		delay     float64
		quiet     bool
		failAfter int32         // produce requests to partition 0 that succeed; -1: all
		interrupt time.Duration // cancel the run after this long; 0: never
		wantErr   bool
		wantNext  int // -1: whatever the run reached
	}{
		{name: "pipelined", events: 300, failAfter: -1, wantNext: 300},
		{name: "pipelined quiet", events: 3000, quiet: true, failAfter: -1, wantNext: 3000},
		{name: "pipelined, partition 0 fails", failAfter: 5, wantErr: true, wantNext: -1},
		{name: "one step per request, partition 0 fails", events: 50, delay: 0.001, failAfter: 3, wantErr: true, wantNext: 3},
		{name: "pipelined, interrupted", failAfter: -1, interrupt: 300 * time.Millisecond, wantErr: true, wantNext: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			emb, err := embedded.Start(ctx, embedded.Config{BrokerAddr: testsupport.FreeAddr(t), RegistryAddr: testsupport.FreeAddr(t)})
			if err != nil {
				t.Fatal(err)
			}
			defer emb.Close()
			if tt.failAfter >= 0 {
				failProduceAfter(emb, tt.failAfter)
			}
			runCtx, stop := context.WithCancel(ctx)
			defer stop()
			if tt.interrupt > 0 {
				time.AfterFunc(tt.interrupt, stop)
			}
			broker, registry := emb.BrokerAddr(), emb.RegistryURL()
			settings, err := connect.Resolve(connect.Options{Brokers: &broker, Registry: &registry}, func(string) (string, bool) { return "", false })
			if err != nil {
				t.Fatal(err)
			}
			o := Options{Settings: settings, Subject: settings.Cfg.Subject(), Format: FormatAvro,
				Events: tt.events, Delay: tt.delay, Quiet: tt.quiet, Noise: true}
			var stdout, stderr bytes.Buffer
			runErr := Run(runCtx, o, &stdout, &stderr)
			if (runErr != nil) != tt.wantErr {
				t.Fatalf("Run: %v, want error %v\n%s", runErr, tt.wantErr, stderr.String())
			}
			if tt.interrupt > 0 && !errors.Is(runErr, connect.ErrInterrupted) {
				t.Errorf("interrupted run returned %v, want errInterrupted", runErr)
			}

			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			last := lines[len(lines)-1]
			nextText, ok := strings.CutPrefix(last, "To continue execution start from event ")
			if !ok {
				t.Fatalf("last line %q", last)
			}
			next, err := strconv.Atoi(nextText)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantNext >= 0 && next != tt.wantNext {
				t.Errorf("resume from %d, want %d", next, tt.wantNext)
			}

			reported := map[topicRecord]bool{}
			var events int // delivery lines, good or bad: event i is of step i/8
			nextOffset := map[int]int64{}
			firstFailedStep := -1
			for _, line := range lines {
				m := produceLine.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				step := events / 8
				if want := fmt.Sprintf("sensor%d", events%8); m[1]+m[4] != want {
					t.Fatalf("event %d is %s, want %s", events, m[1]+m[4], want)
				}
				events++
				if m[4] != "" {
					if firstFailedStep < 0 {
						firstFailedStep = step
					}
					continue
				}
				p, _ := strconv.Atoi(m[2])
				off, _ := strconv.ParseInt(m[3], 10, 64)
				if off != nextOffset[p] {
					t.Fatalf("%s reported at [%d] offset %d, want %d", m[1], p, off, nextOffset[p])
				}
				nextOffset[p]++
				reported[topicRecord{partition: p, offset: off, key: m[1]}] = true
			}
			records := readTopic(t, emb.BrokerAddr(), emb.Topic(), 2)
			if tt.quiet {
				if events != 0 {
					t.Errorf("--quiet printed %d delivery lines", events)
				}
				if want := fmt.Sprintf("produced %d events (0 failed)", len(records)); !strings.Contains(stdout.String(), want) {
					t.Errorf("no %q in:\n%s", want, stdout.String())
				}
				if len(records) != 8*next {
					t.Errorf("topic holds %d records, want %d", len(records), 8*next)
				}
				return
			}
			for _, r := range records {
				if !reported[r] {
					t.Errorf("record %+v is in the topic but was not reported delivered", r)
				}
				delete(reported, r)
			}
			for r := range reported {
				t.Errorf("reported delivered but not in the topic: %+v", r)
			}
			switch {
			case firstFailedStep >= 0:
				if next != firstFailedStep {
					t.Errorf("resume from %d, but step %d is the first with a failed event", next, firstFailedStep)
				}
			case events != 8*next:
				t.Errorf("%d events reported for %d steps fully acknowledged and no failure", events, next)
			}
			if failing := tt.failAfter >= 0; failing != (firstFailedStep >= 0) {
				t.Errorf("failure reported at step %d; want a failure: %v", firstFailedStep, failing)
			}
		})
	}
}
