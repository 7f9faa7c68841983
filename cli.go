package main

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/internal/flaghelp"
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
	root.Version = versionString(debug.ReadBuildInfo())
	root.SetVersionTemplate("{{.Version}}\n")
	root.Flags().Bool("version", false, "print the version and the VCS revision it was built from, and exit")
	root.Args = rootArgs
	root.SuggestionsMinimumDistance = 2
	root.SilenceErrors = true
	root.SilenceUsage = true
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetHelpFunc(flaghelp.Print)
	root.SetUsageFunc(func(c *cobra.Command) error { flaghelp.Print(c, nil); return nil })
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{flagError(err)} })
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
			flaghelp.Print(target, nil)
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

// flagError rewrites pflag's message for a value that does not parse
// ("invalid argument "abc" for "-e, --events" flag: strconv.ParseInt: ...")
// as what was wrong and what is wanted.
func flagError(err error) error {
	var iv *pflag.InvalidValueError
	if !errors.As(err, &iv) {
		return err
	}
	f := iv.GetFlag()
	name := "--" + f.Name
	if f.Shorthand != "" {
		name = "-" + f.Shorthand + ", " + name
	}
	want := map[string]string{
		"int":      "an integer",
		"float64":  "a number",
		"bool":     "true or false",
		"duration": "a duration such as 30s or 2m",
	}[f.Value.Type()]
	if want == "" {
		return err
	}
	return fmt.Errorf("%s %q: want %s", name, iv.GetValue(), want)
}

// singleDashLong catches Go-flag-style long flags with one dash (-brokers),
// which pflag would read as short flags with a value (-b rokers).
func singleDashLong(fs *pflag.FlagSet, args []string) error {
	for _, a := range args {
		if a == "--" {
			return nil
		}
		if len(a) < 3 || a[0] != '-' || a[1] == '-' {
			continue
		}
		name, _, _ := strings.Cut(a[1:], "=")
		if f := fs.Lookup(name); f != nil {
			return usageError{fmt.Errorf("%s: long flags take two dashes: --%s", a, a[1:])}
		}
	}
	return nil
}

// versionString names the module version and the VCS revision the binary
// was built from.
func versionString(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return "kafkaplot (no build information)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	s := map[string]string{}
	for _, kv := range info.Settings {
		s[kv.Key] = kv.Value
	}
	var vcs []string
	if r := s["vcs.revision"]; r != "" {
		vcs = append(vcs, "revision "+r)
	} else {
		vcs = append(vcs, "revision unknown")
	}
	if t, err := time.Parse(time.RFC3339, s["vcs.time"]); err == nil {
		vcs = append(vcs, t.UTC().Format(time.RFC3339))
	}
	if s["vcs.modified"] == "true" {
		vcs = append(vcs, "modified")
	}
	out := fmt.Sprintf("kafkaplot %s (%s)", v, strings.Join(vcs, ", "))
	if info.GoVersion != "" {
		out += " " + info.GoVersion
	}
	return out
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

// completeValues completes a flag from a fixed list.
func completeValues(values ...string) cobra.CompletionFunc {
	return cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)
}

// completeFiles completes a flag with file names of the given extensions.
func completeFiles(ext ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return ext, cobra.ShellCompDirectiveFilterFileExt
	}
}

// completeDirs completes a flag with directory names.
func completeDirs(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveFilterDirs
}

// helpHint is a usage error and the command whose help explains it.
type helpHint struct {
	err     error
	command string
}

func (h helpHint) Error() string { return h.err.Error() }
func (h helpHint) Unwrap() error { return h.err }
