// Command kafkaplot watches a Kafka topic of Avro sensor events and plots
// every sensor's series live in the terminal, one pane per partition. It
// also produces the tutorial's emulated sensors, consumes headless, and runs
// an embedded broker and schema registry when there is no Kafka at hand.
//
// The command line is built with spf13/cobra (on spf13/pflag): GNU-style
// flags with short forms as kcat and rpk users expect, and the bash, zsh and
// fish completion scripts generated from the very flag definitions the
// commands parse. pflag alone would have meant writing the subcommand
// dispatch, the help and three completion scripts by hand.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/kafkaplot/kafkaplot/internal/cmdline"
	"github.com/kafkaplot/kafkaplot/internal/connect"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// run runs the command args name (the dashboard by default) and returns
// its error; a usage error carries the command whose help to point to.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	root := newRootCmd(stdout, stderr)
	args = append([]string{}, args...) // a nil slice would make cobra read os.Args
	if cmd, rest, err := root.Find(args); err == nil {
		if err := cmdline.SingleDashLong(cmd.Flags(), rest); err != nil {
			return helpHint{err: usageError{err}, command: cmd.CommandPath()}
		}
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if errors.As(err, new(usageError)) && cmd != nil {
		return helpHint{err: err, command: cmd.CommandPath()}
	}
	return err
}

// exitCode maps run's error to the process exit code, printing it: a usage
// error on one line and a hint to the command's help.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, connect.ErrInterrupted):
		return 130
	}
	code := 1
	var coded interface{ ExitCode() int }
	var uerr usageError
	switch {
	case errors.As(err, &coded):
		code = coded.ExitCode()
	case errors.As(err, &uerr):
		code = 2
	}
	fmt.Fprintln(stderr, "kafkaplot:", err)
	if hint := (helpHint{}); errors.As(err, &hint) {
		fmt.Fprintf(stderr, "Run '%s -h' for help.\n", hint.command)
	}
	return code
}

// usageError is a mistake in the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// asUsage marks err as a usage error.
func asUsage(err error) error { return usageError{err} }
