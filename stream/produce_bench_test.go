package stream

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
)

// BenchmarkSend sends 512 steps of the tutorial's 8 sensors per Send (one
// request per partition) to an in-process kfake broker, as "kafkaplot
// produce -d 0" does; one op is one event. Time and allocations include the
// in-process broker's.
func BenchmarkSend(b *testing.B) {
	const perSend = 512 * 8
	emb := benchCluster(b, 0)
	ctx := context.Background()
	p, err := NewProducer(ctx, ProducerConfig{Conn: Connection{Brokers: []string{emb.BrokerAddr()}}, Topic: emb.Topic()})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	enc, err := schema.NewEncoder(1, schema.SensorSchema)
	if err != nil {
		b.Fatal(err)
	}
	msgs := make([]Message, perSend)
	for i := range msgs {
		id := fmt.Sprintf("sensor%d", i%8)
		v, err := enc.AppendSensor(nil, schema.Sensor{Timestamp: 1_700_000_000_000 + int64(i/8)*10, ID: id, Value: float64(i)})
		if err != nil {
			b.Fatal(err)
		}
		msgs[i] = Message{Key: []byte(id), Value: v, Time: time.UnixMilli(1_700_000_000_000)}
	}
	var out []Delivery
	b.ReportAllocs()
	start := time.Now()
	for i := 0; i < b.N; i += perSend {
		n := min(perSend, b.N-i)
		if out, err = p.Send(ctx, msgs[:n], out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}
