// Package e2e holds kafkaplot's end-to-end tests: those that build the
// binary (once, with the race detector, in TestMain) and run it — in the
// background, to completion, or in a private tmux — against clusters it
// starts, with the tutorial's Python library, kcat, keytool, openssl and
// vhs. Every run of the binary fails its test on an exit status it did not
// expect and on a data race in its output (internal/testsupport).
//
// go test -short skips them; go test -race ./... (the README's test
// command) runs them. The package has no code but its tests.
package e2e
