package stream

import (
	"bytes"
	"slices"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
)

// sensorSelection reads the tutorial's sensor fields.
func sensorSelection(*schema.Writer) schema.Selection {
	return schema.Selection{Series: "id", Values: []string{"value"}, Time: "timestamp", Unit: time.Millisecond}
}

// sensorDecoder decodes the sensor's fields from src's records.
func sensorDecoder(src schema.Source) *schema.Decoder {
	return schema.NewDecoder(src, schema.WithSelection(sensorSelection))
}

// sensorOf returns the sensor reading a record holds, if it holds one.
func sensorOf(r *Record) (schema.Sensor, bool) {
	p := &r.Plotted
	if r.Err != nil || r.Fields != nil || p.Selection == nil || p.SeriesState != schema.Set || p.TimeState != schema.Set ||
		len(p.Values) != 1 || p.Values[0].State != schema.Set {
		return schema.Sensor{}, false
	}
	return schema.Sensor{Timestamp: p.Time.UnixMilli(), ID: string(p.Series), Value: p.Values[0].Num}, true
}

// isSensor reports whether a record holds a sensor reading.
func isSensor(r *Record) bool {
	_, ok := sensorOf(r)
	return ok
}

// kept copies a batch so that it outlives OnRecords, whose records share
// their buffers with the next batch.
func kept(batch []Record) []Record {
	out := make([]Record, len(batch))
	for i, r := range batch {
		r.Key = bytes.Clone(r.Key)
		r.Plotted.Values = slices.Clone(r.Plotted.Values)
		r.Plotted.Series = bytes.Clone(r.Plotted.Series)
		out[i] = r
	}
	return out
}

// sensorIn returns the sensor reading a record holds, zero if none.
func sensorIn(r *Record) schema.Sensor {
	s, _ := sensorOf(r)
	return s
}
