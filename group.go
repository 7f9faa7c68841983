package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/internal/cmdline"
	"github.com/kafkaplot/kafkaplot/internal/group"
)

// newGroupCmd is "kafkaplot group".
func newGroupCmd() *cobra.Command {
	var conn connFlags
	var o group.Options
	cmd := &cobra.Command{
		Use:   "group [flags]",
		Short: "describe the consumer group: members, offsets, lag in records and in time",
		Long:  group.Summary,
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.Conn = conn.options(c.Flags())
			return group.Run(c.Context(), o, c.OutOrStdout())
		},
	}
	conn.register(cmd, "t")
	cmdline.InGroup(cmd.Flags(), groupGroup, func(fs *pflag.FlagSet) {
		fs.StringVarP(&o.Group, "group", "g", "", "consumer group to describe (default kafka.consumer.group_id, else kafkaplot)")
		fs.BoolVarP(&o.Watch, "watch", "w", false, "go on: print a line with its time at each change (state, generation, members, partitions moved, stalls)")
	})
	cmdline.NoFiles(cmd, "group")
	return cmd
}
