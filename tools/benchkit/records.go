package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
)

// clickSchema is seed 003's click record (its trailing comma removed).
const clickSchema = `{"type":"record","namespace":"com.example","name":"click","version":1,"fields":[
{"name":"id","type":"string"},{"name":"impression_id","type":"string"},{"name":"creative_id","type":"string"},
{"name":"placement_id","type":"string"},{"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},
{"name":"user_agent","type":["string","null"]},{"name":"ip","type":["string","null"]},{"name":"referrer","type":["string","null"]},
{"name":"cost","type":"float"}]}`

// recordEncoder writes the n-th record of a flood of one kind.
type recordEncoder struct {
	kind   string
	sensor *schema.Encoder
	click  *schema.Encoder
	proto  *schema.ProtoSensorEncoder
}

// newRecordEncoder registers the kind's schema (sensor: the one the
// registry has under "sensor") and returns its encoder.
func newRecordEncoder(ctx context.Context, reg *schema.Client, kind, topic string) (*recordEncoder, error) {
	e := &recordEncoder{kind: kind}
	var err error
	switch kind {
	case "sensor":
		e.sensor, err = reg.SensorEncoder(ctx, "sensor", false)
	case "click":
		var id int
		if id, err = reg.Register(ctx, topic+"-value", clickSchema); err == nil {
			e.click, err = schema.NewEncoder(id, clickSchema)
		}
	case "protobuf":
		var id int
		if id, err = reg.RegisterType(ctx, topic+"-value", schema.FormatProtobuf, schema.SensorProto); err == nil {
			e.proto = schema.NewProtoSensorEncoder(id)
		}
	case "json":
	default:
		return nil, fmt.Errorf("--kind %q: want sensor, click, protobuf or json", kind)
	}
	if err != nil {
		return nil, fmt.Errorf("encoder for %s records: %w", kind, err)
	}
	return e, nil
}

// clickID is the id (and key) of the n-th click.
func clickID(n int) string { return "click-" + strconv.Itoa(n) }

// append appends the n-th record, made of s for the sensor kinds.
func (e *recordEncoder) append(dst []byte, n int, s schema.Sensor) ([]byte, error) {
	switch e.kind {
	case "click":
		nullable := func(every int, v string) any {
			if n%every == 0 {
				return nil
			}
			return v
		}
		return e.click.Append(dst, map[string]any{
			"id": clickID(n), "impression_id": "imp-" + strconv.Itoa(n/2), "creative_id": "creative-" + strconv.Itoa(n%50),
			"placement_id": "placement-" + strconv.Itoa(n%7), "timestamp": time.UnixMilli(s.Timestamp).UTC(),
			"user_agent": nullable(3, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"),
			"ip":         nullable(4, "10.0."+strconv.Itoa(n%7)+"."+strconv.Itoa(n%200)),
			"referrer":   nullable(5, "https://example.com/landing"),
			"cost":       float32(5+(n*7)%40) / 100,
		})
	case "protobuf":
		return e.proto.AppendSensor(dst, s)
	case "json":
		dst = append(dst, `{"timestamp":`...)
		dst = strconv.AppendInt(dst, s.Timestamp, 10)
		dst = append(dst, `,"id":"`...)
		dst = append(dst, s.ID...)
		dst = append(dst, `","value":`...)
		dst = strconv.AppendFloat(dst, s.Value, 'g', -1, 64)
		return append(dst, '}'), nil
	}
	return e.sensor.AppendSensor(dst, s)
}
