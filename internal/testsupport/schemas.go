package testsupport

import (
	"fmt"
	"time"
)

// ClickSchema is the kafka-demo README's click record (seed 003:
// namespace com.example, nullable strings, a float cost, timestamp-millis)
// with the stray comma after its last field removed.
const ClickSchema = `{
     "type": "record",
     "namespace": "com.example",
     "name": "click",
     "version": 1,
     "fields": [
       { "name": "id", "type": "string" },
       { "name": "impression_id", "type": "string" },
       { "name": "creative_id", "type": "string" },
       { "name": "placement_id", "type": "string" },
       { "name": "timestamp", "type":
          { "type": "long", "logicalType": "timestamp-millis" }
       },
       { "name": "user_agent", "type": ["string", "null"] },
       { "name": "ip", "type": ["string", "null"] },
       { "name": "referrer", "type": ["string", "null"] },
       { "name": "cost", "type": "float" }
     ]
}`

// SensorV2 is the tutorial's sensor record evolved compatibly: a unit
// with a default.
const SensorV2 = `{"type":"record","name":"sensor","fields":[
 {"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"id","type":"string"},
 {"name":"value","type":"double"},
 {"name":"unit","type":"string","default":"celsius"}]}`

// SensorV2Humidity is the sensor record evolved compatibly: a unit with a
// default and a humidity.
const SensorV2Humidity = `{"type":"record","name":"sensor","fields":[
 {"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"id","type":"string"},
 {"name":"value","type":"double"},
 {"name":"unit","type":"string","default":"celsius"},
 {"name":"humidity","type":"double","default":0}]}`

// SensorJSONSchema is the sensor event as a JSON Schema, as Confluent's
// JSONSerializer registers it.
const SensorJSONSchema = `{"$schema":"http://json-schema.org/draft-07/schema#","title":"sensor","type":"object",
 "properties":{"timestamp":{"type":"integer"},"id":{"type":"string"},"value":{"type":"number"}},
 "required":["timestamp","id","value"]}`

// ClickGen generates click events of ClickSchema, deterministically: four
// creatives, two placements, a click every 250 ms from Start, some user
// agents, ips and referrers null, costs in whole cents.
type ClickGen struct {
	Start time.Time
	n     int
}

// Next returns the next click and its key (the click id).
func (g *ClickGen) Next() (key string, click map[string]any) {
	i := g.n
	g.n++
	id := fmt.Sprintf("click-%05d", i)
	nullable := func(every int, v string) any {
		if i%every == 0 {
			return nil
		}
		return v
	}
	return id, map[string]any{
		"id":            id,
		"impression_id": fmt.Sprintf("imp-%05d", i/2),
		"creative_id":   fmt.Sprintf("cr-%d", 1+i%4),
		"placement_id":  []string{"top", "side"}[i%2],
		"timestamp":     g.Start.Add(time.Duration(i) * 250 * time.Millisecond).UTC(),
		"user_agent":    nullable(3, "Mozilla/5.0 (X11; Linux x86_64)"),
		"ip":            nullable(4, fmt.Sprintf("10.0.%d.%d", i%7, i%200)),
		"referrer":      nullable(5, "https://example.com/"),
		"cost":          float32(float64(5+(i*7)%40) / 100),
	}
}
