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
	root.SilenceErrors = true
	root.SilenceUsage = true
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetHelpFunc(cmdline.Print)
	root.SetUsageFunc(func(c *cobra.Command) error { cmdline.Print(c, nil); return nil })
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{cmdline.FlagError(err)} })
	root.AddCommand(newProduceCmd(), newConsumeCmd(), newPlotCmd(), newGroupCmd(), newClusterCmd(), newDoctorCmd(), newCompletionCmd())
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [COMMAND]",
		Short: "help about a command",
		Args:  cobra.ArbitraryArgs,
		Run: func(c *cobra.Command, args []string) {
			target, _, err := c.Root().Find(args)
			if err != nil || target == nil {
				target = c.Root()
			}
			target.InitDefaultHelpFlag()
			cmdline.Print(target, nil)
		},
	})
	for _, c := range append(root.Commands(), root) {
		c.Flags().SortFlags = false
	}
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

// newCompletionCmd prints a shell completion script.
func newCompletionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "print a shell completion script: bash, zsh or fish",
		Long: `kafkaplot completion: print the completion script of a shell: commands, flags and
the values some flags take (--from earliest|latest, -c *.toml, ...).

  bash:  source <(kafkaplot completion bash)
  zsh:   kafkaplot completion zsh > "${fpath[1]}/_kafkaplot"
  fish:  kafkaplot completion fish > ~/.config/fish/completions/kafkaplot.fish`,
		ValidArgs: []string{"bash", "zsh", "fish"},
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{errors.New("completion: name one shell: bash, zsh or fish")}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			root, out := c.Root(), c.OutOrStdout()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			}
			return usageError{fmt.Errorf("completion %q: want bash, zsh or fish", args[0])}
		},
	}
}

// helpHint is a usage error and the command whose help explains it.
type helpHint struct {
	err     error
	command string
}

func (h helpHint) Error() string { return h.err.Error() }
func (h helpHint) Unwrap() error { return h.err }
