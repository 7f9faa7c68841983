// Package stream moves sensor records between kafkaplot and Kafka.
//
// It holds the consumer (a kafka-go consumer group whose every generation,
// member id and assignment is reported, one fetch loop per assigned
// partition, at-least-once commits), the producer (CRC32 partitioning like
// librdkafka, exact delivery reports), the connection settings they share
// (TLS, SASL PLAIN and SCRAM) with a step-by-step probe of a broker, and the
// embedded cluster (franz-go's kfake broker plus the schema package's
// registry) that lets kafkaplot run with no Kafka at all, optionally with
// mutual TLS, SASL users and a Hopsworks-style HTTPS registry.
//
// It decodes through package schema and knows nothing of the terminal UI.
package stream
