package stream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
)

// TestPoisonCorpus interleaves every kind of bad record with valid sensor
// events: each bad one is counted with its own error (or, when it is a
// decodable record of another type, handed on generically), every valid one
// around them is decoded, and nothing is lost.
func TestPoisonCorpus(t *testing.T) {
	emb := startCluster(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	reg, err := schema.NewClient(emb.RegistryURL())
	if err != nil {
		t.Fatal(err)
	}
	latest, err := reg.Latest(ctx, "sensor")
	if err != nil {
		t.Fatal(err)
	}
	enc, err := schema.NewEncoder(latest.ID, latest.Schema)
	if err != nil {
		t.Fatal(err)
	}
	otherID, err := reg.Register(ctx, "click", `{"type":"record","name":"click","namespace":"com.example","fields":[{"name":"creative_id","type":["string","null"]},{"name":"cost","type":"float"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	other, err := schema.NewEncoder(otherID, `{"type":"record","name":"click","namespace":"com.example","fields":[{"name":"creative_id","type":["string","null"]},{"name":"cost","type":"float"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	sensor := func(id string, ts int64, v float64) []byte {
		b, err := enc.AppendSensor(nil, schema.Sensor{Timestamp: ts, ID: id, Value: v})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	good := sensor("sensor0", 1_700_000_000_000, 1)
	click, err := other.Append(nil, map[string]any{"creative_id": "c1", "cost": float32(0.5)})
	if err != nil {
		t.Fatal(err)
	}
	big := append(schema.AppendHeader(nil, latest.ID), bytes.Repeat([]byte{0xff}, 10<<20)...)

	poison := []struct {
		name    string
		key     []byte
		value   []byte
		wantErr error // nil: decodes
		generic bool  // decodes as a record of another type
		check   func(t *testing.T, r Record)
	}{
		{name: "non-Avro text", key: []byte("sensor0"), value: []byte("hello, not avro"), wantErr: schema.ErrBadMagic},
		{name: "wrong magic byte", key: []byte("sensor0"), value: append([]byte{1}, good[1:]...), wantErr: schema.ErrBadMagic},
		{name: "empty value", key: []byte("sensor0"), value: []byte{}, wantErr: ErrEmptyValue},
		{name: "null value (tombstone)", key: []byte("sensor0"), value: nil, wantErr: ErrEmptyValue},
		{name: "one byte", key: []byte("sensor0"), value: []byte{0}, wantErr: schema.ErrShortPayload},
		{name: "four bytes", key: []byte("sensor0"), value: []byte{0, 0, 0, 1}, wantErr: schema.ErrShortPayload},
		{name: "unknown schema id", key: []byte("sensor0"), value: append(schema.AppendHeader(nil, 99999), good[5:]...), wantErr: schema.ErrUnknownSchema},
		{name: "other record type", key: []byte("c1"), value: click, generic: true},
		{name: "truncated Avro", key: []byte("sensor0"), value: good[:len(good)-3], wantErr: schema.ErrTruncated},
		{name: "trailing bytes", key: []byte("sensor0"), value: append(append([]byte{}, good...), 1, 2, 3), wantErr: schema.ErrTrailingBytes},
		{name: "10 MB value", key: []byte("sensor0"), value: big, wantErr: schema.ErrMalformed},
		{name: "non-UTF-8 key", key: []byte{0xff, 0xfe, 0x00}, value: sensor("sensor1", 1_700_000_000_001, 2), check: func(t *testing.T, r Record) {
			if sensorIn(&r).ID != "sensor1" {
				t.Errorf("id %q, want sensor1 from the value", sensorIn(&r).ID)
			}
		}},
		{name: "key that is not the id", key: []byte("somebody-else"), value: sensor("sensor2", 1_700_000_000_002, 3), check: func(t *testing.T, r Record) {
			if sensorIn(&r).ID != "sensor2" {
				t.Errorf("id %q, want sensor2 from the value", sensorIn(&r).ID)
			}
		}},
		{name: "NaN", key: []byte("sensor3"), value: sensor("sensor3", 1_700_000_000_003, math.NaN()), check: func(t *testing.T, r Record) {
			if !math.IsNaN(sensorIn(&r).Value) {
				t.Errorf("value %v, want NaN handed on (the UI counts it)", sensorIn(&r).Value)
			}
		}},
		{name: "+Inf", key: []byte("sensor3"), value: sensor("sensor3", 1_700_000_000_004, math.Inf(1))},
		{name: "-Inf", key: []byte("sensor3"), value: sensor("sensor3", 1_700_000_000_005, math.Inf(-1))},
		{name: "far past", key: []byte("sensor3"), value: sensor("sensor3", -62_000_000_000_000, 4)},
		{name: "far future", key: []byte("sensor3"), value: sensor("sensor3", 253_000_000_000_000, 5)},
	}

	p, err := NewProducer(ctx, ProducerConfig{Conn: Connection{Brokers: []string{emb.BrokerAddr()}}, Topic: emb.Topic()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	// valid, poison, valid, poison, ..., valid: offsets 2i+1 are poison.
	var msgs []Message
	for i, pc := range poison {
		msgs = append(msgs, Message{Key: []byte("sensor0"), Value: sensor("sensor0", int64(1_700_000_001_000+i), float64(i))})
		msgs = append(msgs, Message{Key: pc.key, Value: pc.value})
	}
	msgs = append(msgs, Message{Key: []byte("sensor0"), Value: sensor("sensor0", 1_700_000_002_000, 100)})
	for _, m := range msgs {
		if _, err := p.Send(ctx, []Message{m}, nil); err != nil {
			t.Fatalf("produce: %v", err)
		}
	}

	var c collector
	runConsumer(t, c.config(emb, "poison"))
	waitFor(t, fmt.Sprintf("%d records", len(msgs)), 30*time.Second, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return len(c.records) >= len(msgs)
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	byOffset := map[int64]Record{}
	for _, r := range c.records {
		byOffset[r.Offset] = r
	}
	if len(byOffset) != len(msgs) {
		t.Fatalf("%d distinct offsets handed on, want %d", len(byOffset), len(msgs))
	}
	for i := range len(poison) + 1 {
		r := byOffset[int64(2*i)]
		if r.Err != nil || !isSensor(&r) || sensorIn(&r).ID != "sensor0" {
			t.Errorf("valid event at offset %d: err %v, sensor %v %+v", 2*i, r.Err, isSensor(&r), sensorIn(&r))
		}
	}
	for i, pc := range poison {
		t.Run(pc.name, func(t *testing.T) {
			r := byOffset[int64(2*i+1)]
			switch {
			case pc.wantErr != nil:
				if !errors.Is(r.Err, pc.wantErr) {
					t.Errorf("err = %v, want %v", r.Err, pc.wantErr)
				}
			case pc.generic:
				if r.Err != nil || isSensor(&r) {
					t.Errorf("want a record of another type, got err %v sensor %v", r.Err, isSensor(&r))
				}
			default:
				if r.Err != nil || !isSensor(&r) {
					t.Errorf("want a sensor record, got err %v", r.Err)
				}
			}
			if pc.check != nil {
				pc.check(t, r)
			}
		})
	}
}
