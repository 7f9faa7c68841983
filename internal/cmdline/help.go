// Package cmdline is the machinery under kafkaplot's commands: flags
// registered in named help groups and the help that lists a command's
// commands and then its flags group by group (wrapped at a fixed width, so
// help reads the same on every terminal and in golden files), flag errors
// worded for people, Go-style single-dash long flags caught, shell
// completion helpers, and the version string. It defines no command and no
// flag, and decides no exit code.
package cmdline

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Other is the group of flags registered without one; help lists it last.
const Other = "Other"

// groupKey is the pflag annotation naming a flag's help group.
const groupKey = "kafkaplot-help-group"

// width is the width help text is wrapped to.
const width = 100

// InGroup registers flags with register into fs, marked as belonging to
// group in help.
func InGroup(fs *pflag.FlagSet, group string, register func(*pflag.FlagSet)) {
	g := pflag.NewFlagSet(group, pflag.ContinueOnError)
	register(g)
	g.SortFlags = false
	g.VisitAll(func(f *pflag.Flag) {
		if f.Annotations == nil {
			f.Annotations = map[string][]string{}
		}
		f.Annotations[groupKey] = []string{group}
		fs.AddFlag(f)
	})
}

// Print writes a command's help: what it does, usage, commands, and its
// flags by group, in the order they were registered, Other last. It is a
// cobra help function.
func Print(c *cobra.Command, _ []string) {
	w := c.OutOrStdout()
	text := c.Long
	if text == "" {
		text = c.Short
	}
	fmt.Fprintf(w, "%s\n\nUsage:\n  %s\n", strings.TrimSpace(text), c.UseLine())
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(w, "  %s COMMAND [flags]\n\nCommands:\n", c.CommandPath())
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				fmt.Fprintf(w, "  %-11s %s\n", sub.Name(), sub.Short)
			}
		}
	}
	var order []string
	groups := map[string]*pflag.FlagSet{}
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		name := Other
		if g := f.Annotations[groupKey]; len(g) > 0 {
			name = g[0]
		}
		if groups[name] == nil {
			groups[name] = pflag.NewFlagSet(name, pflag.ContinueOnError)
			groups[name].SortFlags = false
			if name != Other {
				order = append(order, name)
			}
		}
		groups[name].AddFlag(f)
	})
	if groups[Other] != nil {
		order = append(order, Other)
	}
	for _, name := range order {
		fmt.Fprintf(w, "\n%s flags:\n%s", name, groups[name].FlagUsagesWrapped(width))
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(w, "\nRun \"%s COMMAND -h\" for a command's flags.\n", c.CommandPath())
	}
}
