package schema

import (
	"errors"
	"fmt"

	"github.com/hamba/avro/v2"
)

// SensorSchema is the tutorial's sensor record in its fixed form: the
// timestamp-millis logical type is nested in the field's type.
const SensorSchema = `{"type":"record","name":"sensor","fields":[{"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"id","type":"string"},{"name":"value","type":"double"}]}`

// TutorialSensorSchema is the sensor record exactly as the tutorial writes it:
// logicalType sits on the field, so Avro reads the timestamp as a plain long
// (still epoch milliseconds).
const TutorialSensorSchema = `{
  "type": "record",
  "name": "sensor",
  "fields": [
    {
      "name": "timestamp",
      "type": "long",
      "logicalType": "timestamp-millis"
    },
    {
      "name": "id",
      "type": "string"
    },
    {
      "name": "value",
      "type": "double"
    }
  ]
}`

// parseSchema parses an Avro schema on its own, without the process-wide
// name cache of avro.Parse, so a schema can never pick up a type that only
// another schema defines.
func parseSchema(schemaText string) (avro.Schema, error) {
	s, err := avro.ParseWithCache(schemaText, "", &avro.SchemaCache{})
	if err != nil {
		return nil, fmt.Errorf("parse avro schema: %w", err)
	}
	return s, nil
}

// RecordSubject returns the subject Hopsworks expects for a schema: the full
// name of its record (namespace.name).
func RecordSubject(schemaText string) (string, error) {
	s, err := parseSchema(schemaText)
	if err != nil {
		return "", err
	}
	rec, ok := s.(*avro.RecordSchema)
	if !ok {
		return "", errors.New("record subject: schema is not a record")
	}
	return rec.FullName(), nil
}

// TopicSubject returns the subject of a topic's values under Confluent's
// default TopicNameStrategy ("<topic>-value").
func TopicSubject(topic string) string { return topic + "-value" }
