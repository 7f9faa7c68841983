// Package embedded is the cluster kafkaplot runs in-process: a one-broker
// Kafka (franz-go's kfake), a Confluent-compatible schema registry that
// really enforces compatibility (franz-go's srfake wrapped with Avro checks),
// an emulation of Hopsworks 2.x's registry (base path, API key, its
// content-type, list and error-code quirks), and the credentials of a secure
// rehearsal of a Hopsworks cluster (a CA, mutual-TLS certificates, JKS and PEM
// stores, an API key and the tutorial's config.toml).
//
// It serves; it does not consume. The clients are packages stream and schema,
// which it imports; nothing but main and tests imports it.
package embedded
