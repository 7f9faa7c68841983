package main

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kafkaplot/kafkaplot/internal/cmdline"
)

// Help groups of flags shared by commands.
const (
	groupConnection = "Connection"
	groupGroup      = "Consumer group"
	groupPlot       = "Plot"
)

// newRootCmd builds the command tree: the dashboard at the root, the other
// commands below it. Output goes to stdout (help, version, completion) and
// stderr; run prints errors.
func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := newDashboardCmd()
	root.Version = cmdline.Version(debug.ReadBuildInfo())
	root.SetVersionTemplate("{{.Version}}\n")
	root.Flags().Bool("version", false, "print the version and the VCS revision it was built from, and exit")
	root.Args = rootArgs
	root.SuggestionsMinimumDistance = 2
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newProduceCmd(), newConsumeCmd(), newPlotCmd(), newGroupCmd(), newClusterCmd(), newDoctorCmd(),
		cmdline.CompletionCommand(asUsage))
	cmdline.Configure(root, asUsage)
	return root
}

// rootArgs rejects a word after kafkaplot that is not a command.
func rootArgs(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(s, " or "))
	}
	return usageError{errors.New(msg)}
}

// noArgs rejects positional arguments: every command takes flags only.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", args[0])}
	}
	return nil
}

// helpHint is a usage error and the command whose help explains it.
type helpHint struct {
	err     error
	command string
}

func (h helpHint) Error() string { return h.err.Error() }
func (h helpHint) Unwrap() error { return h.err }
