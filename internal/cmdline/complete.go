package cmdline

import "github.com/spf13/cobra"

// CompleteValues completes a flag from a fixed list.
func CompleteValues(values ...string) cobra.CompletionFunc {
	return cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)
}

// CompleteFiles completes a flag with file names of the given extensions.
func CompleteFiles(ext ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return ext, cobra.ShellCompDirectiveFilterFileExt
	}
}

// CompleteDirs completes a flag with directory names.
func CompleteDirs(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveFilterDirs
}

// NoFiles registers on cmd, for each named flag, that its value is not a
// file name: the shell offers nothing.
func NoFiles(cmd *cobra.Command, names ...string) {
	for _, name := range names {
		cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
	}
}
