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
// It decodes through package schema and knows nothing of the terminal UI.
package stream
