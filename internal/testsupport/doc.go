// Package testsupport is the one home of what kafkaplot's tests share:
// free loopback ports, PEM and credential files, the schemas and records
// tests produce, a raw producer, and the harness that runs programs (the
// kafkaplot binary, in the background or in a private tmux) and fails the
// test on an exit status it did not expect or a data race in the output.
//
// Only tests import it (arrows_test.go checks). Of kafkaplot's packages it
// imports only tlsfiles and embedded/certs, so that the tests inside the
// Kafka, schema and configuration packages can use it too; it starts no
// cluster in the test's process.
package testsupport
