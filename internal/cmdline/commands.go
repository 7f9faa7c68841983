package cmdline

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// Configure sets root up: errors and usage are not printed by cobra (the
// caller prints them), help is Print, a flag value that does not parse is
// worded by FlagError and wrapped by usage, help has its own command, and
// every command lists its flags in the order they were registered.
func Configure(root *cobra.Command, usage func(error) error) {
	root.SilenceErrors = true
	root.SilenceUsage = true
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetHelpFunc(Print)
	root.SetUsageFunc(func(c *cobra.Command) error { Print(c, nil); return nil })
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usage(FlagError(err)) })
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [COMMAND]",
		Short: "help about a command",
		Args:  cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || target == nil || (len(args) > 0 && len(rest) == len(args)) {
				return usage(fmt.Errorf("help: unknown command %q", args[0]))
			}
			target.InitDefaultHelpFlag()
			Print(target, nil)
			return nil
		},
	})
	for _, c := range append(root.Commands(), root) {
		c.Flags().SortFlags = false
	}
}

// CompletionCommand prints the completion script of a shell for the whole
// command tree; usage wraps its mistakes (no shell, or another one).
func CompletionCommand(usage func(error) error) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "print a shell completion script: bash, zsh or fish",
		Long: `kafkaplot completion: print the completion script of a shell: commands, flags and
the values some flags take (--from earliest|latest, -c *.toml, ...).

  bash:  source <(kafkaplot completion bash)
         (needs the bash-completion package: apt install bash-completion,
         brew install bash-completion@2)
  zsh:   kafkaplot completion zsh > "${fpath[1]}/_kafkaplot"
  fish:  kafkaplot completion fish > ~/.config/fish/completions/kafkaplot.fish`,
		ValidArgs: []string{"bash", "zsh", "fish"},
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usage(errors.New("completion: name one shell: bash, zsh or fish"))
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
			return usage(fmt.Errorf("completion %q: want bash, zsh or fish", args[0]))
		},
	}
}
