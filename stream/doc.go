// Package stream moves sensor records between kafkaplot and Kafka.
//
// It holds the consumer (a member of a consumer group that follows the
// Kafka consumer protocol, so it shares a group with any Kafka client:
// franz-go's assignors and protocol data on kafka-go's transport, every
// generation, member id and assignment reported, one fetch loop per
// assigned partition, at-least-once commits), the producer (CRC32 partitioning like
// librdkafka, exact delivery reports), the connection settings they share
// (TLS, SASL PLAIN and SCRAM) with a step-by-step probe of a broker. It is
// client code only: the in-process cluster kafkaplot runs lives in package
// embedded.
//
// The group's fetch loop does not read records through kafka-go's Batch:
// ReadMessage copies every key and value into new allocations and a Conn
// has one fetch at a time, and both were measured to fall short of the
// catch-up targets (docs/performance.md). Instead it keeps the connection
// kafka-go dialed and authenticated, sends Fetch requests on it itself
// (franz-go's kmsg encodes them), with the next fetch in flight while one
// is decoded, and reads the records of each record batch where they lie
// in the response (CRC checked, decompressed with kafka-go's codecs). It
// reads record batches (magic 2, Kafka 0.11 on) only. History, time ranges
// and lag probes still read through kafka-go's Batch.
//
// It decodes through package schema and knows nothing of the terminal UI.
package stream
