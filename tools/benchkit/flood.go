package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
)

// runFlood produces --events sensor events spread round-robin over
// --sensors sensor ids, as fast as possible or at --rate events per second:
// Avro (the tutorial's schema), or with --kind click seed 003's click
// record (Avro, keyed by click id, one creative in 50 per click), protobuf
// the sensor as Protobuf, json the sensor as a plain JSON object. With
// --stamp-rate the events are stamped that many per second of event time,
// the last one at the flood's start, so that a window of minutes fills in
// seconds.
func runFlood(ctx context.Context, fs *flag.FlagSet, args []string, out io.Writer) error {
	brokers := fs.String("brokers", "", "bootstrap broker")
	registry := fs.String("registry", "", "schema registry URL")
	topic := fs.String("topic", "temperature", "topic")
	events := fs.Int("events", 1_000_000, "events to produce (0: until --duration or interrupted)")
	sensors := fs.Int("sensors", 1000, "distinct sensor ids")
	rate := fs.Float64("rate", 0, "events per second (0: as fast as possible)")
	duration := fs.Duration("duration", 0, "stop after this long (0: no limit)")
	kind := fs.String("kind", "sensor", "records: sensor (Avro), click (Avro, seed 003), protobuf or json")
	stampRate := fs.Float64("stamp-rate", 0, "stamp the events this many per second of event time, the last one now, whatever the rate they are sent at (0: stamp each with the time it is sent)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *stampRate > 0 && *events <= 0 {
		return fmt.Errorf("--stamp-rate needs --events: the stamps end now")
	}
	conn := stream.Connection{Brokers: []string{*brokers}}
	reg, err := schema.NewClient(*registry)
	if err != nil {
		return err
	}
	enc, err := newRecordEncoder(ctx, reg, *kind, *topic)
	if err != nil {
		return err
	}
	producer, err := stream.NewProducer(ctx, stream.ProducerConfig{Conn: conn, Topic: *topic})
	if err != nil {
		return err
	}
	defer producer.Close()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}

	ids := make([]string, *sensors)
	keys := make([][]byte, *sensors)
	for i := range ids {
		ids[i] = fmt.Sprintf("sensor%d", i)
		keys[i] = []byte(ids[i])
	}
	batch := 8192
	if *rate > 0 {
		batch = int(min(8192, max(1, *rate/50))) // a request every 20 ms
	}
	msgs := make([]stream.Message, 0, batch)
	var deliveries []stream.Delivery
	var buf []byte
	bounds := make([]int, 0, batch+1)
	start := time.Now()
	// With --stamp-rate, event i is stamped i / stampRate seconds after
	// the first, the last one at the start.
	stampAt := func(i int) time.Time {
		return start.Add(-time.Duration(float64(*events-1-i) / *stampRate * float64(time.Second)))
	}
	sent := 0
	for (*events <= 0 || sent < *events) && ctx.Err() == nil {
		if *rate > 0 {
			due := start.Add(time.Duration(float64(sent) / *rate * float64(time.Second)))
			if d := time.Until(due); d > 0 {
				select {
				case <-ctx.Done():
					continue
				case <-time.After(d):
				}
			}
		}
		n := batch
		if *events > 0 {
			n = min(n, *events-sent)
		}
		now := time.Now()
		buf, bounds, msgs = buf[:0], bounds[:0], msgs[:0]
		for i := range n {
			k := (sent + i) % len(ids)
			bounds = append(bounds, len(buf))
			v := 20 + 5*math.Sin(float64(sent+i)/float64(len(ids))/50+float64(k))
			at := now
			if *stampRate > 0 {
				at = stampAt(sent + i)
			}
			if buf, err = enc.append(buf, sent+i, schema.Sensor{Timestamp: at.UnixMilli(), ID: ids[k], Value: v}); err != nil {
				return err
			}
		}
		bounds = append(bounds, len(buf))
		for i := range n {
			k := (sent + i) % len(ids)
			key := keys[k]
			if *kind == "click" {
				key = []byte(clickID(sent + i))
			}
			at := now
			if *stampRate > 0 {
				at = stampAt(sent + i)
			}
			msgs = append(msgs, stream.Message{Key: key, Value: buf[bounds[i]:bounds[i+1]], Time: at})
		}
		if deliveries, err = producer.Send(context.WithoutCancel(ctx), msgs, deliveries); err != nil {
			return err
		}
		sent += n
	}
	elapsed := time.Since(start).Seconds()
	fmt.Fprintf(out, "flood_events=%d\nflood_seconds=%.2f\nflood_rate=%.0f\n", sent, elapsed, float64(sent)/elapsed)
	return nil
}
