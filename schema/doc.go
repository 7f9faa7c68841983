// Package schema speaks the Confluent Schema Registry dialect of Avro for
// kafkaplot: the wire format (magic byte 0, a 4-byte big-endian schema id,
// then the Avro binary body), Avro encoding and decoding through
// github.com/hamba/avro/v2, Protobuf and JSON Schema decoding, and a client
// for Confluent-compatible registries built on franz-go's sr that also copes
// with the quirks of Hopsworks 2.x. It is client and codec
// only: the registry kafkaplot serves in-process lives in package embedded.
//
// Decoding always uses the writer schema named by the payload's id. The
// generic path (Decoder.Decode) returns every field in hamba/avro's generic
// form, rejecting truncated bodies and trailing bytes, which hamba/avro's
// Unmarshal alone does not. DecodePlotted reads only what a dashboard plots (WithSelection: the
// series, the values and the time, by dotted path) straight from the wire
// bytes, with a reader compiled once per writer schema (Avro by id,
// Protobuf by id and message index, JSON by the shape of its records),
// skipping the rest without allocating. It checks the whole body as Decode
// does, so a malformed record is an error, never a wrong value; fuzz
// targets compare the two on every input.
//
// The generic path also decodes JSON: Confluent's JSON Schema wire format
// (magic byte, schema id of a registered JSON Schema, JSON text) and plain
// JSON objects without a header. Every generic Record carries a Writer: the
// writer schema's leaves by dotted path with what each can be used for (a
// number, a point in time, a string), its subject and version when the
// registry tells them. Record.Lookup reads a dotted path through nested
// records and union branches.
//
// Protobuf follows Confluent's wire format too: after the header comes the
// message-index array (zig-zag varints; the single byte 0 for the file's
// first message), then the message. The schema (.proto text, or the base64
// FileDescriptorProto confluent-kafka-python registers) is compiled once per
// id by bufbuild/protocompile with its references (when the Source is a
// ReferenceSource) and the well-known types; Decode reads messages with
// dynamicpb, DecodePlotted straight from the wire. The Encoder writes Avro
// records (the tutorial's Sensor by hand); SensorProto and
// ProtoSensorEncoder write the sensor as Protobuf.
//
// The package does not talk to Kafka, does not log, and keeps no global state:
// the Decoder is the one cache of schemas by id (the Client keeps none).
// Avro schema references are
// not followed by the Decoder, which parses each Avro writer schema on its own.
package schema
