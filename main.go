// Command kafkaplot watches a Kafka topic of Avro sensor events and plots
// every sensor's series live in the terminal, one pane per partition. It
// also produces the tutorial's emulated sensors, consumes headless, and runs
// an embedded broker and schema registry when there is no Kafka at hand.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// run dispatches to a subcommand; the dashboard is the default.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "produce":
			return runProduce(ctx, args[1:], stdout, stderr)
		case "consume":
			return runConsume(ctx, args[1:], stdout, stderr)
		case "cluster":
			return runCluster(ctx, args[1:], stdout, stderr)
		case "doctor":
			return runDoctor(ctx, args[1:], stdout, stderr)
		case "help":
			fmt.Fprint(stdout, usage)
			return nil
		}
	}
	return runDashboard(ctx, args, stdout, stderr)
}

const usage = `kafkaplot: live terminal charts of a Kafka topic of Avro sensor events.

Usage:
  kafkaplot [-c config.toml] [flags]          the dashboard (default command)
  kafkaplot produce [-c ...] [-e N] [-d S] [-t T]   emulated sensors into the topic
  kafkaplot consume [-c ...] [--until-end]    print records, headless
  kafkaplot cluster [--secure DIR]            run the embedded broker + registry
  kafkaplot doctor [-c ...]                   check each hop to the cluster, say what to fix

Run "kafkaplot COMMAND -h" for a command's flags.
`

// errInterrupted marks a run cut short by Ctrl-C or SIGTERM.
var errInterrupted = errors.New("interrupted")

// exitCode maps run's error to the process exit code, printing it.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errInterrupted):
		return 130
	}
	code := 1
	var derr *doctorError
	var uerr usageError
	switch {
	case errors.As(err, &derr):
		code = derr.ExitCode()
	case errors.As(err, &uerr):
		code = 2
	}
	fmt.Fprintln(stderr, "kafkaplot:", err)
	return code
}

// usageError is a mistake in the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }
