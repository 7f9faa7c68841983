// Command soakload produces sensor events at a fixed rate with a share of
// garbage mixed in, for scripts/soak.sh. It prints what it produced.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"os/signal"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/simulate"
	"github.com/kafkaplot/kafkaplot/stream"
)

func main() {
	brokers := flag.String("brokers", "127.0.0.1:19092", "broker")
	registry := flag.String("registry", "http://127.0.0.1:18081", "registry URL")
	rate := flag.Int("rate", 5000, "events per second")
	garbage := flag.Float64("garbage", 0.01, "share of garbage records")
	duration := flag.Duration("duration", 10*time.Minute, "how long to produce")
	kind := flag.Int("kind", -1, "produce only this kind of garbage (index into the list), -1 for all in turn")
	flag.Parse()
	kinds := garbageKinds()
	if *kind >= 0 && *kind < len(kinds) {
		kinds = kinds[*kind : *kind+1]
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *brokers, *registry, *rate, *garbage, kinds, *duration); err != nil {
		fmt.Fprintln(os.Stderr, "soakload:", err)
		os.Exit(1)
	}
}

// garbageKinds returns the payloads mixed in; each must fail to decode.
func garbageKinds() [][]byte {
	return [][]byte{
		[]byte("not avro, not json"),      // text: bad magic
		{1, 0, 0, 0, 1, 2},                // wrong magic byte
		{0, 0, 0},                         // shorter than the header
		{0, 0x7f, 0xff, 0xff, 0xff, 2, 3}, // unknown schema id
		{0, 0, 0, 0, 1, 0x80},             // truncated Avro (id 1 = sensor)
	}
}

func run(ctx context.Context, brokers, registry string, rate int, garbage float64, kinds [][]byte, duration time.Duration) error {
	reg, err := schema.NewClient(registry)
	if err != nil {
		return err
	}
	enc, err := reg.SensorEncoder(ctx, "sensor", false)
	if err != nil {
		return err
	}
	p, err := stream.NewProducer(ctx, stream.ProducerConfig{Conn: stream.Connection{Brokers: []string{brokers}}, Topic: "temperature"})
	if err != nil {
		return err
	}
	defer p.Close()

	sensors := simulate.TutorialSensors()
	const tick = 20 * time.Millisecond
	perTick := rate * int(tick) / int(time.Second)
	every := int(math.Round(1 / garbage))
	var good, bad, step, n int
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	deadline := time.Now().Add(duration)
	msgs := make([]stream.Message, 0, perTick)
	for time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			deadline = time.Now()
			continue
		case <-ticker.C:
		}
		msgs = msgs[:0]
		now := time.Now()
		for range perTick {
			n++
			if n%every == 0 {
				kind := kinds[(n/every)%len(kinds)]
				msgs = append(msgs, stream.Message{Key: []byte("garbage"), Value: kind, Time: now})
				bad++
				continue
			}
			s := sensors[good%len(sensors)]
			if good%len(sensors) == 0 {
				step++
			}
			v, err := enc.AppendSensor(nil, schema.Sensor{Timestamp: now.UnixMilli(), ID: s.ID, Value: s.Clean(float64(step))})
			if err != nil {
				return err
			}
			msgs = append(msgs, stream.Message{Key: []byte(s.ID), Value: v, Time: now})
			good++
		}
		if _, err := p.Send(context.WithoutCancel(ctx), msgs, nil); err != nil {
			return err
		}
	}
	fmt.Printf("produced %d records: %d events, %d garbage\n", good+bad, good, bad)
	return nil
}
